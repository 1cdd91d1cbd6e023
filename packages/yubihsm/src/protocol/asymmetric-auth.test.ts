import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createECDH, createHash } from 'node:crypto';
import { deriveAsymmetricSessionKeys, p256PrivateKey, p256PublicPoint, p256SharedSecret, x963KdfSha256 } from './asymmetric-auth.js';

test('X9.63 KDF (SHA-256) and P-256 ECDH agree with node:crypto; the 64 bytes split receipt key ‖ S-ENC ‖ S-MAC ‖ S-RMAC', () => {
  const a = createECDH('prime256v1');
  a.generateKeys();
  const b = p256PrivateKey((n) => new Uint8Array(n).fill(0x42));
  const shared = p256SharedSecret(b, a.getPublicKey());
  assert.deepEqual(Buffer.from(shared), a.computeSecret(Buffer.from(p256PublicPoint(b))));
  const z = Buffer.concat([shared, shared]);
  const info = Buffer.from('3c8810', 'hex');
  const expected = Buffer.concat(
    [1, 2].map((i) =>
      createHash('sha256')
        .update(Buffer.concat([z, Buffer.of(0, 0, 0, i), info]))
        .digest(),
    ),
  );
  assert.deepEqual(Buffer.from(x963KdfSha256(z, info, 64)), expected);
  const { receiptKey, keys } = deriveAsymmetricSessionKeys(shared, shared);
  assert.deepEqual(Buffer.concat([receiptKey, keys.sEnc, keys.sMac, keys.sRmac]), expected);
  assert.throws(() => p256SharedSecret(b, new Uint8Array(65).fill(4)), { reason: 'invalid_argument' });
});
