import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createSimulator } from './simulator.js';
import { call, cap, concat, hex, objectHeader, openSession, send, toHex, u16 } from './test-host.js';

const SIGN_ECDSA = 7;
const SIGN_EDDSA = 8;
const EXPORTABLE = 0x10;

const RFC8032 = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

test('PutAsymmetricKey (Ed25519 seed) + GetPublicKey + SignEddsa reproduce RFC 8032 vectors', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  for (const [i, v] of RFC8032.entries()) {
    const id = 0x100 + i;
    assert.deepEqual(await call(sim, s, 0x45, concat(objectHeader(id, `rfc${i}`, 1, cap(SIGN_EDDSA), 46), hex(v.seed))), u16(id));
    assert.equal(toHex(await call(sim, s, 0x54, u16(id))), '2e' + v.pub);
    assert.equal(toHex(await call(sim, s, 0x6a, concat(u16(id), hex(v.msg)))), v.sig);
  }
  // longer messages, checked against noble
  const msg = new Uint8Array(2019).map((_, i) => (i * 7) & 0xff);
  const sig = await call(sim, s, 0x6a, concat(u16(0x100), msg));
  assert.deepEqual(sig, ed25519.sign(msg, hex(RFC8032[0]!.seed)));
  await sim.close();
});

test('GenerateAsymmetricKey for ecp256 / eck256 / ed25519; ECDSA is DER and not low-S normalised', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  const p = await call(sim, s, 0x46, objectHeader(0, 'p256', 1, cap(SIGN_ECDSA), 12));
  const k = await call(sim, s, 0x46, objectHeader(0, 'k256', 1, cap(SIGN_ECDSA), 15));
  const e = await call(sim, s, 0x46, objectHeader(0, 'ed', 1, cap(SIGN_EDDSA), 46));
  const pId = (p[0]! << 8) | p[1]!;
  const kId = (k[0]! << 8) | k[1]!;
  const eId = (e[0]! << 8) | e[1]!;
  assert.deepEqual([pId, kId, eId], [1, 2, 3], 'device picks the lowest free asymmetric id');

  const pPub = await call(sim, s, 0x54, u16(pId));
  assert.equal(pPub[0], 12);
  assert.equal(pPub.length, 65, 'alg ‖ x ‖ y without 0x04');
  const digest = createHash('sha256').update('hello').digest();
  const der = await call(sim, s, 0x56, concat(u16(pId), digest));
  assert.equal(der[0], 0x30);
  assert.ok(p256.verify(der, digest, concat(Uint8Array.of(4), pPub.subarray(1)), { prehash: false, lowS: false, format: 'der' }));
  // longer digests are truncated by the device (SHA-512 on P-256)
  const d512 = createHash('sha512').update('hello').digest();
  const der512 = await call(sim, s, 0x56, concat(u16(pId), d512));
  assert.ok(p256.verify(der512, d512.subarray(0, 32), concat(Uint8Array.of(4), pPub.subarray(1)), { prehash: false, lowS: false, format: 'der' }));

  const kPub = concat(Uint8Array.of(4), (await call(sim, s, 0x54, u16(kId))).subarray(1));
  let highS = 0;
  for (let i = 0; i < 24; i++) {
    const dg = createHash('sha256').update(`m${i}`).digest();
    const sig = await call(sim, s, 0x56, concat(u16(kId), dg));
    assert.ok(secp256k1.verify(sig, dg, kPub, { prehash: false, lowS: false, format: 'der' }));
    if (secp256k1.Signature.fromBytes(sig, 'der').hasHighS()) highS++;
  }
  assert.ok(highS > 0, 'some secp256k1 signatures are high-S (no normalisation)');

  const ePub = await call(sim, s, 0x54, u16(eId));
  assert.equal(ePub.length, 33);
  const m = new TextEncoder().encode('ed25519 message');
  assert.ok(ed25519.verify(await call(sim, s, 0x6a, concat(u16(eId), m)), m, ePub.subarray(1)));
  // wrong algorithm for the command
  assert.equal((await send(sim, s, 0x6a, concat(u16(pId), m))).error, 0x09, 'key lacks sign-eddsa');
  await sim.close();
});

test('PutAsymmetricKey validates EC scalars and rejects duplicates', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  const d = hex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
  assert.deepEqual(await call(sim, s, 0x45, concat(objectHeader(7, 'k', 1, cap(SIGN_ECDSA), 12), d)), u16(7));
  const pub = await call(sim, s, 0x54, u16(7));
  assert.deepEqual(pub.subarray(1), p256.getPublicKey(d, false).subarray(1));
  assert.equal((await send(sim, s, 0x45, concat(objectHeader(7, 'k', 1, cap(SIGN_ECDSA), 12), d))).error, 0x11, 'OBJECT_EXISTS');
  assert.equal((await send(sim, s, 0x45, concat(objectHeader(8, 'k', 1, cap(SIGN_ECDSA), 12), new Uint8Array(32)))).error, 0x02, 'zero scalar');
  assert.equal((await send(sim, s, 0x45, concat(objectHeader(8, 'k', 1, cap(SIGN_ECDSA), 12), d.subarray(1)))).error, 0x02, 'short scalar');
  assert.equal((await send(sim, s, 0x45, concat(objectHeader(8, 'k', 1, cap(SIGN_ECDSA), 9), d))).error, 0x02, 'RSA unsupported');
  assert.equal((await send(sim, s, 0x46, objectHeader(8, 'k', 0, cap(SIGN_ECDSA), 12))).error, 0x02, 'no domains');
  await sim.close();
});

test('GetObjectInfo is 66 bytes with the reference lengths; sequence numbers go up on re-creation', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  const info = async (id: number, type: number) => {
    const b = await call(sim, s, 0x4e, concat(u16(id), Uint8Array.of(type)));
    assert.equal(b.length, 66);
    const v = new DataView(b.buffer, b.byteOffset);
    return {
      caps: v.getBigUint64(0),
      id: v.getUint16(8),
      length: v.getUint16(10),
      domains: v.getUint16(12),
      type: b[14],
      alg: b[15],
      seq: b[16],
      origin: b[17],
      label: Buffer.from(b.subarray(18, 58)).toString('utf8').replace(/\0+$/, ''),
      delegated: v.getBigUint64(58),
    };
  };
  const authKey = await info(1, 2);
  assert.deepEqual(
    { id: authKey.id, length: authKey.length, domains: authKey.domains, alg: authKey.alg, seq: authKey.seq, origin: authKey.origin, label: authKey.label },
    { id: 1, length: 40, domains: 0xffff, alg: 38, seq: 0, origin: 2, label: 'DEFAULT AUTHKEY CHANGE THIS ASAP' },
  );
  assert.equal(authKey.caps, authKey.delegated);
  assert.equal(authKey.caps & 0x00ff_ffff_ffff_ffffn, 0x00ff_ffff_ffff_ffffn);

  await call(sim, s, 0x46, objectHeader(0x10, 'p', 3, cap(SIGN_ECDSA, EXPORTABLE), 12));
  await call(sim, s, 0x46, objectHeader(0x11, 'e', 3, cap(SIGN_EDDSA), 46));
  await call(sim, s, 0x4c, concat(objectHeader(0x12, 'w', 1, cap(12, 13), 42), hex('00ffffffffffffff'), new Uint8Array(32).fill(9)));
  await call(sim, s, 0x5b, concat(objectHeader(0x13, 'w128', 1, cap(12), 29), new Uint8Array(8)));
  assert.equal((await info(0x10, 3)).length, 96);
  assert.equal((await info(0x10, 3)).origin, 1);
  assert.equal((await info(0x11, 3)).length, 128);
  assert.equal((await info(0x12, 4)).length, 40);
  assert.equal((await info(0x12, 4)).origin, 2);
  assert.equal((await info(0x13, 4)).length, 24);
  assert.equal((await info(0x10, 3)).seq, 0);
  await call(sim, s, 0x58, concat(u16(0x10), Uint8Array.of(3)));
  assert.equal((await send(sim, s, 0x4e, concat(u16(0x10), Uint8Array.of(3)))).error, 0x0b);
  await call(sim, s, 0x46, objectHeader(0x10, 'p again', 3, cap(SIGN_ECDSA), 12));
  assert.equal((await info(0x10, 3)).seq, 1);
  await sim.close();
});

test('ListObjects with every filter', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  await call(sim, s, 0x46, objectHeader(0x20, 'alpha', 0x0001, cap(SIGN_ECDSA), 12));
  await call(sim, s, 0x46, objectHeader(0x21, 'beta', 0x0002, cap(SIGN_ECDSA, EXPORTABLE), 15));
  await call(sim, s, 0x46, objectHeader(0x22, 'gamma', 0x0002, cap(SIGN_EDDSA), 46));
  const list = async (filter: string) => {
    const b = await call(sim, s, 0x48, hex(filter));
    const out: string[] = [];
    for (let i = 0; i < b.length; i += 4) out.push(`${((b[i]! << 8) | b[i + 1]!).toString(16)}/${b[i + 2]}/${b[i + 3]}`);
    return out;
  };
  assert.deepEqual(await list(''), ['1/2/0', '20/3/0', '21/3/0', '22/3/0']);
  assert.deepEqual(await list('01 0021'), ['21/3/0']);
  assert.deepEqual(await list('02 02'), ['1/2/0']);
  assert.deepEqual(await list('03 0002'), ['1/2/0', '21/3/0', '22/3/0']);
  assert.deepEqual(await list('04 0000000000000080'), ['1/2/0', '20/3/0', '21/3/0']);
  assert.deepEqual(await list('05 2e'), ['22/3/0']);
  const betaLabel = Buffer.alloc(40);
  betaLabel.write('beta');
  assert.deepEqual(await list('06' + betaLabel.toString('hex')), ['21/3/0']);
  assert.deepEqual(await list('02 03 03 0002 04 0000000000010000'), ['21/3/0']);
  assert.equal((await send(sim, s, 0x48, hex('09 00'))).error, 0x02, 'unknown filter tag');
  assert.equal((await send(sim, s, 0x48, hex('01 00'))).error, 0x08, 'truncated filter');
  await sim.close();
});

test('ResetDevice: only auth key 1 / "password" with factory properties remains; sessions are gone', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  await call(sim, s, 0x46, objectHeader(0x30, 'x', 1, cap(SIGN_ECDSA), 12));
  await call(sim, s, 0x44, concat(objectHeader(2, 'other', 0xffff, cap(0x1c), 38), new Uint8Array(8), new Uint8Array(32).fill(1)));
  const other = await openSession(sim);
  assert.deepEqual(await call(sim, s, 0x08), new Uint8Array(0));
  assert.equal(sim.sessionCount, 0);
  const f = other.channel.wrapCommand(new Uint8Array([0x01, 0, 1, 1]));
  assert.equal(toHex(await sim.handleFrame(f)), '7f000103');
  const s2 = await openSession(sim);
  assert.equal(s2.sid, 0);
  const objs = await call(sim, s2, 0x48);
  assert.equal(toHex(objs), '00010200');
  const log = await call(sim, s2, 0x4d);
  assert.equal(log[4], 2, 'firmware 2.4.0 (command audit off by default): the reset and boot entries only');
  assert.equal(toHex(log.subarray(5, 21)), '0001ffffffffffffffffffffffffffff');
  await sim.close();
});

test('the log after ResetDevice as python-yubihsm test_logs_after_reset reads it: reset and boot lines; below 2.3.1 also the new session', async () => {
  for (const [firmware, expected] of [
    [[2, 4, 0], 2],
    [[2, 3, 1], 2],
    [[2, 3, 0], 4],
    [[2, 2, 0], 4],
  ] as const) {
    const sim = createSimulator({ firmware: [...firmware] });
    const s = await openSession(sim);
    await call(sim, s, 0x08);
    const s2 = await openSession(sim);
    const log = await call(sim, s2, 0x4d);
    assert.equal(log[4], expected, `firmware ${firmware.join('.')}`);
    assert.equal(toHex(log.subarray(5, 21)), '0001' + 'ff'.repeat(14), 'reset line');
    assert.equal(toHex(log.subarray(37, 53)), '0002' + '00' + '0000' + 'ffff' + '0000' + '0000' + '00' + '00000000', 'boot line');
    if (expected === 4) assert.deepEqual([log[69 + 2], log[101 + 2]], [0x03, 0x04], 'CreateSession, AuthenticateSession');
    await sim.close();
  }
});

test('GetStorageInfo reports 256 records and free space', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  const before = await call(sim, s, 0x41);
  assert.equal(before.length, 10);
  const v = new DataView(before.buffer, before.byteOffset);
  assert.deepEqual([v.getUint16(0), v.getUint16(2), v.getUint16(4), v.getUint16(8)], [256, 255, 1024, 126]);
  await call(sim, s, 0x46, objectHeader(0, 'x', 1, 0n, 12));
  const after = new DataView((await call(sim, s, 0x41)).buffer);
  assert.equal(after.getUint16(2), 254);
  assert.ok(after.getUint16(6) < v.getUint16(6));
  await sim.close();
});
