/** Messages too large for a device frame are a caller error (invalid_request), never a device failure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { isOpenKmsError } from '@openkms/core';
import { createYubiHsmBackend, maxSessionPayloadLength, YubiHsmProtocolError, type YubiHsmBackend } from '@openkms/yubihsm';
import { ED_SEED, eventLog, provisionSigner, startHarness, toHex, type SimHarness } from './driver-harness.js';

const code = (c: string) => (e: unknown) => isOpenKmsError(e) && e.code === c;

function backendFor(urls: string[], onEvent: Parameters<typeof createYubiHsmBackend>[0]['onEvent']): YubiHsmBackend {
  return createYubiHsmBackend({
    connectors: urls.map((url, i) => ({ url, name: `hsm${i}` })),
    authKeyId: 3,
    password: 'signer-password',
    commandTimeoutMs: 1000,
    keepaliveMs: 0,
    reconnect: { initialMs: 20, maxMs: 100 },
    ...(onEvent ? { onEvent } : {}),
  });
}

test('an Ed25519 message too large for a frame is invalid_request; no device is marked down or even asked', async () => {
  const hs: SimHarness[] = [await startHarness({ serial: 5001 }), await startHarness({ serial: 5002 })];
  const log = eventLog();
  const backend = backendFor(
    hs.map((h) => h.url),
    log.onEvent,
  );
  try {
    for (const h of hs) await provisionSigner(h.client);
    assert.equal((await backend.signEd25519({ id: '0x0064' }, Uint8Array.of(1))).length, 64);
    const before = log.events.length;
    for (const size of [5000, 3115]) {
      await assert.rejects(backend.signEd25519({ id: '0x0064' }, new Uint8Array(size).fill(7)), (e: unknown) => {
        assert.ok(isOpenKmsError(e), String(e));
        assert.equal(e.code, 'invalid_request');
        assert.equal(e.context.max_message_bytes, 3114);
        return true;
      });
    }
    assert.deepEqual(log.events.slice(before), [], 'no command, no device_down, no reconnect');
    assert.deepEqual(
      backend.stats().devices.map((d) => d.state),
      ['up', 'up'],
    );
    // the largest message that fits a 3136-byte frame is signed (and the simulator agrees on the limit)
    const largest = new Uint8Array(3114).fill(9);
    assert.equal(toHex(await backend.signEd25519({ id: '0x0064' }, largest)), toHex(ed25519.sign(largest, ED_SEED)));
  } finally {
    await backend.close();
    for (const h of hs) await h.close();
  }
});

test('firmware before 2.4 (2048-byte frames): a message that fits 3136 but not 2048 is invalid_request, the device stays up', async () => {
  const h = await startHarness({ firmware: [2, 3, 0] });
  const log = eventLog();
  const backend = backendFor([h.url], log.onEvent);
  try {
    await provisionSigner(h.client);
    const max = maxSessionPayloadLength(2048) - 2;
    assert.equal(max, 2026);
    const fits = new Uint8Array(max).fill(3);
    assert.equal(toHex(await backend.signEd25519({ id: '0x0064' }, fits)), toHex(ed25519.sign(fits, ED_SEED)));
    await assert.rejects(backend.signEd25519({ id: '0x0064' }, new Uint8Array(max + 1)), code('invalid_request'));
    assert.equal(backend.pools[0]!.state, 'up');
    assert.equal(log.count('device_down'), 0);
    assert.equal(backend.pools[0]!.sessionCount, 1, 'the session was not dropped either');
    assert.equal((await backend.signEd25519({ id: '0x0064' }, fits)).length, 64);

    // a session used directly refuses the oversized frame locally and stays usable
    const s = await h.client.openSession(3, 'signer-password');
    await assert.rejects(s.signEddsa(0x64, new Uint8Array(5000)), (e: unknown) => e instanceof YubiHsmProtocolError && e.reason === 'frame_too_large');
    assert.equal((await s.signEddsa(0x64, Uint8Array.of(1))).length, 64);
    await s.close();
  } finally {
    await backend.close();
    await h.close();
  }
});
