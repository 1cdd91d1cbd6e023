import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHAIN_PLUGIN_API_VERSION, type ChainSigner } from '@openkms/core';
import { createCosmosChainSigner } from '@openkms/cosmos';
import { PolicyEngine } from '@openkms/policy';
import { createSolanaChainSigner } from '@openkms/solana';
import { checkKey, policyKeyConfig } from './check-keys.js';

const solana = createSolanaChainSigner();
const cosmos = createCosmosChainSigner();
/** A third-party plugin written before the policy hooks existed: no keyOptionsSchema, network, checkPolicyId or aliases. */
const hookless = {
  chain: 'old',
  apiVersion: CHAIN_PLUGIN_API_VERSION,
  curve: 'ed25519',
  requestSchema: { type: 'object', required: ['label'] },
  responseSchema: { type: 'object' },
  summary: 'a plugin without policy hooks',
  address: () => 'old1',
  decode: () => {
    throw new Error('unused');
  },
  sign: () => Promise.reject(new Error('unused')),
} as ChainSigner<any, any>;
const chains = new Map<string, ChainSigner<any, any>>([
  ['solana', solana],
  ['cosmos', cosmos],
  ['old', hookless],
]);
const MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const paths = (r: { problems: { path: string }[] }) => r.problems.map((p) => p.path);

test('a key must name its network: Solana cluster, Cosmos chain_id (config_invalid naming the option)', () => {
  assert.deepEqual(paths(checkKey('s', 'solana', undefined, {}, chains)), ['keys.s.options.cluster']);
  assert.deepEqual(paths(checkKey('c', 'cosmos', { bech32_prefix: 'cosmos' }, {}, chains)), ['keys.c.options.chain_id']);
  assert.deepEqual(paths(checkKey('s', 'solana', { cluster: 'mainnet' }, {}, chains)), ['keys.s.options.cluster'], 'not a cluster');
  assert.deepEqual(paths(checkKey('s', 'solana', { cluster: 'devnet' }, {}, chains)), []);
});

test("unknown options are errors naming keys.<label>.options.<name> (a typo'd pin must not silently do nothing)", () => {
  const r = checkKey('c', 'cosmos', { chain_id: 'cosmoshub-4', chainid: 'cosmoshub-4' }, {}, chains);
  assert.deepEqual(paths(r), ['keys.c.options.chainid']);
  assert.match(r.problems[0]!.message, /unknown key \(options of a cosmos key: chain_id, bech32_prefix, pubkey_type\)/);
});

test('policy ids are checked by the key chain plugin: wrong-chain assets, bad mints, addresses with another prefix', () => {
  const sol = checkKey(
    's',
    'solana',
    { cluster: 'mainnet-beta' },
    {
      per_tx_caps: { 'denom:uatom': '1', [`spl:${MINT}`]: '1' },
      window_caps: { 'spl:So1111': '1' },
      allowed_programs: [{ id: 'System' }],
    },
    chains,
  );
  assert.deepEqual(paths(sol), ['keys.s.policy.per_tx_caps.denom:uatom', 'keys.s.policy.window_caps.spl:So1111', 'keys.s.policy.allowed_programs[0].id']);
  const atom = checkKey(
    'c',
    'cosmos',
    { chain_id: 'osmosis-1', bech32_prefix: 'osmo' },
    {
      per_tx_caps: { native: '1', 'erc20:0xdAC17F958D2ee523a2206206994597C13D831ec7': '1', 'denom:uosmo': '5' },
      allowed_messages: [
        { type_url: '/cosmos.bank.v1beta1.MsgSend', allowed_recipients: ['cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu'], per_tx_cap: { uosmo: '1' } },
      ],
    },
    chains,
  );
  assert.deepEqual(paths(atom), [
    'keys.c.policy.per_tx_caps.native',
    // EVM addresses in asset ids are compared in lower case, so the path names the canonical id
    'keys.c.policy.per_tx_caps.erc20:0xdac17f958d2ee523a2206206994597c13d831ec7',
    'keys.c.policy.allowed_messages[0].allowed_recipients[0]',
  ]);
});

test('the original field names work on a Solana key only (they are its plugin aliases)', () => {
  const ok = checkKey('s', 'solana', { cluster: 'mainnet-beta' }, { per_tx_cap_lamports: '5', daily_cap_lamports: '9' }, chains);
  assert.deepEqual(paths(ok), []);
  assert.deepEqual([ok.policy?.per_tx_caps.native, ok.policy?.window_caps.native], ['5', '9']);
  assert.deepEqual(paths(checkKey('c', 'cosmos', { chain_id: 'cosmoshub-4' }, { per_tx_cap_lamports: '5' }, chains)), ['keys.c.policy.per_tx_cap_lamports']);
});

test('a plugin without the hooks still serves keys, conservatively: no options, no aliases, no uncapped assets', () => {
  assert.deepEqual(paths(checkKey('o', 'old', undefined, { per_tx_caps: { native: '5' }, allowed_programs: [{ id: 'anything' }] }, chains)), []);
  const opt = checkKey('o', 'old', { network: 'x' }, {}, chains);
  assert.deepEqual(paths(opt), ['keys.o.options.network']);
  assert.match(opt.problems[0]!.message, /declares no key options/);
  assert.deepEqual(paths(checkKey('o', 'old', {}, { per_tx_cap_lamports: '1' }, chains)), ['keys.o.policy.per_tx_cap_lamports']);
  const lax = checkKey('o', 'old', {}, { deny_uncapped_assets: false }, chains);
  assert.deepEqual(paths(lax), ['keys.o.policy.deny_uncapped_assets']);
  assert.match(lax.problems[0]!.message, /cannot check asset ids/);
});

test("the policy engine runs the plugin's checks on PATCH overlays too", () => {
  const key = {
    label: 's',
    chain: 'solana',
    backend: 'yubihsm',
    keyId: '0x0064',
    options: { cluster: 'mainnet-beta' },
    policy: checkKey('s', 'solana', { cluster: 'mainnet-beta' }, {}, chains).policy!,
  };
  const engine = new PolicyEngine({ keys: { s: policyKeyConfig(key, solana) } });
  assert.throws(() => engine.patchOverlay('s', { per_tx_caps: { 'denom:uatom': '1' } }), { code: 'invalid_request' });
  assert.deepEqual(engine.patchOverlay('s', { per_tx_cap_lamports: '7' }), { per_tx_caps: { native: '7' } });
});
