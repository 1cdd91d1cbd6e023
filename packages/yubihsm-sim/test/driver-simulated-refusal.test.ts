/**
 * allowSimulated: the driver refuses to bring the openKMS simulator up (every connect, reconnect and re-auth), and
 * recognises it whatever firmware it pretends to be and despite a one-off error on DeviceInfo page 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenKmsError } from '@openkms/core';
import {
  createInProcessTransport,
  createYubiHsmBackend,
  DeviceErrorCode,
  encodeErrorFrame,
  YubiHsmClient,
  YubiHsmTransportError,
  type YubiHsmBackend,
  type YubiHsmBackendOptions,
} from '@openkms/yubihsm';
import { createSimulator, startConnectorServer, type SimulatedYubiHsm } from '../src/index.js';
import { eventLog, freePort, provisionSigner, startHarness, waitFor } from './driver-harness.js';

const code = (c: string) => (e: unknown) => isOpenKmsError(e) && e.code === c;
const MSG = new TextEncoder().encode('transfer 1 SOL');
const PAGE_1_REQUEST = '06000101';
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function backendFor(connectors: YubiHsmBackendOptions['connectors'], extra: Partial<YubiHsmBackendOptions> = {}): YubiHsmBackend {
  return createYubiHsmBackend({
    connectors,
    authKeyId: 3,
    password: 'signer-password',
    commandTimeoutMs: 1000,
    keepaliveMs: 0,
    reconnect: { initialMs: 10, maxMs: 40 },
    ...extra,
  });
}

/** The simulator behind an in-process transport; `disguise` makes it answer DeviceInfo page 1 like a real fw < 2.4 device. */
function inProcess(sim: SimulatedYubiHsm, hooks: { disguise?: () => boolean; page1?: () => 'error' | 'drop' | undefined } = {}) {
  return createInProcessTransport(
    (frame) => {
      if (hexOf(frame) === PAGE_1_REQUEST) {
        if (hooks.disguise?.()) return encodeErrorFrame(DeviceErrorCode.INVALID_DATA);
        const fault = hooks.page1?.();
        if (fault === 'error') return encodeErrorFrame(DeviceErrorCode.INVALID_DATA);
        if (fault === 'drop') throw new YubiHsmTransportError('unavailable', 'connection reset');
      }
      return sim.handleFrame(frame);
    },
    { name: 'sim' },
  );
}

test('allowSimulated false: a simulator that comes up AFTER the backend on the same port never signs', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = eventLog();
  const backend = backendFor([{ url, name: 'hsm0' }], { allowSimulated: false, onEvent: log.onEvent });
  const sim = createSimulator();
  let server: Awaited<ReturnType<typeof startConnectorServer>> | undefined;
  try {
    await backend.connect();
    assert.equal((await backend.health()).up, false);
    await assert.rejects(backend.signEd25519({ id: '0x0064' }, MSG), code('backend_unavailable'));

    server = await startConnectorServer(sim, { host: '127.0.0.1', port });
    const setup = new YubiHsmClient({ url });
    await provisionSigner(setup);
    await setup.close();
    // Reconnect probes run every ≤ 40 ms; keep trying to sign well past several of them.
    const until = Date.now() + 400;
    let attempts = 0;
    while (Date.now() < until) {
      attempts++;
      await assert.rejects(backend.signEd25519({ id: '0x0064' }, MSG), code('backend_unavailable'));
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(attempts > 5);
    await waitFor(() => backend.pools[0]!.lastError === 'simulated_not_allowed');
    const pool = backend.pools[0]!;
    assert.equal(pool.state, 'down');
    assert.equal(pool.sessionCount, 0);
    assert.equal(sim.sessionCount, 0, 'no session was ever opened on the simulator');
    assert.ok(log.events.some((e) => e.type === 'device_down' && e.reason === 'simulated_not_allowed'));
    assert.equal(log.count('device_up'), 0);
    const health = await backend.health();
    assert.equal(health.up, false);
    assert.equal(health.simulated, true);
    assert.match(String(health.detail?.['device_0']), /simulated error=simulated_not_allowed/);
    assert.deepEqual(
      backend.stats().devices.map((d) => [d.state, d.simulated, d.lastError]),
      [['down', true, 'simulated_not_allowed']],
    );

    // the same device is fine for a backend that allows simulators (and by default)
    for (const extra of [{ allowSimulated: true }, {}]) {
      const allowed = backendFor([{ url }], extra);
      try {
        assert.equal((await allowed.signEd25519({ id: '0x0064' }, MSG)).length, 64);
      } finally {
        await allowed.close();
      }
    }
  } finally {
    await backend.close();
    await server?.close();
    await sim.close();
  }
});

test('a simulator pretending to be firmware 2.3.0 is still recognised (and refused when not allowed)', async () => {
  const h = await startHarness({ firmware: [2, 3, 0] });
  try {
    const d = await h.client.describe();
    assert.equal(d.firmware, '2.3.0');
    assert.equal(d.simulated, true);
    await provisionSigner(h.client);
    const refused = backendFor([{ url: h.url }], { allowSimulated: false });
    try {
      await assert.rejects(refused.signEd25519({ id: '0x0064' }, MSG), code('backend_unavailable'));
      assert.equal(refused.pools[0]!.lastError, 'simulated_not_allowed');
    } finally {
      await refused.close();
    }
    const allowed = backendFor([{ url: h.url }], { allowSimulated: true });
    try {
      assert.equal((await allowed.signEd25519({ id: '0x0064' }, MSG)).length, 64);
      assert.equal((await allowed.health()).simulated, true);
    } finally {
      await allowed.close();
    }
  } finally {
    await h.close();
  }
});

test('DeviceInfo page 1: a one-off device error still finds the marker; a transport error never means "real device"', async () => {
  const sim = createSimulator();
  try {
    let faults: Array<'error' | 'drop'> = ['error'];
    const transport = inProcess(sim, { page1: () => faults.shift() });
    const client = new YubiHsmClient({ transport });
    assert.equal((await client.describe()).simulated, true);

    faults = ['drop'];
    await assert.rejects(client.describe(), (e: unknown) => e instanceof YubiHsmTransportError);

    // a device that answers page 1 with an error twice has no page 1: a real device before firmware 2.4
    const real = new YubiHsmClient({ transport: inProcess(sim, { disguise: () => true }) });
    const d = await real.describe();
    assert.equal(d.simulated, false);
    assert.equal(d.partNumber, undefined);

    // the pool: a page-1 transport failure leaves the device down (retried later), never up as "real"
    await provisionSigner(client);
    faults = ['drop', 'drop'];
    const log = eventLog();
    const backend = backendFor([{ transport: inProcess(sim, { page1: () => faults.shift() }) }], { allowSimulated: false, onEvent: log.onEvent });
    try {
      await assert.rejects(backend.signEd25519({ id: '0x0064' }, MSG), code('backend_unavailable'));
      assert.equal(backend.pools[0]!.lastError, 'unavailable');
      await waitFor(() => backend.pools[0]!.lastError === 'simulated_not_allowed');
      assert.equal(log.count('device_up'), 0);
      await assert.rejects(backend.signEd25519({ id: '0x0064' }, MSG), code('backend_unavailable'));
    } finally {
      await backend.close();
    }
  } finally {
    await sim.close();
  }
});

test('allowSimulated false: a simulator swapped in behind the connector is refused at the next re-authentication', async () => {
  const sim = createSimulator();
  try {
    await provisionSigner(new YubiHsmClient({ transport: inProcess(sim) }));
    let disguised = true; // looks like a real fw < 2.4 device
    const log = eventLog();
    const backend = backendFor([{ transport: inProcess(sim, { disguise: () => disguised }) }], { allowSimulated: false, onEvent: log.onEvent });
    try {
      assert.equal((await backend.signEd25519({ id: '0x0064' }, MSG)).length, 64);
      assert.equal(backend.pools[0]!.state, 'up');
      // the "device" is replaced: it forgot every session and now identifies as the simulator
      disguised = false;
      sim.faults.expireSessions();
      await assert.rejects(backend.signEd25519({ id: '0x0064' }, MSG), code('backend_unavailable'));
      assert.equal(backend.pools[0]!.state, 'down');
      assert.equal(backend.pools[0]!.lastError, 'simulated_not_allowed');
      assert.ok(log.events.some((e) => e.type === 'device_down' && e.reason === 'simulated_not_allowed'));
      await new Promise((r) => setTimeout(r, 100)); // several reconnect probes
      await assert.rejects(backend.signEd25519({ id: '0x0064' }, MSG), code('backend_unavailable'));
    } finally {
      await backend.close();
    }
  } finally {
    await sim.close();
  }
});
