import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenKmsError } from '@openkms/core';
import {
  isParsedPolicy,
  parsePolicy,
  parsePolicyOverlay,
  policyJsonSchema,
  policyJsonSchemaFor,
  policyOverlayJsonSchema,
  policyOverlayJsonSchemaFor,
} from '../src/index.js';
import { COSMOS_ALIASES, SOLANA_ALIASES } from './helpers.js';

const P = 'keys.solana-hot-0.policy';
const SOL = { aliases: SOLANA_ALIASES };
const ATOM = { aliases: COSMOS_ALIASES };

function configError(fn: () => unknown, path: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OpenKmsError, String(err));
    assert.equal(err.code, 'config_invalid');
    assert.equal(err.context.path, path);
    if (message) assert.match(err.message, message);
    return true;
  });
}

test('an empty policy is deny-by-default with defaults filled in', () => {
  const p = parsePolicy({}, P);
  assert.deepEqual(p, {
    enabled: true,
    per_tx_caps: {},
    window_caps: {},
    fee_caps: {},
    deny_uncapped_assets: true,
    allow_unknown_instructions: false,
    allowed_programs: [],
    allowed_messages: [],
    allowed_recipients: [],
  });
  assert.ok(Object.isFrozen(p) && Object.isFrozen(p.per_tx_caps));
  assert.ok(isParsedPolicy(p));
  assert.equal(parsePolicy(p, P), p, 'an already parsed policy is returned as is');
});

test('deny_uncapped_assets defaults to true; false must be written out', () => {
  assert.equal(parsePolicy({ per_tx_caps: { native: '1' } }, P).deny_uncapped_assets, true);
  assert.equal(parsePolicy({ deny_uncapped_assets: false }, P).deny_uncapped_assets, false);
});

test('@openkms/policy knows no chain: the original Solana field names are aliases a chain plugin declares', () => {
  configError(() => parsePolicy({ per_tx_cap_lamports: '5' }, P), `${P}.per_tx_cap_lamports`, /unknown policy field/);
  configError(
    () => parsePolicy({ allowed_messages: [{ type_url: '/x', per_tx_cap: { uatom: '1' } }] }, P),
    `${P}.allowed_messages[0].per_tx_cap.uatom`,
    /asset id/,
  );
  assert.deepEqual(parsePolicy({ allowed_messages: [{ type_url: '/x', per_tx_cap: { uatom: '1' } }] }, P, ATOM).allowed_messages[0]?.per_tx_cap, {
    'denom:uatom': '1',
  });
  assert.ok(!('per_tx_cap_lamports' in (policyJsonSchema.properties as object)));
  assert.ok('per_tx_cap_lamports' in (policyJsonSchemaFor(SOLANA_ALIASES).properties as object));
});

test('the original field names parse, aliases fold into the native asset', () => {
  const p = parsePolicy(
    {
      enabled: true,
      max_signs_per_minute: 10,
      max_signs_per_hour: 100n,
      max_signs_per_day: 1000,
      per_tx_cap_lamports: '5000000000',
      daily_cap_lamports: '20000000000',
      per_tx_caps: { 'spl:EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v': '1000000' },
      fee_caps: { native: '100000' },
      allowed_programs: [{ id: '11111111111111111111111111111111', comment: 'System' }],
      allowed_messages: [
        { type_url: '/cosmos.bank.v1beta1.MsgSend', allowed_recipients: ['cosmos1a', 'cosmos1a'], per_tx_cap: { uatom: '10', 'denom:uosmo': '20' } },
      ],
      allowed_recipients: [
        { program: '11111111111111111111111111111111', addresses: ['Alice'] },
        { asset: 'native', addresses: ['Bob'] },
      ],
    },
    P,
    { aliases: { ...SOLANA_ALIASES, ...COSMOS_ALIASES } },
  );
  assert.deepEqual(p.per_tx_caps, { 'spl:EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v': '1000000', native: '5000000000' });
  assert.deepEqual(p.window_caps, { native: '20000000000' });
  assert.equal(p.max_signs_per_hour, 100);
  assert.deepEqual(p.allowed_messages[0]?.allowed_recipients, ['cosmos1a'], 'duplicates collapse');
  assert.deepEqual(p.allowed_messages[0]?.per_tx_cap, { 'denom:uatom': '10', 'denom:uosmo': '20' }, 'a bare denom is read as denom:<denom>');
  assert.equal(p.allowed_recipients[1]?.asset, 'native');
});

test('alias and explicit native: same value is fine, different values are an error', () => {
  assert.equal(parsePolicy({ per_tx_cap_lamports: '5', per_tx_caps: { native: '5' } }, P, SOL).per_tx_caps.native, '5');
  configError(() => parsePolicy({ per_tx_cap_lamports: '5', per_tx_caps: { native: '6' } }, P, SOL), `${P}.per_tx_cap_lamports`, /conflicts/);
  configError(() => parsePolicy({ daily_cap_lamports: '5', window_caps: { native: '6' } }, P, SOL), `${P}.daily_cap_lamports`, /conflicts/);
});

test('unparseable caps are config errors naming the dotted path (never "no cap")', () => {
  configError(() => parsePolicy({ per_tx_caps: { native: 'abc' } }, P), `${P}.per_tx_caps.native`, /decimal string/);
  configError(() => parsePolicy({ per_tx_caps: { native: 5000 } }, P), `${P}.per_tx_caps.native`, /quoted/);
  configError(() => parsePolicy({ per_tx_caps: { native: '-1' } }, P), `${P}.per_tx_caps.native`);
  configError(() => parsePolicy({ per_tx_caps: { native: '1.5' } }, P), `${P}.per_tx_caps.native`);
  configError(() => parsePolicy({ per_tx_caps: { native: '007' } }, P), `${P}.per_tx_caps.native`);
  configError(() => parsePolicy({ window_caps: { 'denom:uatom': '' } }, P), `${P}.window_caps.denom:uatom`);
  configError(() => parsePolicy({ fee_caps: { native: null } }, P), `${P}.fee_caps.native`);
  configError(() => parsePolicy({ per_tx_cap_lamports: 'lots' }, P, SOL), `${P}.per_tx_cap_lamports`);
  configError(() => parsePolicy({ per_tx_caps: { 'not an asset': '1' } }, P), `${P}.per_tx_caps.not an asset`, /asset id/);
  configError(() => parsePolicy({ allowed_messages: [{ type_url: '/x', per_tx_cap: { uatom: 'x' } }] }, P, ATOM), `${P}.allowed_messages[0].per_tx_cap.uatom`);
  configError(
    () => parsePolicy({ allowed_messages: [{ type_url: '/x', per_tx_cap: { 'Bad:1': '1' } }] }, P, ATOM),
    `${P}.allowed_messages[0].per_tx_cap.Bad:1`,
  );
});

test('unknown keys, wrong types and bad list items are rejected with their path', () => {
  configError(() => parsePolicy({ per_tx_cap_lamport: '1' }, P, SOL), `${P}.per_tx_cap_lamport`, /unknown/);
  configError(() => parsePolicy({ enabled: 'yes' }, P), `${P}.enabled`);
  configError(() => parsePolicy({ max_signs_per_minute: 0 }, P), `${P}.max_signs_per_minute`, /positive/);
  configError(() => parsePolicy({ max_signs_per_minute: 1.5 }, P), `${P}.max_signs_per_minute`);
  configError(() => parsePolicy({ allowed_programs: { id: 'x' } }, P), `${P}.allowed_programs`, /array/);
  configError(() => parsePolicy({ allowed_programs: [{ id: 'a' }, { id: '' }] }, P), `${P}.allowed_programs[1].id`);
  configError(() => parsePolicy({ allowed_programs: [{ id: 'a' }, { id: 'a' }] }, P), `${P}.allowed_programs[1].id`, /duplicate/);
  configError(() => parsePolicy({ allowed_programs: [{ id: 'a', note: 'x' }] }, P), `${P}.allowed_programs[0].note`);
  configError(() => parsePolicy({ allowed_messages: [{ type_url: '/a' }, { type_url: '/a' }] }, P), `${P}.allowed_messages[1].type_url`, /duplicate/);
  configError(() => parsePolicy({ allowed_messages: [{ type_url: '/a', allowed_methods: [1] }] }, P), `${P}.allowed_messages[0].allowed_methods[0]`);
  configError(() => parsePolicy({ allowed_recipients: [{ program: 'p' }] }, P), `${P}.allowed_recipients[0].addresses`, /required/);
  configError(() => parsePolicy({ allowed_recipients: [{ asset: 'nope', addresses: [] }] }, P), `${P}.allowed_recipients[0].asset`);
  configError(() => parsePolicy('x', P), P);
  configError(() => parsePolicy(null, P), P);
});

test('overlays: every field optional and nullable, caps nullable per asset, aliases folded', () => {
  const o = parsePolicyOverlay({ enabled: null, per_tx_cap_lamports: '7', window_caps: { native: null }, allowed_programs: null }, '', SOL);
  assert.deepEqual(o, { enabled: null, per_tx_caps: { native: '7' }, window_caps: { native: null }, allowed_programs: null });
  assert.deepEqual(parsePolicyOverlay({ daily_cap_lamports: null }, '', SOL), { window_caps: { native: null } }, 'a null alias clears its asset');
  configError(() => parsePolicyOverlay({ per_tx_caps: { native: 'x' } }, ''), 'per_tx_caps.native');
  configError(() => parsePolicyOverlay({ bogus: 1 }, ''), 'bogus');
  configError(() => parsePolicyOverlay({ per_tx_cap_lamports: '1' }, ''), 'per_tx_cap_lamports');
  configError(() => parsePolicyOverlay({ per_tx_cap_lamports: '1', per_tx_caps: null }, '', SOL), 'per_tx_cap_lamports');
  configError(() => parsePolicyOverlay({ per_tx_cap_lamports: '1', per_tx_caps: { native: null } }, '', SOL), 'per_tx_cap_lamports');
});

test('JSON schemas are closed objects that list exactly the fields the parser accepts', () => {
  const fields = [
    'enabled',
    'max_signs_per_minute',
    'max_signs_per_hour',
    'max_signs_per_day',
    'per_tx_caps',
    'window_caps',
    'fee_caps',
    'deny_uncapped_assets',
    'allow_unknown_instructions',
    'allowed_programs',
    'allowed_messages',
    'allowed_recipients',
    'allowed_contracts',
    'allowed_flags',
    'approval',
  ].sort();
  for (const schema of [policyJsonSchema, policyOverlayJsonSchema]) {
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties as object).sort(), fields);
  }
  for (const schema of [policyJsonSchemaFor(SOLANA_ALIASES), policyOverlayJsonSchemaFor(SOLANA_ALIASES)]) {
    assert.deepEqual(Object.keys(schema.properties as object).sort(), [...fields, 'daily_cap_lamports', 'per_tx_cap_lamports'].sort());
  }
  // every object in the schema is closed or constrains its property names
  const walk = (s: unknown, path: string): void => {
    if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${path}[${i}]`));
    if (typeof s !== 'object' || s === null) return;
    const o = s as Record<string, unknown>;
    if (o.type === 'object') assert.ok(o.additionalProperties === false || o.propertyNames !== undefined, `open object at ${path}`);
    for (const [k, v] of Object.entries(o)) walk(v, `${path}.${k}`);
  };
  walk(policyJsonSchema, 'policy');
  walk(policyOverlayJsonSchema, 'overlay');
  // a value the schema documents as valid parses
  const amountPattern = new RegExp((policyJsonSchemaFor(SOLANA_ALIASES).properties as Record<string, Record<string, string>>).per_tx_cap_lamports!.pattern!);
  assert.ok(amountPattern.test('5000000000') && !amountPattern.test('5e9'));
  // round trip: the normalised form is itself a valid policy (without the chain's aliases)
  const p = parsePolicy({ per_tx_cap_lamports: '5', allowed_messages: [{ type_url: '/a', per_tx_cap: { uatom: '1' } }] }, P, {
    aliases: { ...SOLANA_ALIASES, ...COSMOS_ALIASES },
  });
  assert.deepEqual(parsePolicy(JSON.parse(JSON.stringify(p)), P), p);
});
