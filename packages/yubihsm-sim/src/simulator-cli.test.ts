import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOpenKmsError } from '@openkms/core';
import { parseSimulatorArgs, runSimulator, runSimulatorCli } from './simulator-cli.js';

test('parseSimulatorArgs', () => {
  assert.deepEqual(parseSimulatorArgs([]), { host: '127.0.0.1', port: 12345, latency: 'zero' });
  assert.deepEqual(parseSimulatorArgs(['--listen', '127.0.0.1:0', '--state', '/tmp/x.json', '--latency=realistic', '--serial', '99']), {
    host: '127.0.0.1',
    port: 0,
    statePath: '/tmp/x.json',
    latency: 'realistic',
    serial: 99,
  });
  assert.equal(parseSimulatorArgs(['--listen', '[::1]:8080']).host, '::1');
  for (const bad of [['--listen', 'nope'], ['--latency', 'slow'], ['--bogus'], ['--state']]) {
    assert.throws(
      () => parseSimulatorArgs(bad),
      (e: unknown) => isOpenKmsError(e) && e.code === 'invalid_request',
    );
  }
});

test('runSimulatorCli starts a connector on an ephemeral port and stop() flushes state', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'yhsim-cli-'));
  const lines: string[] = [];
  try {
    const running = await runSimulatorCli(['--listen', '127.0.0.1:0', '--state', join(dir, 's.json')], (l) => lines.push(l));
    const status = await (await fetch(`${running.server.url}/connector/status`)).text();
    assert.match(status, /^status=OK\n/);
    assert.match(lines[0] ?? '', /listening on http:\/\/127\.0\.0\.1:\d+/);
    await running.stop();
    assert.equal(statSync(join(dir, 's.json')).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runSimulator: an unwritable state file is state_write_failed (naming the file), and nothing is left listening', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'yhsim-cli-'));
  try {
    const statePath = join(dir, 'missing-dir', 's.json');
    await assert.rejects(
      runSimulator({ ...parseSimulatorArgs(['--listen', '127.0.0.1:0']), statePath }, () => undefined),
      (e: unknown) => isOpenKmsError(e) && e.code === 'state_write_failed' && e.message.includes(statePath) && /ENOENT/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
