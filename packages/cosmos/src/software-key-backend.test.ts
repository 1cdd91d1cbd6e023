// Tests of the TEST-ONLY software KeyBackend in tooling/test-helpers (run here because tooling has no test suite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtendedSecp256k1Signature, Secp256k1, sha256 } from '@cosmjs/crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { OpenKmsError } from '@openkms/core';
import { createSoftwareKeyBackend } from '@openkms/tooling/test-helpers';

test('software backend: lists keys, signs ed25519, signs secp256k1 with a correct recovery id', async () => {
  const backend = createSoftwareKeyBackend([
    { id: 'ed', curve: 'ed25519', seed: new Uint8Array(32).fill(1), label: 'e' },
    { id: 'k', curve: 'secp256k1', privateKey: new Uint8Array(32).fill(0x33) },
  ]);
  const keys = await backend.listKeys();
  assert.deepEqual(
    keys.map((k) => [k.id, k.curve, k.publicKey.length, k.backendLabel]),
    [
      ['ed', 'ed25519', 32, 'e'],
      ['k', 'secp256k1', 33, undefined],
    ],
  );
  assert.deepEqual((await backend.health()).simulated, true);

  const msg = new TextEncoder().encode('hello');
  const edSig = await backend.signEd25519({ id: 'ed' }, msg);
  assert.ok(ed25519.verify(edSig, msg, keys[0]!.publicKey));

  for (let i = 0; i < 8; i++) {
    const digest = sha256(Uint8Array.of(i));
    const { signature, recovery } = await backend.signSecp256k1({ id: 'k' }, digest);
    const ext = new ExtendedSecp256k1Signature(signature.subarray(0, 32), signature.subarray(32), recovery);
    const recovered = Secp256k1.compressPubkey(Secp256k1.recoverPubkey(ext, digest));
    assert.deepEqual(recovered, keys[1]!.publicKey);
  }
  assert.equal(backend.signCount('k'), 8);
});

test('software backend: fails closed with stable codes', async () => {
  const backend = createSoftwareKeyBackend([{ id: 'k', curve: 'secp256k1', privateKey: new Uint8Array(32).fill(0x33) }]);
  await assert.rejects(backend.signSecp256k1({ id: 'nope' }, new Uint8Array(32)), (e: unknown) => e instanceof OpenKmsError && e.code === 'key_not_found');
  await assert.rejects(backend.signEd25519({ id: 'k' }, new Uint8Array(1)), { code: 'backend_error' });
  await assert.rejects(backend.signSecp256k1({ id: 'k' }, new Uint8Array(31)), { code: 'backend_error' });
  await backend.close();
  await assert.rejects(backend.listKeys(), { code: 'backend_unavailable' });
  assert.equal((await backend.health()).up, false);
  assert.throws(() => createSoftwareKeyBackend([{ id: 'a', curve: 'ed25519', seed: new Uint8Array(31) }]), TypeError);
});
