import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { fromBech32 } from '@cosmjs/encoding';
import { staticImportClosure } from '@openkms/tooling/static-imports';
import { isOpenKmsError, toBase64 } from '@openkms/core';
import { createCosmosChainSigner } from './cosmos-chain-signer.js';
import { ethSecp256k1Address } from './eth-secp256k1-address.js';
import { cosmosPlugin } from './plugin.js';
import { CHAIN_ID, RECIPIENT, buildSignDoc, cosmosTestKeys, msgSend } from './test-fixtures.js';

test('the plugin entry loads no decoder: no protobuf registry, amino converters or cosmjs-types (they load on first decode)', () => {
  const loaded = staticImportClosure(fileURLToPath(new URL('./plugin.ts', import.meta.url)));
  assert.deepEqual(
    loaded.filter((s) => /^(cosmjs-types|@cosmjs\/(amino|proto-signing|stargate|cosmwasm|crypto|math))(\/|$)/.test(s)),
    [],
  );
  assert.ok(loaded.includes('@openkms/core'), 'the closure is followed');
});

test('the plugin entry checks its options at create and signs exactly as the full signer does', async () => {
  assert.throws(() => cosmosPlugin.create({ bech32_prefix: 'Not Valid' }), { code: 'config_invalid' });
  const lazy = cosmosPlugin.create({ bech32_prefix: 'cosmos' });
  const full = createCosmosChainSigner({ bech32_prefix: 'cosmos' });
  for (const field of ['chain', 'curve', 'apiVersion', 'requestSchema', 'responseSchema', 'keyOptionsSchema', 'policyAliases', 'summary'] as const)
    assert.deepEqual(lazy[field], full[field], field);
  const { key, backend } = await cosmosTestKeys();
  for (const options of [{}, { bech32_prefix: 'osmo' }, { bech32_prefix: 'inj', pubkey_type: '/injective.crypto.v1beta1.ethsecp256k1.PubKey' }])
    assert.equal(lazy.address(key.publicKey, options), full.address(key.publicKey, options));
  assert.equal(lazy.checkPolicyId!('address', RECIPIENT, {}), undefined);
  const { bytes } = buildSignDoc({ signerPubkeys: [key.publicKey], messages: [msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount: '123' }])] });
  const request = { label: 'cosmos-hot', sign_doc_b64: toBase64(bytes), expected_chain_id: CHAIN_ID };
  const a = await lazy.decode(request, key);
  const b = await full.decode(request, key);
  assert.deepEqual(a.intent, b.intent);
  assert.deepEqual((await lazy.sign(a, key, backend)).body, (await full.sign(b, key, backend)).body);
  // still strict: garbage is refused with the same code
  await assert.rejects(
    async () => lazy.decode({ ...request, sign_doc_b64: 'AAAA' }, key),
    (err: unknown) => isOpenKmsError(err) && err.code === 'decode_failed',
  );
});

test('an Ethermint-style address is the keccak address of the uncompressed key (a known vector); an invalid point throws', () => {
  // private key 1: the generator point G, whose Ethereum address is 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf
  const g = Uint8Array.from(Buffer.from('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', 'hex'));
  const { prefix, data } = fromBech32(ethSecp256k1Address(g, 'evmos'), 90);
  assert.equal(prefix, 'evmos');
  assert.equal(Buffer.from(data).toString('hex'), '7e5f4552091a69125d5dfcb7b8c2659029395bdf');
  assert.throws(() => ethSecp256k1Address(Uint8Array.from([2, ...new Array<number>(32).fill(0xff)]), 'evmos'));
});
