import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHAIN_PLUGIN_API_VERSION, ErrorCode, isOpenKmsError, lazyChainSigner, type ChainKey, type ChainSigner, type KeyBackend } from './index.js';

const basics = {
  chain: 'toy',
  apiVersion: CHAIN_PLUGIN_API_VERSION,
  curve: 'ed25519',
  requestSchema: { type: 'object', required: ['label'] },
  responseSchema: { type: 'object' },
  summary: 'toy',
  address: (publicKey: Uint8Array) => `toy:${publicKey.length}`,
} as const;

const full: ChainSigner = {
  ...basics,
  decode: (request) => ({ decoded: request, intent: { chain: 'toy', transfers: [] } as never, signingBytes: new Uint8Array([1]) }),
  sign: async () => ({ body: { ok: true }, signature: new Uint8Array([2]) }),
};

const key = { label: 'k' } as ChainKey;

test('a lazy signer loads its decoder once, on the first decode or prepare, and not before', async () => {
  let loads = 0;
  const signer = lazyChainSigner(basics, async () => {
    loads++;
    return full;
  });
  assert.equal(signer.address(new Uint8Array(32), {}), 'toy:32');
  assert.equal(loads, 0);
  await Promise.all([signer.prepare!(), signer.prepare!()]);
  assert.equal(loads, 1);
  const decoded = await signer.decode({ label: 'k' }, key);
  assert.deepEqual(decoded.decoded, { label: 'k' });
  assert.deepEqual((await signer.sign(decoded, key, {} as KeyBackend)).body, { ok: true });
  assert.equal(loads, 1);
});

test('a decoder that cannot be loaded fails closed with internal_error, and is tried again later', async () => {
  let loads = 0;
  const signer = lazyChainSigner(basics, async () => {
    if (++loads === 1) throw new Error('Cannot find module heavy-decoder');
    return full;
  });
  await assert.rejects(
    async () => signer.decode({ label: 'k' }, key),
    (err: unknown) => isOpenKmsError(err) && err.code === ErrorCode.internal && /heavy-decoder/.test(err.message),
  );
  assert.deepEqual((await signer.decode({ label: 'k' }, key)).decoded, { label: 'k' });
  assert.equal(loads, 2);
});

test('a loaded signer for another chain or curve is refused', async () => {
  for (const other of [
    { ...full, chain: 'other' },
    { ...full, curve: 'secp256k1' as const },
  ]) {
    const signer = lazyChainSigner(basics, async () => other);
    await assert.rejects(signer.prepare!(), (err: unknown) => isOpenKmsError(err) && err.code === ErrorCode.internal);
  }
});
