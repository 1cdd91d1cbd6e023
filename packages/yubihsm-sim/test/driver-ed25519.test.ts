import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { startHarness, hex, toHex } from './driver-harness.js';
import { RFC8032_VECTORS } from './rfc8032-vectors.js';

test('RFC 8032 Ed25519 vectors through PutAsymmetricKey + SignEddsa over HTTP', async () => {
  const h = await startHarness();
  try {
    const s = await h.client.openSession(1, 'password');
    for (const [i, v] of RFC8032_VECTORS.entries()) {
      // the data itself is sound
      assert.equal(toHex(ed25519.getPublicKey(hex(v.seed))), v.publicKey, v.name);
      if (v.name === 'TEST 1024') assert.equal(hex(v.message).length, 1023);
      if (v.name === 'TEST SHA(abc)') assert.equal(toHex(createHash('sha512').update('abc').digest()), v.message);
      const id = 0x100 + i;
      assert.equal(await s.putAsymmetricKey({ id, label: v.name, domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519', key: hex(v.seed) }), id);
      const pk = await s.getPublicKey(id);
      assert.equal(pk.algorithm, 46);
      assert.equal(toHex(pk.publicKey), v.publicKey, v.name);
      assert.equal(toHex(await s.signEddsa(id, hex(v.message))), v.signature, v.name);
    }
    await s.close();
  } finally {
    await h.close();
  }
});
