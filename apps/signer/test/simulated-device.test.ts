import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isOpenKmsError } from '@openkms/core';
import { startSigner } from '../src/runtime/start-signer.js';
import { captureStream, startTestSigner } from './support/test-signer.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

test('the signer refuses a simulated YubiHSM2 unless the config allows it, and warns when it does', async () => {
  const s = await startTestSigner();
  try {
    assert.ok(
      s.logs.some((l) => JSON.parse(l).level === 40 && /SIMULATED YubiHSM2/.test(JSON.parse(l).msg)),
      'startup warns about the simulated device',
    );
    assert.equal((await s.request('GET', '/health')).json.simulated, true);
    const config = s.demo.files.config;
    writeFileSync(config, readFileSync(config, 'utf8').replace('allow_simulated = true', 'allow_simulated = false'));
    await assert.rejects(
      startSigner({ configFile: config, listen: { host: '127.0.0.1', port: 0 }, connectors: [s.demo.connectorUrl], logDestination: captureStream([]) }),
      (err: unknown) =>
        isOpenKmsError(err) && err.code === 'config_invalid' && err.context.path === 'backend.yubihsm.allow_simulated' && /SIMULATED/.test(err.message),
    );
  } finally {
    await s.close();
  }
});

test('`openkms sim` serves the connector protocol standalone', async () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/signer/src/cli.ts', 'sim', '--listen', `127.0.0.1:${port}`], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const deadline = Date.now() + 15_000;
    let status = '';
    while (Date.now() < deadline) {
      try {
        status = await (await fetch(`http://127.0.0.1:${port}/connector/status`)).text();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.match(status, /^status=OK\n/, stderr);
    assert.match(status, /version=3\.0\.7/);
    // Echo in the clear: 01 0003 'abc' → 81 0003 'abc'
    const res = await fetch(`http://127.0.0.1:${port}/connector/api`, { method: 'POST', body: Buffer.from('010003616263', 'hex') });
    assert.equal(Buffer.from(await res.arrayBuffer()).toString('hex'), '810003616263');
    assert.match(stderr, /SIMULATED/);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});
