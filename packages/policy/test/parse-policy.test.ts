import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenKmsError } from '@openkms/core';
import { isParsedPolicy, parsePolicy, parsePolicyOverlay, policyJsonSchema, policyOverlayJsonSchema } from '../src/index.js';

const P = 'keys.solana-hot-0.policy';

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
    deny_uncapped_assets: false,
    allow_unknown_instructions: false,
    allowed_programs: [],
    allowed_messages: [],
    allowed_recipients: [],
  });
  assert.ok(Object.isFrozen(p) && Object.isFrozen(p.per_tx_caps));
  assert.ok(isParsedPolicy(p));
  assert.equal(parsePolicy(p, P), p, 'an already parsed policy is returned as is');
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
  );
  assert.deepEqual(p.per_tx_caps, { 'spl:EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v': '1000000', native: '5000000000' });
  assert.deepEqual(p.window_caps, { native: '20000000000' });
  assert.equal(p.max_signs_per_hour, 100);
  assert.deepEqual(p.allowed_messages[0]?.allowed_recipients, ['cosmos1a'], 'duplicates collapse');
  assert.deepEqual(p.allowed_messages[0]?.per_tx_cap, { uatom: '10', uosmo: '20' }, 'denom: prefix is stripped');
  assert.equal(p.allowed_recipients[1]?.asset, 'native');
});

test('alias and explicit native: same value is fine, different values are an error', () => {
  assert.equal(parsePolicy({ per_tx_cap_lamports: '5', per_tx_caps: { native: '5' } }, P).per_tx_caps.native, '5');
  configError(() => parsePolicy({ per_tx_cap_lamports: '5', per_tx_caps: { native: '6' } }, P), `${P}.per_tx_cap_lamports`, /conflicts/);
  configError(() => parsePolicy({ daily_cap_lamports: '5', window_caps: { native: '6' } }, P), `${P}.daily_cap_lamports`, /conflicts/);
});

test('unparseable caps are config errors naming the dotted path (never "no cap")', () => {
  configError(() => parsePolicy({ per_tx_caps: { native: 'abc' } }, P), `${P}.per_tx_caps.native`, /decimal string/);
  configError(() => parsePolicy({ per_tx_caps: { native: 5000 } }, P), `${P}.per_tx_caps.native`, /quoted/);
  configError(() => parsePolicy({ per_tx_caps: { native: '-1' } }, P), `${P}.per_tx_caps.native`);
  configError(() => parsePolicy({ per_tx_caps: { native: '1.5' } }, P), `${P}.per_tx_caps.native`);
  configError(() => parsePolicy({ per_tx_caps: { native: '007' } }, P), `${P}.per_tx_caps.native`);
  configError(() => parsePolicy({ window_caps: { 'denom:uatom': '' } }, P), `${P}.window_caps.denom:uatom`);
  configError(() => parsePolicy({ fee_caps: { native: null } }, P), `${P}.fee_caps.native`);
  configError(() => parsePolicy({ per_tx_cap_lamports: 'lots' }, P), `${P}.per_tx_cap_lamports`);
  configError(() => parsePolicy({ per_tx_caps: { 'not an asset': '1' } }, P), `${P}.per_tx_caps.not an asset`, /asset id/);
  configError(() => parsePolicy({ allowed_messages: [{ type_url: '/x', per_tx_cap: { uatom: 'x' } }] }, P), `${P}.allowed_messages[0].per_tx_cap.uatom`);
  configError(() => parsePolicy({ allowed_messages: [{ type_url: '/x', per_tx_cap: { '1bad': '1' } }] }, P), `${P}.allowed_messages[0].per_tx_cap.1bad`);
});

test('unknown keys, wrong types and bad list items are rejected with their path', () => {
  configError(() => parsePolicy({ per_tx_cap_lamport: '1' }, P), `${P}.per_tx_cap_lamport`, /unknown/);
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
  const o = parsePolicyOverlay({ enabled: null, per_tx_cap_lamports: '7', window_caps: { native: null }, allowed_programs: null }, '');
  assert.deepEqual(o, { enabled: null, per_tx_caps: { native: '7' }, window_caps: { native: null }, allowed_programs: null });
  configError(() => parsePolicyOverlay({ per_tx_caps: { native: 'x' } }, ''), 'per_tx_caps.native');
  configError(() => parsePolicyOverlay({ bogus: 1 }, ''), 'bogus');
  configError(() => parsePolicyOverlay({ per_tx_cap_lamports: '1', per_tx_caps: null }, ''), 'per_tx_cap_lamports');
  configError(() => parsePolicyOverlay({ per_tx_cap_lamports: '1', per_tx_caps: { native: null } }, ''), 'per_tx_cap_lamports');
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
    'per_tx_cap_lamports',
    'daily_cap_lamports',
    'deny_uncapped_assets',
    'allow_unknown_instructions',
    'allowed_programs',
    'allowed_messages',
    'allowed_recipients',
    'allowed_contracts',
    'allowed_flags',
  ].sort();
  for (const schema of [policyJsonSchema, policyOverlayJsonSchema]) {
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties as object).sort(), fields);
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
  const amountPattern = new RegExp((policyJsonSchema.properties as Record<string, Record<string, string>>).per_tx_cap_lamports!.pattern!);
  assert.ok(amountPattern.test('5000000000') && !amountPattern.test('5e9'));
  // round trip: the normalised form is itself a valid policy
  const p = parsePolicy({ per_tx_cap_lamports: '5', allowed_messages: [{ type_url: '/a', per_tx_cap: { 'denom:uatom': '1' } }] }, P);
  assert.deepEqual(parsePolicy(JSON.parse(JSON.stringify(p)), P), p);
});
