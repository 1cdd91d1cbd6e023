/**
 * Device coverage beyond the signing paths openKMS uses, driver ↔ simulator over HTTP, every result cross-checked
 * with node:crypto: ECDSA on P-224/P-256/P-384/P-521 and brainpool P-256/384/512 (generated and put keys), ECDH,
 * HMAC keys (put, generate, sign, verify), ChangeAuthenticationKey, DeviceInfo's algorithm list and the command
 * audit option for every command code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createECDH, createHash, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { Algorithm, CommandCode, publicKeyInfoDer, type AlgorithmName } from '@openkms/yubihsm';
import { SUPPORTED_ALGORITHMS } from '../src/index.js';
import { startHarness } from './driver-harness.js';

const CURVES: ReadonlyArray<{ alg: AlgorithmName; node: string; hash: string }> = [
  { alg: 'ecp224', node: 'secp224r1', hash: 'sha224' },
  { alg: 'ecp256', node: 'prime256v1', hash: 'sha256' },
  { alg: 'ecp384', node: 'secp384r1', hash: 'sha384' },
  { alg: 'ecp521', node: 'secp521r1', hash: 'sha512' },
  { alg: 'ecbp256', node: 'brainpoolP256r1', hash: 'sha256' },
  { alg: 'ecbp384', node: 'brainpoolP384r1', hash: 'sha384' },
  { alg: 'ecbp512', node: 'brainpoolP512r1', hash: 'sha512' },
];

const spki = (algorithm: number, publicKey: Uint8Array) =>
  createPublicKey({ key: Buffer.from(publicKeyInfoDer(algorithm, publicKey)), format: 'der', type: 'spki' });

test('ECDSA on every NIST and brainpool curve: generated and put keys sign digests node:crypto verifies; ECDH matches node:crypto', async () => {
  const h = await startHarness();
  try {
    const s = await h.client.openSession(1, 'password');
    let id = 0x200;
    for (const c of CURVES) {
      const message = randomBytes(100);
      const digest = createHash(c.hash).update(message).digest();
      // generated in the device
      const gen = await s.generateAsymmetricKey({
        id: id++,
        label: `gen-${c.alg}`,
        domains: [1],
        capabilities: ['sign-ecdsa', 'derive-ecdh'],
        algorithm: c.alg,
      });
      const pk = await s.getPublicKey(gen);
      assert.equal(pk.algorithm, Algorithm[c.alg]);
      const sig = await s.signEcdsa(gen, digest);
      assert.ok(verify(c.hash, message, spki(pk.algorithm, pk.publicKey), sig), `${c.alg} generated key signature`);
      assert.equal((await s.getObjectInfo(gen, 'asymmetric-key')).origin, 1);

      // put: a key pair made by node:crypto (OpenSSL)
      const made = createECDH(c.node);
      made.generateKeys();
      const size = pk.publicKey.length / 2;
      const d = Buffer.alloc(size);
      made.getPrivateKey().copy(d, size - made.getPrivateKey().length);
      const put = await s.putAsymmetricKey({ id: id++, label: `put-${c.alg}`, domains: [1], capabilities: ['sign-ecdsa'], algorithm: c.alg, key: d });
      const putPk = await s.getPublicKey(put);
      assert.equal(Buffer.from(putPk.publicKey).toString('hex'), made.getPublicKey().subarray(1).toString('hex'));
      assert.ok(verify(c.hash, message, spki(putPk.algorithm, made.getPublicKey().subarray(1)), await s.signEcdsa(put, digest)), `${c.alg} put key signature`);

      // ECDH with a peer made by node:crypto
      const peer = createECDH(c.node);
      peer.generateKeys();
      const shared = await s.deriveEcdh(gen, peer.getPublicKey());
      assert.equal(Buffer.from(shared).toString('hex'), peer.computeSecret(Buffer.from([4, ...pk.publicKey])).toString('hex'), `${c.alg} ECDH`);
    }
    // refusals: a key without derive-ecdh, a point that is not on the curve, a scalar of the wrong size
    await assert.rejects(
      s.deriveEcdh(0x201 + 0, Uint8Array.of(4, ...new Uint8Array(56))),
      (e: { codeName?: string }) => e.codeName === 'INSUFFICIENT_PERMISSIONS',
    );
    await assert.rejects(s.deriveEcdh(0x200, Uint8Array.of(4, ...new Uint8Array(56).fill(1))), (e: { codeName?: string }) => e.codeName === 'INVALID_DATA');
    await assert.rejects(
      s.putAsymmetricKey({ id: 0x2ff, label: 'short', domains: [1], capabilities: ['sign-ecdsa'], algorithm: 'ecp384', key: new Uint8Array(32).fill(1) }),
      (e: { codeName?: string }) => e.codeName === 'INVALID_DATA',
    );
    await s.close();
  } finally {
    await h.close();
  }
});

test('HMAC keys: put keys sign as node:crypto does, verify accepts the right MAC only; generated keys sign and verify', async () => {
  const h = await startHarness();
  try {
    const s = await h.client.openSession(1, 'password');
    const algs: ReadonlyArray<[AlgorithmName, string, number]> = [
      ['hmac-sha1', 'sha1', 64],
      ['hmac-sha256', 'sha256', 64],
      ['hmac-sha384', 'sha384', 128],
      ['hmac-sha512', 'sha512', 128],
    ];
    let id = 0x300;
    for (const [alg, hash, maxKey] of algs) {
      const key = randomBytes(maxKey === 64 ? 37 : 100);
      const data = randomBytes(300);
      const put = await s.putHmacKey({ id: id++, label: alg, domains: [1], capabilities: ['sign-hmac', 'verify-hmac'], algorithm: alg, key });
      const mac = await s.signHmac(put, data);
      assert.equal(Buffer.from(mac).toString('hex'), createHmac(hash, key).update(data).digest('hex'), alg);
      assert.equal(await s.verifyHmac(put, mac, data), true);
      const bad = Uint8Array.from(mac);
      bad[0] = bad[0]! ^ 1;
      assert.equal(await s.verifyHmac(put, bad, data), false);
      await assert.rejects(
        s.putHmacKey({ id: id++, label: 'long', domains: [1], capabilities: ['sign-hmac'], algorithm: alg, key: new Uint8Array(maxKey + 1) }),
        (e: { codeName?: string }) => e.codeName === 'INVALID_DATA',
      );
      const gen = await s.generateHmacKey({ id: id++, label: `gen-${alg}`, domains: [1], capabilities: ['sign-hmac'], algorithm: alg });
      const genMac = await s.signHmac(gen, data);
      assert.equal(genMac.length, createHash(hash).digest().length);
      await assert.rejects(s.verifyHmac(gen, genMac, data), (e: { codeName?: string }) => e.codeName === 'INSUFFICIENT_PERMISSIONS');
      assert.equal((await s.getObjectInfo(gen, 'hmac-key')).origin, 1);
    }
    await assert.rejects(
      s.putHmacKey({ id: 0x3ff, label: 'x', domains: [1], capabilities: ['sign-hmac'], algorithm: 'ecp256', key: new Uint8Array(16) }),
      (e: { codeName?: string }) => e.codeName === 'INVALID_DATA',
    );
    await s.close();
  } finally {
    await h.close();
  }
});

test('ChangeAuthenticationKey: the session changes its own key; the old password stops working; another key is refused', async () => {
  const h = await startHarness();
  try {
    const admin = await h.client.openSession(1, 'password');
    await admin.putAuthenticationKey({
      id: 7,
      label: 'rotating',
      domains: [1],
      capabilities: ['change-authentication-key', 'get-pseudo-random'],
      secret: { password: 'old' },
    });
    await admin.putAuthenticationKey({ id: 8, label: 'fixed', domains: [1], capabilities: ['get-pseudo-random'], secret: { password: 'fixed' } });
    const s = await h.client.openSession(7, 'old');
    await assert.rejects(s.changeAuthenticationKey(1, { password: 'x' }), (e: { codeName?: string }) => e.codeName === 'INVALID_ID');
    assert.equal(await s.changeAuthenticationKey(7, { password: 'new' }), 7);
    assert.equal((await s.getPseudoRandom(4)).length, 4, 'the session goes on');
    await s.close();
    await assert.rejects(h.client.openSession(7, 'old'));
    const fresh = await h.client.openSession(7, 'new');
    const info = await fresh.getObjectInfo(7, 'authentication-key');
    assert.equal(info.label, 'rotating');
    await fresh.close();
    const fixed = await h.client.openSession(8, 'fixed');
    await assert.rejects(fixed.changeAuthenticationKey(8, { password: 'y' }), (e: { codeName?: string }) => e.codeName === 'INSUFFICIENT_PERMISSIONS');
    await fixed.close();
    await admin.close();
  } finally {
    await h.close();
  }
});

test('DeviceInfo lists exactly the implemented algorithms; command-audit covers every command code', async () => {
  const h = await startHarness();
  try {
    const info = await h.client.deviceInfo();
    assert.deepEqual(
      [...info.algorithms].map(Number).sort((a, b) => a - b),
      [...SUPPORTED_ALGORITHMS].sort((a, b) => a - b),
    );
    for (const a of ['ecp224', 'ecp384', 'ecp521', 'ecbp256', 'ecbp384', 'ecbp512', 'ecdh', 'hmac-sha256', 'opaque-x509-certificate'] as const)
      assert.ok(SUPPORTED_ALGORITHMS.includes(Algorithm[a]), a);
    const s = await h.client.openSession(1, 'password');
    const audit = await s.getOption('command-audit');
    const listed = new Set<number>();
    for (let i = 0; i < audit.length; i += 2) listed.add(audit[i]!);
    for (const [name, code] of Object.entries(CommandCode)) {
      if (name === 'error' || name === 'sessionMessage') continue;
      assert.ok(listed.has(code), `command-audit lists ${name}`);
    }
    // every code can be switched off and on again
    const all = [...listed].flatMap((c) => [c, 0]);
    await s.setOption('command-audit', Uint8Array.from(all));
    const off = await s.getOption('command-audit');
    for (let i = 1; i < off.length; i += 2) assert.equal(off[i], 0);
    await s.close();
  } finally {
    await h.close();
  }
});

test('AES symmetric keys (firmware 2.4): ECB and CBC match node:crypto; partial blocks and older firmware are refused', async () => {
  const h = await startHarness();
  const old = await startHarness({ firmware: [2, 2, 0] });
  try {
    const s = await h.client.openSession(1, 'password');
    const caps = ['encrypt-ecb', 'decrypt-ecb', 'encrypt-cbc', 'decrypt-cbc'] as const;
    let id = 0x500;
    for (const [alg, len] of [
      ['aes128', 16],
      ['aes192', 24],
      ['aes256', 32],
    ] as const) {
      const key = randomBytes(len);
      const put = await s.putSymmetricKey({ id: id++, label: alg, domains: [1], capabilities: [...caps], algorithm: alg, key });
      const data = randomBytes(64);
      const iv = randomBytes(16);
      const nodeEcb = createCipheriv(`aes-${len * 8}-ecb`, key, null).setAutoPadding(false);
      const ecb = await s.encryptEcb(put, data);
      assert.deepEqual(Buffer.from(ecb), Buffer.concat([nodeEcb.update(data), nodeEcb.final()]), `${alg} ECB`);
      assert.deepEqual(Buffer.from(await s.decryptEcb(put, ecb)), data);
      const nodeCbc = createCipheriv(`aes-${len * 8}-cbc`, key, iv).setAutoPadding(false);
      const cbc = await s.encryptCbc(put, iv, data);
      assert.deepEqual(Buffer.from(cbc), Buffer.concat([nodeCbc.update(data), nodeCbc.final()]), `${alg} CBC`);
      assert.deepEqual(Buffer.from(await s.decryptCbc(put, iv, cbc)), data);
      const gen = await s.generateSymmetricKey({ id: id++, label: `gen-${alg}`, domains: [1], capabilities: ['encrypt-cbc', 'decrypt-cbc'], algorithm: alg });
      assert.deepEqual(Buffer.from(await s.decryptCbc(gen, iv, await s.encryptCbc(gen, iv, data))), data);
      await assert.rejects(s.encryptEcb(gen, data), (e: { codeName?: string }) => e.codeName === 'INSUFFICIENT_PERMISSIONS');
    }
    await assert.rejects(s.encryptEcb(0x500, randomBytes(15)), (e: { codeName?: string }) => e.codeName === 'WRONG_LENGTH');
    await assert.rejects(
      s.putSymmetricKey({ id: 0x5ff, label: 'x', domains: [1], capabilities: ['encrypt-ecb'], algorithm: 'aes256', key: randomBytes(16) }),
      (e: { codeName?: string }) => e.codeName === 'INVALID_DATA',
    );
    await s.close();
    assert.ok(!(await old.client.deviceInfo()).algorithms.includes(Algorithm.aes128), 'firmware 2.2 lists no AES keys');
    const o = await old.client.openSession(1, 'password');
    await assert.rejects(
      o.putSymmetricKey({ id: 1, label: 'x', domains: [1], capabilities: ['encrypt-ecb'], algorithm: 'aes128', key: randomBytes(16) }),
      (e: { codeName?: string }) => e.codeName === 'INVALID_COMMAND',
    );
    await o.close();
  } finally {
    await old.close();
    await h.close();
  }
});
