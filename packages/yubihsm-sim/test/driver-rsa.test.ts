/**
 * RSA 2048/3072/4096 keys, driver ↔ simulator over HTTP, checked with node:crypto: PKCS#1 v1.5 and PSS signatures
 * verify, PKCS#1 v1.5 and OAEP ciphertexts made by node:crypto decrypt; a put key (node's primes) has node's modulus.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes, verify } from 'node:crypto';
import { publicKeyInfoDer, type AlgorithmName } from '@openkms/yubihsm';
import { startHarness } from './driver-harness.js';

const spki = (algorithm: number, modulus: Uint8Array) =>
  createPublicKey({ key: Buffer.from(publicKeyInfoDer(algorithm, modulus)), format: 'der', type: 'spki' });
const CAPS = ['sign-pkcs', 'sign-pss', 'decrypt-pkcs', 'decrypt-oaep'] as const;

test('RSA: generated keys of every size sign (PKCS#1 v1.5, PSS) and decrypt (PKCS#1 v1.5, OAEP) as node:crypto expects', { timeout: 180_000 }, async () => {
  const h = await startHarness();
  try {
    const s = await h.client.openSession(1, 'password');
    const cases: ReadonlyArray<[AlgorithmName, string, AlgorithmName]> = [
      ['rsa2048', 'sha256', 'mgf1-sha256'],
      ['rsa3072', 'sha384', 'mgf1-sha384'],
      ['rsa4096', 'sha512', 'mgf1-sha1'],
    ];
    let id = 0x400;
    for (const [alg, hash, mgf1] of cases) {
      const key = await s.generateAsymmetricKey({ id: id++, label: alg, domains: [1], capabilities: [...CAPS], algorithm: alg }, { timeoutMs: 60_000 });
      const pk = await s.getPublicKey(key);
      const pub = spki(pk.algorithm, pk.publicKey);
      assert.equal(pub.asymmetricKeyDetails?.modulusLength, Number(alg.slice(3)));
      const message = randomBytes(200);
      const digest = createHash(hash).update(message).digest();
      assert.ok(verify(hash, message, pub, await s.signPkcs1(key, digest)), `${alg} PKCS#1 v1.5`);
      const pss = await s.signPss({ id: key, mgf1: `mgf1-${hash}` as AlgorithmName, saltLength: digest.length, digest });
      assert.ok(verify(hash, message, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length }, pss), `${alg} PSS`);
      const secret = randomBytes(32);
      const c1 = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, secret);
      assert.deepEqual(Buffer.from(await s.decryptPkcs1(key, c1)), secret, `${alg} PKCS#1 v1.5 decrypt`);
      const label = Buffer.from('openkms');
      const oaepHash = mgf1 === 'mgf1-sha1' ? 'sha1' : hash;
      const c2 = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash, oaepLabel: label }, secret);
      const plain = await s.decryptOaep({ id: key, mgf1, ciphertext: c2, labelHash: createHash(oaepHash).update(label).digest() });
      assert.deepEqual(Buffer.from(plain), secret, `${alg} OAEP`);
      await assert.rejects(
        s.decryptOaep({ id: key, mgf1, ciphertext: c2, labelHash: createHash(oaepHash).update('other').digest() }),
        (e: { codeName?: string }) => e.codeName === 'INVALID_DATA',
        'a wrong label is a decryption error',
      );
    }
    await s.close();
  } finally {
    await h.close();
  }
});

test('RSA: a put key (p ‖ q from node:crypto) has node modulus and signs; capabilities and bad keys are refused', { timeout: 120_000 }, async () => {
  const h = await startHarness();
  try {
    const s = await h.client.openSession(1, 'password');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const pq = Buffer.concat([Buffer.from(jwk.p!, 'base64url'), Buffer.from(jwk.q!, 'base64url')]);
    assert.equal(pq.length, 256);
    const id = await s.putAsymmetricKey({ id: 0x480, label: 'put-rsa', domains: [1], capabilities: ['sign-pkcs'], algorithm: 'rsa2048', key: pq });
    const pk = await s.getPublicKey(id);
    assert.equal(Buffer.from(pk.publicKey).toString('base64url'), jwk.n);
    const message = Buffer.from('hello');
    assert.ok(verify('sha1', message, publicKey, await s.signPkcs1(id, createHash('sha1').update(message).digest())));
    await assert.rejects(
      s.signPss({ id, mgf1: 'mgf1-sha256', saltLength: 32, digest: new Uint8Array(32) }),
      (e: { codeName?: string }) => e.codeName === 'INSUFFICIENT_PERMISSIONS',
    );
    await assert.rejects(s.signPkcs1(id, new Uint8Array(33)), (e: { codeName?: string }) => e.codeName === 'INVALID_DATA');
    await assert.rejects(
      s.putAsymmetricKey({ id: 0x481, label: 'bad', domains: [1], capabilities: ['sign-pkcs'], algorithm: 'rsa2048', key: new Uint8Array(256).fill(0xff) }),
      (e: { codeName?: string }) => e.codeName === 'INVALID_DATA',
    );
    await s.close();
  } finally {
    await h.close();
  }
});

test('WrapData / UnwrapData: a round trip under a wrap key; a changed blob or the other capability is refused', async () => {
  const h = await startHarness();
  try {
    const s = await h.client.openSession(1, 'password');
    const wrap = await s.putWrapKey({
      id: 0x10,
      label: 'data',
      domains: [1],
      capabilities: ['wrap-data', 'unwrap-data'],
      delegatedCapabilities: [],
      algorithm: 'aes256-ccm-wrap',
      key: randomBytes(32),
    });
    const only = await s.generateWrapKey({
      id: 0x11,
      label: 'wrap only',
      domains: [1],
      capabilities: ['wrap-data'],
      delegatedCapabilities: [],
      algorithm: 'aes128-ccm-wrap',
    });
    const data = randomBytes(500);
    const blob = await s.wrapData(wrap, data);
    assert.equal(blob.length, 13 + 500 + 16);
    assert.deepEqual(Buffer.from(await s.unwrapData(wrap, blob)), data);
    const bad = Uint8Array.from(blob);
    bad[20] = bad[20]! ^ 1;
    await assert.rejects(s.unwrapData(wrap, bad), (e: { codeName?: string }) => e.codeName === 'INVALID_DATA');
    const b2 = await s.wrapData(only, data);
    await assert.rejects(s.unwrapData(only, b2), (e: { codeName?: string }) => e.codeName === 'INSUFFICIENT_PERMISSIONS');
    await s.close();
  } finally {
    await h.close();
  }
});
