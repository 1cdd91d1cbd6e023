/**
 * OTP AEAD keys, driver ↔ simulator over HTTP. Cross-checked outside the simulator: node:crypto's AES-CCM opens the
 * AEADs the simulator makes (nonce = nonce id ‖ 6-byte AEAD nonce ‖ 00 00 00, 8-byte tag, as python-yubihsm's
 * test_randomize_aead decrypts them), an OTP token built here (AES-ECB, CRC-16) decrypts to its counters, and
 * Yubico's published OTP test vectors (the ones python-yubihsm's test_otp_vectors uses) decrypt through created and
 * rewrapped AEADs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { startHarness, hex } from './driver-harness.js';

const isCode = (name: string) => (e: { codeName?: string }) => e.codeName === name;

function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const b of data) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

/** A Yubico OTP (16 bytes, before modhex) as a YubiKey makes it. */
function makeOtp(key: Uint8Array, privateId: Uint8Array, c: { use: number; session: number; tsHigh: number; tsLow: number }, rnd = 0): Uint8Array {
  const token = Buffer.alloc(16);
  Buffer.from(privateId).copy(token, 0);
  token.writeUInt16LE(c.use, 6);
  token.writeUInt16LE(c.tsLow, 8);
  token.writeUInt8(c.tsHigh, 10);
  token.writeUInt8(c.session, 11);
  token.writeUInt16LE(rnd, 12);
  token.writeUInt16LE(~crc16(token.subarray(0, 14)) & 0xffff, 14);
  const e = createCipheriv('aes-128-ecb', key, null);
  e.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([e.update(token), e.final()]));
}

function openAead(aesKey: Uint8Array, nonceId: number, aead: Uint8Array): Buffer {
  const nonce = Buffer.alloc(13);
  nonce.writeUInt32LE(nonceId, 0);
  Buffer.from(aead.subarray(0, 6)).copy(nonce, 4);
  const d = createDecipheriv(`aes-${aesKey.length * 8}-ccm` as 'aes-128-ccm', aesKey, nonce, { authTagLength: 8 });
  d.setAuthTag(aead.subarray(28));
  return Buffer.concat([d.update(aead.subarray(6, 28)), d.final()]);
}

const modhex = (s: string): Uint8Array => hex([...s].map((ch) => 'cbdefghijklnrtuv'.indexOf(ch).toString(16)).join(''));

/** developers.yubico.com/OTP/Specifications/Test_vectors.html (as in python-yubihsm's tests/device/test_otp.py). */
const VECTORS = [
  {
    key: hex('000102030405060708090a0b0c0d0e0f'),
    id: hex('010203040506'),
    otps: [
      ['dvgtiblfkbgturecfllberrvkinnctnn', { useCounter: 1, sessionCounter: 1, timestampHigh: 1, timestampLow: 1 }],
      ['rnibcnfhdninbrdebccrndfhjgnhftee', { useCounter: 1, sessionCounter: 2, timestampHigh: 1, timestampLow: 1 }],
      ['iikkijbdknrrdhfdrjltvgrbkkjblcbh', { useCounter: 0xfff, sessionCounter: 1, timestampHigh: 1, timestampLow: 1 }],
    ],
  },
  {
    key: hex('88888888888888888888888888888888'),
    id: hex('888888888888'),
    otps: [['dcihgvrhjeucvrinhdfddbjhfjftjdei', { useCounter: 0x8888, sessionCounter: 0x88, timestampHigh: 0x88, timestampLow: 0x8888 }]],
  },
  {
    key: new Uint8Array(16),
    id: new Uint8Array(6),
    otps: [['kkkncjnvcnenkjvjgncjihljiibgbhbh', { useCounter: 0, sessionCounter: 0, timestampHigh: 0, timestampLow: 0 }]],
  },
  {
    key: hex('c4422890653076cde73d449b191b416a'),
    id: hex('33c69e7f249e'),
    otps: [['iucvrkjiegbhidrcicvlgrcgkgurhjnj', { useCounter: 1, sessionCounter: 0, timestampHigh: 0x24, timestampLow: 0x13a7 }]],
  },
] as const;

test('RandomizeOtpAead: node:crypto AES-CCM opens the AEAD; an OTP built from its credential decrypts to its counters; a random OTP is INVALID_OTP', async () => {
  const h = await startHarness();
  try {
    const s = await h.client.openSession(1, 'password');
    const aesKey = randomBytes(16);
    const nonceId = 0x01234567;
    const id = await s.putOtpAeadKey({
      label: 'otp',
      domains: [1],
      capabilities: ['decrypt-otp', 'randomize-otp-aead'],
      algorithm: 'aes128-yubico-otp',
      nonceId,
      key: aesKey,
    });
    const info = await s.getObjectInfo(id, 'otp-aead-key');
    assert.equal(info.algorithm, 37);
    assert.equal(info.origin, 2);
    const aead = await s.randomizeOtpAead(id);
    assert.equal(aead.length, 36);
    const credential = openAead(aesKey, nonceId, aead);
    const counters = { use: 1, session: 2, tsHigh: 3, tsLow: 4 };
    const otp = makeOtp(credential.subarray(0, 16), credential.subarray(16), counters, 0xbeef);
    assert.deepEqual(await s.decryptOtp(id, aead, otp), { useCounter: 1, sessionCounter: 2, timestampHigh: 3, timestampLow: 4 });
    await assert.rejects(s.decryptOtp(id, aead, randomBytes(16)), isCode('INVALID_OTP'));
    // right key, wrong private id
    const stranger = makeOtp(credential.subarray(0, 16), randomBytes(6), counters);
    await assert.rejects(s.decryptOtp(id, aead, stranger), isCode('INVALID_OTP'));
    // a tampered AEAD does not authenticate
    const tampered = aead.slice();
    tampered[10]! ^= 1;
    await assert.rejects(s.decryptOtp(id, tampered, otp), isCode('INVALID_DATA'));
    // create-otp-aead was not granted on the key
    await assert.rejects(s.createOtpAead(id, randomBytes(16), randomBytes(6)), isCode('INSUFFICIENT_PERMISSIONS'));
    await s.close();
  } finally {
    await h.close();
  }
});

test("Yubico's OTP test vectors decrypt through created and rewrapped AEADs (AES-128/192/256 keys, generated and put)", async () => {
  const h = await startHarness();
  try {
    const s = await h.client.openSession(1, 'password');
    const key1 = await s.generateOtpAeadKey({
      label: 'otp1',
      domains: [1],
      capabilities: ['create-otp-aead', 'rewrap-from-otp-aead-key', 'decrypt-otp'],
      algorithm: 'aes128-yubico-otp',
      nonceId: 0x12345678,
    });
    const key2 = await s.generateOtpAeadKey({
      label: 'otp2',
      domains: [1],
      capabilities: ['rewrap-from-otp-aead-key', 'rewrap-to-otp-aead-key', 'decrypt-otp'],
      algorithm: 'aes192-yubico-otp',
      nonceId: 0x87654321,
    });
    const key3Bytes = randomBytes(32);
    const key3 = await s.putOtpAeadKey({
      label: 'otp3',
      domains: [1],
      capabilities: ['decrypt-otp', 'create-otp-aead', 'rewrap-to-otp-aead-key'],
      algorithm: 'aes256-yubico-otp',
      nonceId: 1,
      key: key3Bytes,
    });
    assert.equal((await s.getObjectInfo(key1, 'otp-aead-key')).origin, 1);
    for (const v of VECTORS) {
      const aead1 = await s.createOtpAead(key1, v.key, v.id);
      const aead2 = await s.rewrapOtpAead(key1, key2, aead1);
      const aead3 = await s.rewrapOtpAead(key2, key3, aead2);
      assert.notDeepEqual(aead1, aead2);
      assert.notDeepEqual(aead2, aead3);
      assert.notDeepEqual(aead3, await s.createOtpAead(key3, v.key, v.id), 'a fresh random nonce each time');
      // the put key is known here: its AEAD holds the credential
      assert.deepEqual(openAead(key3Bytes, 1, aead3), Buffer.concat([v.key, v.id]));
      for (const [otp, counters] of v.otps) {
        for (const [key, aead] of [
          [key1, aead1],
          [key2, aead2],
          [key3, aead3],
        ] as const)
          assert.deepEqual(await s.decryptOtp(key, aead, modhex(otp)), counters, `${otp} under key ${key}`);
      }
    }
    // rewrap needs rewrap-from on the source and rewrap-to on the target
    const aead = await s.createOtpAead(key3, VECTORS[0].key, VECTORS[0].id);
    await assert.rejects(s.rewrapOtpAead(key3, key2, aead), isCode('INSUFFICIENT_PERMISSIONS'));
    await assert.rejects(
      s.rewrapOtpAead(key2, key1, await s.rewrapOtpAead(key1, key2, await s.createOtpAead(key1, VECTORS[0].key, VECTORS[0].id))),
      isCode('INSUFFICIENT_PERMISSIONS'),
    );
    // an AEAD under another key does not open
    await assert.rejects(s.decryptOtp(key1, aead, modhex(VECTORS[0].otps[0][0])), isCode('INVALID_DATA'));
    // key length must match the algorithm; only the yubico-otp algorithms
    await assert.rejects(
      s.putOtpAeadKey({ label: 'x', domains: [1], capabilities: ['decrypt-otp'], algorithm: 'aes128-yubico-otp', nonceId: 1, key: randomBytes(24) }),
      isCode('INVALID_DATA'),
    );
    await assert.rejects(
      s.generateOtpAeadKey({ label: 'x', domains: [1], capabilities: ['decrypt-otp'], algorithm: 'aes128', nonceId: 1 }),
      isCode('INVALID_DATA'),
    );
    await s.deleteObject(key1, 'otp-aead-key');
    await assert.rejects(s.randomizeOtpAead(key1), isCode('OBJECT_NOT_FOUND'));
    await s.close();
  } finally {
    await h.close();
  }
});
