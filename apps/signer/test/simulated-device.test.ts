import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOpenKmsError } from '@openkms/core';
import { createSimulator, startConnectorServer } from '@openkms/yubihsm-sim';
import { demoCommand } from '../src/cli/demo-command.js';
import { UsageError } from '../src/cli/parse-args.js';
import { freePort, spawnCli } from './support/cli-process.js';
import { simCommand, startSimCommand } from '../src/cli/sim-command.js';
import { startSigner } from '../src/runtime/start-signer.js';
import { solanaTransferMessage } from './support/chain-fixtures.js';
import { captureStream, startTestSigner } from './support/test-signer.js';

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
      startSigner({ configFile: config, listen: { host: '127.0.0.1', port: 0 }, connectors: [s.demo.connectorUrl!], logDestination: captureStream([]) }),
      (err: unknown) =>
        isOpenKmsError(err) && err.code === 'config_invalid' && err.context.path === 'backend.yubihsm.allow_simulated' && /SIMULATED/.test(err.message),
    );
  } finally {
    await s.close();
  }
});

test('`openkms sim` serves the connector protocol standalone', async () => {
  const port = await freePort();
  const child = spawnCli(['sim', '--listen', `127.0.0.1:${port}`]);
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

// Needs start-signer.ts to pass `allowSimulated: y.allowSimulated` to createYubiHsmBackend (the driver then refuses
// the simulator on every connect and reconnect, not only at startup).
test('allow_simulated = false: a simulator that appears on the connector URL after startup never signs (true: it does)', async () => {
  const s = await startTestSigner();
  const keys = await s.request('GET', '/keys', { token: s.signerToken });
  assert.equal(keys.status, 200, keys.text);
  const solana = (keys.json as { label: string; address: string }[]).find((k) => k.label === 'solana-hot-0')!;
  const token = s.signerToken;
  await s.close({ keepDir: true });
  const config = s.demo.files.config;
  const original = readFileSync(config, 'utf8');
  try {
    for (const allow of [false, true]) {
      writeFileSync(config, original.replace('allow_simulated = true', `allow_simulated = ${allow}`));
      const port = await freePort();
      const signer = await startSigner({
        configFile: config,
        listen: { host: '127.0.0.1', port: 0 },
        connectors: [`http://127.0.0.1:${port}`],
        logDestination: captureStream([]),
      });
      // the same demo device (keys, signer auth key) comes up late, on the configured connector URL
      const statePath = join(s.dir, `late-sim-${allow}.json`);
      copyFileSync(s.demo.files.simState, statePath);
      const sim = createSimulator({ statePath });
      const server = await startConnectorServer(sim, { host: '127.0.0.1', port });
      try {
        const sign = async (): Promise<{ status: number; code?: string }> => {
          const message = solanaTransferMessage({ from: solana.address, lamports: 1000n });
          const res = await fetch(`${signer.url}/sign/solana`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ label: 'solana-hot-0', message_b64: Buffer.from(message).toString('base64') }),
          });
          const body = (await res.json()) as { code?: string };
          return { status: res.status, ...(body.code !== undefined ? { code: body.code } : {}) };
        };
        const statuses: string[] = [];
        const until = Date.now() + (allow ? 5000 : 1500); // covers several reconnect probes (250 ms doubling)
        let signed = false;
        while (Date.now() < until && !signed) {
          const r = await sign();
          statuses.push(`${r.status} ${r.code ?? ''}`);
          signed = r.status === 200;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (allow) assert.ok(signed, `allow_simulated = true signs once the simulator is up: ${statuses.join(', ')}`);
        else {
          assert.ok(!signed, 'allow_simulated = false never signs with the simulator');
          assert.ok(
            statuses.every((x) => x.startsWith('503 backend_unavailable')),
            statuses.join(', '),
          );
        }
      } finally {
        await signer.close();
        await server.close();
        await sim.close();
      }
    }
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('`openkms sim` uses the simulator CLI parser: bad flags are usage errors, an unwritable --state is a clear error', async () => {
  const io = { out: () => undefined, err: () => undefined };
  for (const argv of [['--latency', 'bogus'], ['--listen', 'nope'], ['--bogus'], ['--state']]) {
    await assert.rejects(simCommand(argv, io), (e: unknown) => e instanceof UsageError, argv.join(' '));
  }
  const dir = mkdtempSync(join(tmpdir(), 'openkms-sim-'));
  try {
    const missing = join(dir, 'no-such-dir', 'state.json');
    await assert.rejects(
      simCommand(['--listen', '127.0.0.1:0', '--state', missing], io),
      (e: unknown) => isOpenKmsError(e) && e.code === 'state_write_failed' && e.message.includes(missing),
    );
    const lines: string[] = [];
    const running = await startSimCommand(['--listen', '127.0.0.1:0', '--state', join(dir, 'state.json'), '--latency', 'realistic', '--serial', '77'], {
      out: () => undefined,
      err: (l) => lines.push(l),
    });
    try {
      assert.equal(running.sim.serial, 77);
      assert.match(await (await fetch(`${running.server.url}/connector/status`)).text(), /^status=OK\n/);
      assert.match(lines.join('\n'), /latency realistic.*SIMULATED/);
    } finally {
      await running.stop();
    }
    assert.ok(readFileSync(join(dir, 'state.json'), 'utf8').length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('`openkms demo --latency bogus` is a usage error (no silent fallback to zero)', async () => {
  await assert.rejects(
    demoCommand(['--latency', 'bogus', '--dir', join(tmpdir(), 'openkms-demo-never-created')], { out: () => undefined, err: () => undefined }),
    (e: unknown) => e instanceof UsageError && /--latency must be zero or realistic/.test(e.message),
  );
});
