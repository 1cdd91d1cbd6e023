import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '@openkms/core';
import { SecureChannel } from './secure-channel.js';
import { deriveSessionKeys } from './scp03.js';
import { passwordToAuthKey } from './password-key.js';
import { decodeFrame, encodeFrame } from './frame.js';
import { YubiHsmDeviceError } from './errors.js';

const auth = passwordToAuthKey('password');

function channel(hostHex: string, cardHex: string): SecureChannel {
  const hostChallenge = fromHex(hostHex);
  const cardChallenge = fromHex(cardHex);
  return new SecureChannel({ sessionId: 0, keys: deriveSessionKeys(auth, hostChallenge, cardChallenge), hostChallenge, cardChallenge });
}

test('KAT A: AuthenticateSession request, MAC chain, Echo("hello") request and response', () => {
  const host = channel('0000000000000000', '054d5631c9186f80');
  assert.ok(host.verifyCardCryptogram(fromHex('3225ed8a3224f2cf')));
  assert.ok(!host.verifyCardCryptogram(fromHex('3225ed8a3224f2ce')));
  assert.equal(toHex(host.authenticateRequest()), '040011' + '00' + '1ce7552e0f7976db' + 'cc2198fd155c335a');
  assert.equal(toHex(host.macChain), 'cc2198fd155c335a8d4a2ac31baf438c');
  assert.equal(host.messageCounter, 1n);

  const req = host.wrapCommand(encodeFrame(0x01, new TextEncoder().encode('hello')));
  assert.equal(toHex(req), '050019008ce60ffefdd6394e4a4f91e53d2d391611d44f4bd54cb5ec');

  // device side of the same session produces the same response an echoing device would
  const device = channel('0000000000000000', '054d5631c9186f80');
  device.verifyAuthenticateRequest(fromHex('040011001ce7552e0f7976dbcc2198fd155c335a'));
  const inner = device.unwrapCommand(req);
  const cmd = decodeFrame(inner);
  assert.equal(cmd.cmd, 0x01);
  const resp = device.wrapResponse(encodeFrame(0x81, cmd.payload));
  assert.equal(toHex(resp), '850019009d782bf2feb4e04f9ed9da6353c21c507072b3ff279ed02e');

  const out = decodeFrame(host.unwrapResponse(resp));
  assert.equal(out.cmd, 0x81);
  assert.equal(new TextDecoder().decode(out.payload), 'hello');
  assert.equal(host.messageCounter, 2n);
  assert.equal(device.messageCounter, 2n);
});

test('KAT B: full libyubihsm transcript (auth, GetPseudoRandom(4) request and response)', () => {
  const host = channel('3aba7599b56235b1', '4531193759066f58');
  assert.ok(host.verifyCardCryptogram(fromHex('dc3243ad5a08b1f9')));
  assert.equal(toHex(host.authenticateRequest()), '04001100b31d90e333c3b77a98aec51415edce52');
  assert.equal(toHex(host.macChain), '98aec51415edce522c84cfc9da40d24e');
  const req = host.wrapCommand(fromHex('5100020004'));
  assert.equal(toHex(req), '05001900' + '9a11899510c6f25f26f7bb4a325ef032' + 'e7f9099b62b0ce72');
  const inner = host.unwrapResponse(fromHex('85001900' + '8b86cc5919b06ab4487fa5a7b3d68eeb' + '88ba430f7854677f'));
  assert.equal(toHex(inner), 'd1000425fcbcc3');

  // the device side verifies the same request and produces the same response bytes
  const device = channel('3aba7599b56235b1', '4531193759066f58');
  device.verifyAuthenticateRequest(fromHex('04001100b31d90e333c3b77a98aec51415edce52'));
  assert.equal(toHex(device.unwrapCommand(req)), '5100020004');
  assert.equal(toHex(device.wrapResponse(fromHex('d1000425fcbcc3'))), '850019008b86cc5919b06ab4487fa5a7b3d68eeb88ba430f7854677f');
});

test('a tampered R-MAC is rejected and closes the channel', () => {
  const host = channel('3aba7599b56235b1', '4531193759066f58');
  host.authenticateRequest();
  host.wrapCommand(fromHex('5100020004'));
  const bad = fromHex('850019008b86cc5919b06ab4487fa5a7b3d68eeb88ba430f7854677e');
  assert.throws(() => host.unwrapResponse(bad), { name: 'YubiHsmProtocolError', reason: 'bad_mac' });
  assert.equal(host.state, 'closed');
  assert.throws(() => host.wrapCommand(fromHex('5100020004')), { reason: 'session_closed' });
});

test('a plain error frame in place of a session response throws an outer device error', () => {
  const host = channel('3aba7599b56235b1', '4531193759066f58');
  host.authenticateRequest();
  host.wrapCommand(fromHex('5100020004'));
  assert.throws(
    () => host.unwrapResponse(fromHex('7f000103')),
    (e: unknown) => e instanceof YubiHsmDeviceError && e.codeName === 'INVALID_SESSION' && e.outer,
  );
});

test('device side rejects a bad C-MAC, a wrong session id and a bad host cryptogram', () => {
  const host = channel('3aba7599b56235b1', '4531193759066f58');
  const device = channel('3aba7599b56235b1', '4531193759066f58');
  const authReq = host.authenticateRequest();
  const badCrypto = authReq.slice();
  badCrypto[5] = badCrypto[5]! ^ 1;
  assert.throws(() => channel('3aba7599b56235b1', '4531193759066f58').verifyAuthenticateRequest(badCrypto), { reason: 'bad_cryptogram' });
  device.verifyAuthenticateRequest(authReq);
  const req = host.wrapCommand(fromHex('5100020004'));
  const wrongSid = req.slice();
  wrongSid[3] = 1;
  assert.throws(() => device.unwrapCommand(wrongSid), { reason: 'session_mismatch' });
  const badMac = req.slice();
  badMac[badMac.length - 1] = badMac[badMac.length - 1]! ^ 1;
  assert.throws(() => device.unwrapCommand(badMac), { reason: 'bad_mac' });
  assert.equal(device.state, 'closed');
});

test('many messages in a row stay in sync (counter and chain)', () => {
  const host = channel('0102030405060708', '1112131415161718');
  const device = channel('0102030405060708', '1112131415161718');
  device.verifyAuthenticateRequest(host.authenticateRequest());
  for (let i = 0; i < 40; i++) {
    const payload = new Uint8Array(i * 7).fill(i);
    const inner = device.unwrapCommand(host.wrapCommand(encodeFrame(0x01, payload)));
    const out = host.unwrapResponse(device.wrapResponse(encodeFrame(0x81, decodeFrame(inner).payload)));
    assert.deepEqual(decodeFrame(out).payload, payload);
  }
  assert.equal(host.messageCounter, 41n);
});
