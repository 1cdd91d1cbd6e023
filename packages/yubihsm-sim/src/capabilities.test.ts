import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordToAuthKey } from '@openkms/yubihsm';
import { authKeyBytes } from '@openkms/yubihsm';
import { createSimulator } from './simulator.js';
import { call, cap, concat, objectHeader, openSession, send, u16, u64 } from './test-host.js';

const PUT_AUTH = 0x02;
const GENERATE_ASYM = 0x04;
const SIGN_ECDSA = 0x07;
const SIGN_EDDSA = 0x08;
const GET_RANDOM = 0x13;
const DELETE_ASYM = 0x29;

/** Adds auth key `id` with password `pw`, domains, caps and delegated caps; returns its key material. */
async function addAuthKey(
  sim: ReturnType<typeof createSimulator>,
  admin: Awaited<ReturnType<typeof openSession>>,
  id: number,
  pw: string,
  domains: number,
  caps: bigint,
  delegated: bigint,
) {
  const key = passwordToAuthKey(pw);
  await call(sim, admin, 0x44, concat(objectHeader(id, `user${id}`, domains, caps, 38), u64(delegated), authKeyBytes(key)));
  return key;
}

test('domains: an object outside the session domains looks missing (OBJECT_NOT_FOUND), also in ListObjects', async () => {
  const sim = createSimulator();
  const admin = await openSession(sim);
  await call(sim, admin, 0x46, objectHeader(0x40, 'd1', 0x0001, cap(SIGN_ECDSA), 12));
  await call(sim, admin, 0x46, objectHeader(0x41, 'd2', 0x0002, cap(SIGN_ECDSA), 12));
  const key = await addAuthKey(sim, admin, 5, 'user5', 0x0002, cap(SIGN_ECDSA), 0n);
  const user = await openSession(sim, 5, key);
  assert.equal((await send(sim, user, 0x56, concat(u16(0x40), new Uint8Array(32)))).error, 0x0b);
  assert.equal((await send(sim, user, 0x4e, concat(u16(0x40), Uint8Array.of(3)))).error, 0x0b);
  assert.equal((await send(sim, user, 0x54, u16(0x40))).error, 0x0b);
  assert.ok((await call(sim, user, 0x56, concat(u16(0x41), new Uint8Array(32)))).length > 60);
  const listed = await call(sim, user, 0x48);
  const ids = [];
  for (let i = 0; i < listed.length; i += 4) ids.push((listed[i]! << 8) | listed[i + 1]!);
  assert.ok(!ids.includes(0x40));
  assert.ok(ids.includes(0x41));
  await sim.close();
});

test('capabilities: the session key and the object both need the capability (INSUFFICIENT_PERMISSIONS)', async () => {
  const sim = createSimulator();
  const admin = await openSession(sim);
  await call(sim, admin, 0x46, objectHeader(0x50, 'ecdsa-only', 1, cap(SIGN_ECDSA), 12));
  await call(sim, admin, 0x46, objectHeader(0x51, 'ed-no-caps', 1, 0n, 46));
  const key = await addAuthKey(sim, admin, 6, 'user6', 1, cap(SIGN_EDDSA), 0n);
  const user = await openSession(sim, 6, key);
  assert.equal((await send(sim, user, 0x56, concat(u16(0x50), new Uint8Array(32)))).error, 0x09, 'session lacks sign-ecdsa');
  assert.equal((await send(sim, user, 0x6a, concat(u16(0x51), new Uint8Array(4)))).error, 0x09, 'object lacks sign-eddsa');
  assert.equal((await send(sim, user, 0x51, u16(8))).error, 0x09, 'no get-pseudo-random');
  assert.equal((await send(sim, user, 0x46, objectHeader(0, 'x', 1, 0n, 12))).error, 0x09, 'no generate-asymmetric-key');
  assert.equal((await send(sim, user, 0x58, concat(u16(0x50), Uint8Array.of(3)))).error, 0x09, 'no delete-asymmetric-key');
  assert.equal((await send(sim, user, 0x08)).error, 0x09, 'no reset-device');
  assert.equal((await send(sim, user, 0x4d)).error, 0x09, 'no get-log-entries');
  assert.equal((await send(sim, user, 0x50, Uint8Array.of(1))).error, 0x09, 'no get-option');
  // capability-free commands still work
  assert.equal((await call(sim, user, 0x4e, concat(u16(0x50), Uint8Array.of(3)))).length, 66);
  assert.equal((await call(sim, user, 0x54, u16(0x50))).length, 65);
  await call(sim, user, 0x6b, Uint8Array.of(1));
  await sim.close();
});

test('new objects: domains within the session, capabilities within the auth key delegated set', async () => {
  const sim = createSimulator();
  const admin = await openSession(sim);
  const key = await addAuthKey(sim, admin, 7, 'user7', 0x0003, cap(GENERATE_ASYM, PUT_AUTH, DELETE_ASYM, GET_RANDOM), cap(SIGN_ECDSA, GET_RANDOM));
  const user = await openSession(sim, 7, key);
  assert.deepEqual(await call(sim, user, 0x46, objectHeader(0x60, 'ok', 0x0001, cap(SIGN_ECDSA), 12)), u16(0x60));
  assert.equal((await send(sim, user, 0x46, objectHeader(0x61, 'too-wide', 0x0001, cap(SIGN_ECDSA, SIGN_EDDSA), 12))).error, 0x09);
  assert.equal((await send(sim, user, 0x46, objectHeader(0x61, 'bad-domain', 0x0004, cap(SIGN_ECDSA), 12))).error, 0x09);
  // an auth key it creates can't get more delegated caps than it has
  const k2 = authKeyBytes(passwordToAuthKey('x'));
  assert.equal((await send(sim, user, 0x44, concat(objectHeader(8, 'k', 1, cap(GET_RANDOM), 38), u64(cap(SIGN_EDDSA)), k2))).error, 0x09);
  assert.deepEqual(await call(sim, user, 0x44, concat(objectHeader(8, 'k', 1, cap(GET_RANDOM), 38), u64(cap(GET_RANDOM)), k2)), u16(8));
  assert.equal((await send(sim, user, 0x44, concat(objectHeader(9, 'k', 1, 0n, 12), u64(0n), k2))).error, 0x02, 'wrong algorithm');
  // delete needs the type-specific capability and domain visibility
  await call(sim, admin, 0x46, objectHeader(0x62, 'other-domain', 0x0008, cap(SIGN_ECDSA), 12));
  assert.equal((await send(sim, user, 0x58, concat(u16(0x62), Uint8Array.of(3)))).error, 0x0b);
  assert.equal((await send(sim, user, 0x58, concat(u16(8), Uint8Array.of(2)))).error, 0x09, 'no delete-authentication-key');
  assert.deepEqual(await call(sim, user, 0x58, concat(u16(0x60), Uint8Array.of(3))), new Uint8Array(0));
  await sim.close();
});
