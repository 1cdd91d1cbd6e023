import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLogEntry, encodeFrame, verifyLogChain } from '@openkms/yubihsm';
import { isOpenKmsError } from '@openkms/core';
import { createSimulator } from './simulator.js';
import { call, cap, concat, hex, objectHeader, openSession, toHex, u16 } from './test-host.js';

const SEED = hex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');

test('state survives a restart: objects, sequences, serial, log chain; sessions do not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'yhsim-'));
  const statePath = join(dir, 'state.json');
  try {
    const sim1 = createSimulator({ statePath, serial: 4242 });
    const s = await openSession(sim1);
    await call(sim1, s, 0x45, concat(objectHeader(0x10, 'ed', 1, cap(8), 46), SEED));
    await call(sim1, s, 0x46, objectHeader(0x11, 'k1', 1, cap(7), 15));
    await call(sim1, s, 0x58, concat(u16(0x11), Uint8Array.of(3)));
    await call(sim1, s, 0x46, objectHeader(0x11, 'k1 again', 1, cap(7), 15));
    const pub1 = await call(sim1, s, 0x54, u16(0x11));
    const sig1 = await call(sim1, s, 0x6a, concat(u16(0x10), hex('72')));
    await sim1.close();

    assert.equal(statSync(statePath).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['state.json'], 'no temp files left behind');
    const json = JSON.parse(readFileSync(statePath, 'utf8'));
    assert.equal(json.format, 'openkms-yubihsm-sim/1');

    const sim2 = createSimulator({ statePath });
    assert.equal(sim2.serial, 4242);
    // the old session is gone
    const stale = s.channel.wrapCommand(encodeFrame(0x01, Uint8Array.of(1)));
    assert.equal(toHex(await sim2.handleFrame(stale)), '7f000103');
    const s2 = await openSession(sim2);
    assert.deepEqual(await call(sim2, s2, 0x6a, concat(u16(0x10), hex('72'))), sig1);
    assert.deepEqual(await call(sim2, s2, 0x54, u16(0x11)), pub1);
    const info = await call(sim2, s2, 0x4e, concat(u16(0x11), Uint8Array.of(3)));
    assert.equal(info[16], 1, 'sequence kept');
    const logPayload = await call(sim2, s2, 0x4d);
    const n = logPayload[4]!;
    const entries = Array.from({ length: n }, (_, i) => decodeLogEntry(logPayload.subarray(5 + 32 * i, 37 + 32 * i)));
    assert.equal(verifyLogChain(entries, new Uint8Array(16)), -1, 'chain continues across the restart');
    assert.ok(
      entries.some((e) => e.command === 0 && e.result === 0),
      'boot entry logged on power-on',
    );
    await sim2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt state file is refused with config_invalid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yhsim-'));
  const statePath = join(dir, 'state.json');
  try {
    writeFileSync(statePath, '{"format":"something else"}');
    assert.throws(
      () => createSimulator({ statePath }),
      (e: unknown) => isOpenKmsError(e) && e.code === 'config_invalid',
    );
    writeFileSync(statePath, 'not json');
    assert.throws(
      () => createSimulator({ statePath }),
      (e: unknown) => isOpenKmsError(e) && e.code === 'config_invalid',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ResetDevice is persisted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'yhsim-'));
  const statePath = join(dir, 'state.json');
  try {
    const sim1 = createSimulator({ statePath });
    const s = await openSession(sim1);
    await call(sim1, s, 0x46, objectHeader(0x10, 'x', 1, cap(7), 12));
    await call(sim1, s, 0x08);
    await sim1.close();
    const sim2 = createSimulator({ statePath });
    const s2 = await openSession(sim2);
    assert.equal(toHex(await call(sim2, s2, 0x48)), '00010200');
    await sim2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
