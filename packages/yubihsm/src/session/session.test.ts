import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '@openkms/core';
import { YubiHsmSession } from './session.js';
import { YubiHsmSessionError } from './session-error.js';
import { passwordToAuthKey } from '../protocol/password-key.js';
import type { Transport } from '../transport/transport.js';
import { YubiHsmTransportError } from '../transport/transport-error.js';

/** A transport that checks each request against a script of exact bytes and answers the scripted response. */
function scripted(steps: Array<[request: string, response: string | Error]>): Transport & { remaining(): number } {
  const queue = [...steps];
  return {
    name: 'scripted',
    async send(frame) {
      const step = queue.shift();
      assert.ok(step, `unexpected request ${toHex(frame)}`);
      assert.equal(toHex(frame), step[0]);
      if (step[1] instanceof Error) throw step[1];
      return fromHex(step[1]);
    },
    async status() {
      return { ok: true, status: 'OK', fields: {} };
    },
    remaining: () => queue.length,
  };
}

const authKey = passwordToAuthKey('password');

test('KAT B through YubiHsmSession: CreateSession, AuthenticateSession, GetPseudoRandom(4)', async () => {
  const t = scripted([
    ['03000a' + '0001' + '3aba7599b56235b1', '830011' + '00' + '4531193759066f58' + 'dc3243ad5a08b1f9'],
    ['040011' + '00' + 'b31d90e333c3b77a' + '98aec51415edce52', '840000'],
    ['05001900' + '9a11899510c6f25f26f7bb4a325ef032' + 'e7f9099b62b0ce72', '85001900' + '8b86cc5919b06ab4487fa5a7b3d68eeb' + '88ba430f7854677f'],
  ]);
  const session = await YubiHsmSession.open({ transport: t, authKeyId: 1, authKey, randomBytes: () => fromHex('3aba7599b56235b1') });
  assert.equal(session.id, 0);
  assert.equal(toHex(await session.getPseudoRandom(4)), '25fcbcc3');
  assert.equal(t.remaining(), 0);
});

test('KAT A through YubiHsmSession: Echo("hello")', async () => {
  const t = scripted([
    ['03000a00010000000000000000', '83001100054d5631c9186f803225ed8a3224f2cf'],
    ['040011001ce7552e0f7976dbcc2198fd155c335a', '840000'],
    ['050019008ce60ffefdd6394e4a4f91e53d2d391611d44f4bd54cb5ec', '850019009d782bf2feb4e04f9ed9da6353c21c507072b3ff279ed02e'],
  ]);
  const session = await YubiHsmSession.open({ transport: t, authKeyId: 1, authKey, randomBytes: (n) => new Uint8Array(n) });
  assert.equal(new TextDecoder().decode(await session.echo(new TextEncoder().encode('hello'))), 'hello');
  assert.equal(t.remaining(), 0, 'every scripted exchange happened');
});

test('a wrong card cryptogram (wrong password) is refused before authenticating', async () => {
  const t = scripted([['03000a00010000000000000000', '83001100054d5631c9186f803225ed8a3224f2ce']]);
  await assert.rejects(
    YubiHsmSession.open({ transport: t, authKeyId: 1, authKey, randomBytes: (n) => new Uint8Array(n) }),
    (e: unknown) => e instanceof YubiHsmSessionError && e.reason === 'card_cryptogram_mismatch',
  );
});

test('SESSIONS_FULL on CreateSession is a typed device error', async () => {
  const t = scripted([['03000a00010000000000000000', '7f000105']]);
  await assert.rejects(YubiHsmSession.open({ transport: t, authKeyId: 1, authKey, randomBytes: (n) => new Uint8Array(n) }), {
    name: 'YubiHsmDeviceError',
    codeName: 'SESSIONS_FULL',
  });
});

test('INVALID_SESSION outside the envelope → YubiHsmSessionError(invalid_session), session closed', async () => {
  const t = scripted([
    ['03000a00010000000000000000', '83001100054d5631c9186f803225ed8a3224f2cf'],
    ['040011001ce7552e0f7976dbcc2198fd155c335a', '840000'],
    ['050019008ce60ffefdd6394e4a4f91e53d2d391611d44f4bd54cb5ec', '7f000103'],
  ]);
  const session = await YubiHsmSession.open({ transport: t, authKeyId: 1, authKey, randomBytes: (n) => new Uint8Array(n) });
  await assert.rejects(
    session.echo(new TextEncoder().encode('hello')),
    (e: unknown) => e instanceof YubiHsmSessionError && e.reason === 'invalid_session' && e.notExecuted,
  );
  assert.ok(session.closed);
  await assert.rejects(session.echo(new Uint8Array(1)), { reason: 'closed' });
});

test('a bad R-MAC is a session error (outcome unknown) and closes the session', async () => {
  const t = scripted([
    ['03000a00010000000000000000', '83001100054d5631c9186f803225ed8a3224f2cf'],
    ['040011001ce7552e0f7976dbcc2198fd155c335a', '840000'],
    ['050019008ce60ffefdd6394e4a4f91e53d2d391611d44f4bd54cb5ec', '850019009d782bf2feb4e04f9ed9da6353c21c507072b3ff279ed02f'],
  ]);
  const session = await YubiHsmSession.open({ transport: t, authKeyId: 1, authKey, randomBytes: (n) => new Uint8Array(n) });
  await assert.rejects(
    session.echo(new TextEncoder().encode('hello')),
    (e: unknown) => e instanceof YubiHsmSessionError && e.reason === 'bad_response_mac' && !e.notExecuted,
  );
  assert.ok(session.closed);
});

test('expiry: idle past (timeout − margin) is refused locally without sending', async () => {
  let now = 1000;
  const t = scripted([
    ['03000a00010000000000000000', '83001100054d5631c9186f803225ed8a3224f2cf'],
    ['040011001ce7552e0f7976dbcc2198fd155c335a', '840000'],
  ]);
  const session = await YubiHsmSession.open({ transport: t, authKeyId: 1, authKey, randomBytes: (n) => new Uint8Array(n), now: () => now });
  now += 28_999;
  assert.ok(!session.isExpired());
  now += 1;
  assert.ok(session.isExpired());
  await assert.rejects(session.echo(new Uint8Array(1)), { reason: 'expired' });
});

test('a transport failure mid-command closes the session (chain state unknown)', async () => {
  const t = scripted([
    ['03000a00010000000000000000', '83001100054d5631c9186f803225ed8a3224f2cf'],
    ['040011001ce7552e0f7976dbcc2198fd155c335a', '840000'],
    ['050019008ce60ffefdd6394e4a4f91e53d2d391611d44f4bd54cb5ec', new YubiHsmTransportError('timeout', 'slow')],
  ]);
  const session = await YubiHsmSession.open({ transport: t, authKeyId: 1, authKey, randomBytes: (n) => new Uint8Array(n) });
  await assert.rejects(session.echo(new TextEncoder().encode('hello')), { name: 'YubiHsmTransportError', reason: 'timeout' });
  assert.ok(session.closed);
});
