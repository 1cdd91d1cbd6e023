import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { getAddress, keccak256, serializeTransaction } from 'viem';
import { staticImportClosure } from '@openkms/tooling/static-imports';
import { isOpenKmsError } from '@openkms/core';
import { createEvmChainSigner } from './evm-chain-signer.js';
import { evmAddress } from './evm-key-address.js';
import { evmPlugin } from './plugin.js';
import { CHAIN_ID, RECIPIENT, evmTestKeys } from './test-fixtures.js';

test('the plugin entry loads no decoder: no viem (it loads on first decode)', () => {
  const loaded = staticImportClosure(fileURLToPath(new URL('./plugin.ts', import.meta.url)));
  assert.deepEqual(
    loaded.filter((s) => /^(viem|ox|abitype)(\/|$)/.test(s)),
    [],
  );
  assert.ok(loaded.includes('@openkms/core'), 'the closure is followed');
});

test("a key's address (computed without viem) is viem's EIP-55 checksummed address", () => {
  for (let i = 0; i < 64; i++) {
    const publicKey = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(randomBytes(48)), true);
    const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
    assert.equal(evmAddress(publicKey), getAddress(`0x${keccak256(uncompressed.subarray(1)).slice(-40)}`));
  }
});

test('the plugin entry signs exactly as the full signer does', async () => {
  const lazy = evmPlugin.create({});
  const full = createEvmChainSigner({});
  for (const field of ['chain', 'curve', 'apiVersion', 'requestSchema', 'responseSchema', 'keyOptionsSchema', 'summary'] as const)
    assert.deepEqual(lazy[field], full[field], field);
  const { key, backend } = await evmTestKeys();
  assert.equal(lazy.address(key.publicKey, {}), full.address(key.publicKey, {}));
  const tx_hex = serializeTransaction({
    chainId: Number(CHAIN_ID),
    nonce: 1,
    gas: 21000n,
    to: RECIPIENT,
    value: 5n,
    type: 'eip1559',
    maxFeePerGas: 3n,
    maxPriorityFeePerGas: 1n,
  });
  const request = { label: 'evm-hot', expected_chain_id: CHAIN_ID.toString(), tx_hex };
  const a = await lazy.decode(request, key);
  const b = await full.decode(request, key);
  assert.deepEqual(a.intent, b.intent);
  assert.deepEqual((await lazy.sign(a, key, backend)).body, (await full.sign(b, key, backend)).body);
  // still strict: garbage is refused with the same code as by the full signer
  const garbage = { ...request, tx_hex: '0x02deadbeef' };
  const code = await Promise.resolve()
    .then(() => full.decode(garbage, key))
    .then(
      () => 'none',
      (err: unknown) => (isOpenKmsError(err) ? err.code : 'not an OpenKmsError'),
    );
  assert.equal(code, 'decode_failed');
  await assert.rejects(
    async () => lazy.decode(garbage, key),
    (err: unknown) => isOpenKmsError(err) && err.code === code,
  );
});
