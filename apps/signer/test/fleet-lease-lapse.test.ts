import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSimulator, startConnectorServer, type ConnectorServer, type SimulatedYubiHsm } from '@openkms/yubihsm-sim';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import type { TestSigner } from './support/test-signer.js';
import { CLI_BIN, REPO_ROOT, freePort } from './support/cli-process.js';
import { postOnce, startTestFleet, type TestFleet } from './support/test-fleet.js';
import { SOL, keyAddress, policyView, solanaBody, withPolicy } from './support/policy-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';
const skip = redisMissing();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Fleet mode (issue 19): an instance killed with -9 while it holds a reservation. Instance K runs as a child process
 * (`openkms run`) on a simulated device served by this test, which wedges the device so K's request waits inside the
 * HSM call with its budget reserved; K is then SIGKILLed. Its reservation lapses after the lease and the budget
 * returns to the fleet (one signature per day: without the lease the fleet would stay refused for 24 h).
 */
describe('fleet mode: an instance killed with -9 while holding a reservation', { skip }, () => {
  let redis: TestRedis;
  let testFleet: TestFleet | undefined;
  const fleet: TestSigner[] = [];
  let sim: SimulatedYubiHsm | undefined;
  let connector: ConnectorServer | undefined;
  let child: ChildProcess | undefined;
  let childDir = '';
  let kUrl = '';
  const output: string[] = [];
  let from = '';

  before(async () => {
    redis = await startTestRedis();
    const policy = `max_signs_per_day = 1\nper_tx_cap_lamports = "5000000000"\nallowed_programs = [{ id = "${SYSTEM}" }]`;
    testFleet = await startTestFleet({ redisUrl: redis.url, ids: ['A', 'B'], config: withPolicy(SOL, policy), keyPrefix: 'lease-test:', leaseSecs: 3 });
    fleet.push(...testFleet.instances);
    from = await keyAddress(fleet[0]!, SOL);

    // instance K: a copy of A's directory, its own simulated device served over the connector protocol, its own port
    childDir = `${fleet[0]!.dir}-K`;
    cpSync(fleet[0]!.dir, childDir, { recursive: true });
    rmSync(join(childDir, 'audit'), { recursive: true, force: true });
    sim = createSimulator({ statePath: join(childDir, 'yubihsm-sim.json') });
    connector = await startConnectorServer(sim);
    const port = await freePort();
    kUrl = `http://127.0.0.1:${port}`;
    const config = join(childDir, 'config.toml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8')
        .replace('instance_id = "A"', 'instance_id = "K"')
        .replace(/^listen = .*$/m, `listen = "127.0.0.1:${port}"`)
        .replace(/^(# connectors: .*|connectors = .*)$/m, `connectors = ["${connector.url}"]`),
    );
    const proc = spawn(process.execPath, [CLI_BIN, 'run', '--config', config], { cwd: REPO_ROOT, env: { ...process.env, INIT_CWD: REPO_ROOT }, stdio: 'pipe' });
    child = proc;
    proc.stdout.on('data', (d: Buffer) => output.push(String(d)));
    proc.stderr.on('data', (d: Buffer) => output.push(String(d)));
    for (let i = 0; ; i++) {
      assert.equal(proc.exitCode, null, `openkms run exited:\n${output.join('').slice(-3000)}`);
      try {
        if ((await fetch(`${kUrl}/health`, { signal: AbortSignal.timeout(2000) })).status === 200) break;
      } catch {
        // not listening yet
      }
      assert.ok(i < 1200, `instance K did not start:\n${output.join('').slice(-3000)}`);
      await sleep(100);
    }
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await testFleet?.close();
    sim?.faults.release();
    await connector?.close();
    await sim?.close();
    if (childDir) rmSync(childDir, { recursive: true, force: true });
    await redis?.close();
  });

  test('its pending reservation holds the budget while it hangs, then lapses after the lease once it is killed', async (t) => {
    const token = fleet[0]!.signerToken;
    // the device wedges: K reserves the day's only signature, then waits for the HSM
    sim!.faults.hangNext(110_000);
    const held = postOnce({ ...fleet[0]!, url: kUrl }, '/sign/solana', solanaBody(from, 1000n), token).then(
      (r) => r,
      (err: Error) => err,
    );
    for (let i = 0; (await policyView(fleet[0]!, SOL)).runtime.sign_counts.per_day.used !== 1; i++) {
      assert.ok(i < 600, `K never reserved:\n${output.join('').slice(-2000)}`);
      await sleep(50);
    }
    // the fleet's budget is taken by K's pending reservation
    const refused = await postOnce(fleet[1]!, '/sign/solana', solanaBody(from, 2000n));
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.json.code, 'rate_limited');

    child!.kill('SIGKILL');
    const killedAt = performance.now();
    await new Promise((r) => (child!.exitCode !== null || child!.signalCode !== null ? r(undefined) : child!.once('exit', r)));
    const answer = await held;
    assert.ok(answer instanceof Error, `K answered before it was killed: ${JSON.stringify(answer)}`);

    // the lease (3 s) lapses: the next decision on any instance drops K's reservation and the budget returns
    let ok;
    for (let i = 0; ; i++) {
      ok = await postOnce(fleet[i % 2]!, '/sign/solana', solanaBody(from, 3000n + BigInt(i)));
      if (ok.status === 200) break;
      assert.equal(ok.json.code, 'rate_limited', ok.text);
      assert.ok(i < 300, 'the dead instance reservation never lapsed');
      await sleep(100);
    }
    t.diagnostic(`budget back ${Math.round(performance.now() - killedAt)} ms after the kill (lease 3 s)`);
    // exactly one signature counts now (the new one), on every instance; K signed nothing
    for (const s of fleet) assert.equal((await policyView(s, SOL)).runtime.sign_counts.per_day.used, 1);
    const kAudit = readFileSync(join(childDir, 'audit', 'K', 'audit.jsonl'), 'utf8');
    assert.ok(!kAudit.includes('"decision":"allow"'), 'K wrote an allow record');
  });
});
