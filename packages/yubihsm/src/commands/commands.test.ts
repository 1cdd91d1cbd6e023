import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '@openkms/core';
import * as C from './index.js';
import { capabilityMask } from '../protocol/capability.js';
import { encodeLabel } from '../protocol/label.js';

test('object-creating commands encode the common header and decode back (device side)', () => {
  const req = { id: 0x64, label: 'k', domains: [1], capabilities: ['sign-eddsa'] as const, algorithm: 'ed25519' as const, key: new Uint8Array(32).fill(7) };
  const payload = C.PutAsymmetricKey.encodeRequest(req);
  assert.equal(payload.length, 2 + 40 + 2 + 8 + 1 + 32);
  assert.equal(toHex(payload.subarray(0, 3)), '00646b');
  const d = C.PutAsymmetricKey.decodeRequest(payload);
  assert.deepEqual(d, { id: 0x64, label: encodeLabel('k'), domains: 1, capabilities: 0x100n, algorithm: 46, key: req.key });
  assert.deepEqual(C.PutAsymmetricKey.encodeRequest(d), payload);
  assert.deepEqual(C.GenerateAsymmetricKey.decodeRequest(C.GenerateAsymmetricKey.encodeRequest(req)).algorithm, 46);
  assert.deepEqual(C.PutAsymmetricKey.decodeResponse(fromHex('0064')), { id: 0x64 });
  assert.throws(() => C.PutAsymmetricKey.decodeResponse(fromHex('006400')), { reason: 'malformed_frame' });
});

test('PutAuthenticationKey is 93 bytes with algorithm 38 by default', () => {
  const p = C.PutAuthenticationKey.encodeRequest({
    id: 3,
    label: 'signer',
    domains: 'all',
    capabilities: ['sign-eddsa', 'sign-ecdsa'],
    delegatedCapabilities: [],
    encKey: new Uint8Array(16).fill(1),
    macKey: new Uint8Array(16).fill(2),
  });
  assert.equal(p.length, 93);
  const d = C.PutAuthenticationKey.decodeRequest(p);
  assert.equal(d.algorithm, 38);
  assert.equal(d.capabilities, capabilityMask(['sign-eddsa', 'sign-ecdsa']));
  assert.equal(d.delegatedCapabilities, 0n);
  assert.deepEqual(d.macKey, new Uint8Array(16).fill(2));
  assert.throws(
    () =>
      C.PutAuthenticationKey.encodeRequest({
        id: 3,
        domains: 'all',
        capabilities: [],
        delegatedCapabilities: [],
        encKey: new Uint8Array(15),
        macKey: new Uint8Array(16),
      }),
    { reason: 'invalid_argument' },
  );
});

test('GetObjectInfo is exactly 66 bytes', () => {
  const info = {
    capabilities: 0x180n,
    id: 0x64,
    length: 128,
    domains: 1,
    type: 3,
    algorithm: 46,
    sequence: 2,
    origin: 1,
    label: 'k',
    delegatedCapabilities: 0n,
  };
  const p = C.GetObjectInfo.encodeResponse(info);
  assert.equal(p.length, 66);
  assert.deepEqual(C.GetObjectInfo.decodeResponse(p), info);
  assert.throws(() => C.GetObjectInfo.decodeResponse(p.subarray(0, 65)), { reason: 'malformed_frame' });
  assert.equal(toHex(C.GetObjectInfo.encodeRequest({ id: 0x64, type: 'asymmetric-key' })), '006403');
});

test('simple request codecs', () => {
  assert.equal(toHex(C.SignEddsa.encodeRequest({ id: 0x64, message: fromHex('aabb') })), '0064aabb');
  assert.deepEqual(C.SignEddsa.decodeRequest(fromHex('0064aabb')), { id: 0x64, message: fromHex('aabb') });
  assert.throws(() => C.SignEddsa.decodeResponse(new Uint8Array(63)), { reason: 'malformed_frame' });
  assert.equal(toHex(C.SignEcdsa.encodeRequest({ id: 1, digest: new Uint8Array(2) })), '00010000');
  assert.equal(toHex(C.GetPseudoRandom.encodeRequest({ length: 4 })), '0004');
  assert.equal(toHex(C.GetPublicKey.encodeRequest({ id: 5 })), '0005');
  assert.deepEqual(C.GetPublicKey.decodeResponse(fromHex('2e' + '11'.repeat(32))), { algorithm: 46, publicKey: fromHex('11'.repeat(32)) });
  assert.equal(toHex(C.DeleteObject.encodeRequest({ id: 5, type: 'wrap-key' })), '000504');
  assert.equal(toHex(C.ExportWrapped.encodeRequest({ wrapKeyId: 2, type: 'asymmetric-key', id: 0x64 })), '0002030064');
  assert.deepEqual(C.ExportWrapped.decodeRequest(fromHex('000203006401')), { wrapKeyId: 2, type: 3, id: 0x64, format: 1 });
  assert.deepEqual(C.ImportWrapped.decodeResponse(fromHex('030064')), { type: 3, id: 0x64 });
  assert.equal(toHex(C.SetLogIndex.encodeRequest({ index: 9 })), '0009');
  assert.equal(toHex(C.GetOption.encodeRequest({ option: 'fips-mode' })), '05');
  assert.equal(toHex(C.SetOption.encodeRequest({ option: 'command-audit', value: fromHex('0101') })), '0300020101');
  assert.equal(toHex(C.BlinkDevice.encodeRequest({ seconds: 3 })), '03');
  assert.equal(toHex(C.CreateSession.encodeRequest({ authKeyId: 1, hostChallenge: new Uint8Array(8) })), '0001' + '00'.repeat(8));
  assert.deepEqual(C.CreateSession.decodeResponse(fromHex('00054d5631c9186f803225ed8a3224f2cf')), {
    sessionId: 0,
    cardChallenge: fromHex('054d5631c9186f80'),
    cardCryptogram: fromHex('3225ed8a3224f2cf'),
  });
  assert.throws(() => C.CloseSession.decodeResponse(fromHex('00')), { reason: 'malformed_frame' });
  assert.throws(() => C.SignEddsa.encodeRequest({ id: 0, message: new Uint8Array(1) }), { reason: 'invalid_argument' });
});

test('GetLogEntries response round trip and length check', () => {
  const e = {
    number: 1,
    command: 3,
    length: 10,
    sessionKey: 0xffff,
    targetKey: 1,
    secondKey: 0xffff,
    result: 0x83,
    systick: 5,
    digest: new Uint8Array(16).fill(9),
  };
  const p = C.GetLogEntries.encodeResponse({ unloggedBootEvents: 0, unloggedAuthEvents: 1, entries: [e, e] });
  assert.equal(p.length, 5 + 64);
  assert.deepEqual(C.GetLogEntries.decodeResponse(p), { unloggedBootEvents: 0, unloggedAuthEvents: 1, entries: [e, e] });
  assert.throws(() => C.GetLogEntries.decodeResponse(p.subarray(0, 60)), { reason: 'malformed_frame' });
});
