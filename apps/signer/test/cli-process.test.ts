import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliInvocation } from '../src/cli/cli-context.js';
import { COMMAND_NAMES } from '../src/cli/main.js';
import { cli, freePort, REPO_ROOT, runCli, spawnCli } from './support/cli-process.js';
import { waitFor } from './support/wait-for.js';

describe('openkms --help', () => {
  test('every command answers --help and -h on stdout with exit 0', async () => {
    for (const args of [
      ['--help'],
      ['-h'],
      ['help'],
      ...COMMAND_NAMES.flatMap((c) => [
        [c, '--help'],
        [c, '-h'],
      ]),
    ]) {
      const out = await cli(args);
      assert.equal(out.code, 0, `openkms ${args.join(' ')}: ${out.stderr}`);
      assert.match(out.stdout, /openkms/, `openkms ${args.join(' ')} prints its help`);
      assert.equal(out.stderr, '', `openkms ${args.join(' ')}`);
    }
    assert.deepEqual([...COMMAND_NAMES].sort(), [
      'approvals',
      'audit',
      'backup',
      'config',
      'demo',
      'keys',
      'mcp',
      'new-mnemonic',
      'openapi',
      'pairing',
      'restore',
      'run',
      'setup',
      'sim',
      'state',
      'token',
    ]);
  });

  test('a subcommand with --help exits 0 too; a missing subcommand or command is a usage error (2, help on stderr)', async () => {
    for (const args of [
      ['token', 'create', '--help'],
      ['audit', 'verify', '--help'],
      ['config', 'check', '--help'],
    ]) {
      assert.equal((await cli(args)).code, 0, args.join(' '));
    }
    for (const args of [[], ['token'], ['audit'], ['config'], ['mcp'], ['nope']]) {
      const out = await cli(args);
      assert.equal(out.code, 2, `openkms ${args.join(' ')}`);
      assert.equal(out.stdout, '');
      assert.match(out.stderr, /openkms/);
    }
  });

  test('argv errors keep their wording (node:util parseArgs underneath)', async () => {
    const unknown = await cli(['token', 'list', '--bogus']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^openkms token: unknown option --bogus \(see openkms token --help\)/);
    const missing = await cli(['token', 'list', '--file']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--file needs a value/);
    const ambiguous = await cli(['run', '--config', '--help']);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /--config needs a value/);
    const flagValue = await cli(['openapi', '--write=yes']);
    assert.equal(flagValue.code, 2);
    assert.match(flagValue.stderr, /--write takes no value/);
    const sim = await cli(['sim', '--latency', 'slow']);
    assert.equal(sim.code, 2);
    assert.match(sim.stderr, /--latency must be zero or realistic/);
  });

  test('the binary itself: `openkms token --help` exits 0', async () => {
    const out = await runCli(['token', '--help']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /openkms token <create\|list\|revoke>/);
  });
});

describe('a clean stop on SIGINT / SIGTERM exits 0', () => {
  test('`openkms demo` serves the console at /ui; Ctrl-C delivered twice (terminal + pnpm forward) stops cleanly with exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openkms-sigint-'));
    const port = await freePort();
    const child = spawnCli(['demo', '--dir', dir, '--listen', `127.0.0.1:${port}`]);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
    try {
      await waitFor(() => output.includes('Stop with Ctrl-C'), `the demo to start (${output})`, 60_000);
      // the operator console is served by the same process
      assert.match(output, new RegExp(`Operator console: http://127\\.0\\.0\\.1:${port}/ui`));
      const ui = await fetch(`http://127.0.0.1:${port}/ui`);
      assert.equal(ui.status, 200);
      assert.match(await ui.text(), /src="\/ui\/assets\/[^"]+\.js"/);
      child.kill('SIGINT');
      child.kill('SIGINT');
      const [code, signal] = await exited;
      assert.deepEqual([code, signal], [0, null], output);
      assert.match(output, /"msg":"openKMS signer stopped"/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(
    'under pnpm (`pnpm openkms demo`), a Ctrl-C to the process group ends without ELIFECYCLE, exit 0',
    {
      skip: process.env.npm_execpath?.includes('pnpm') ? false : 'not run under pnpm (npm_execpath)',
    },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'openkms-sigint-pnpm-'));
      const port = await freePort();
      const { spawn } = await import('node:child_process');
      // its own process group, as a terminal's foreground job: the group signal reaches pnpm and the CLI alike
      const child = spawn(process.execPath, [process.env.npm_execpath!, '--silent', 'openkms', 'demo', '--dir', dir, '--listen', `127.0.0.1:${port}`], {
        cwd: REPO_ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
      try {
        await waitFor(() => output.includes('Stop with Ctrl-C'), `the demo to start (${output})`, 60_000);
        process.kill(-child.pid!, 'SIGINT');
        const [code, signal] = await exited;
        assert.deepEqual([code, signal], [0, null], output);
        assert.doesNotMatch(output, /ELIFECYCLE/);
      } finally {
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test('`openkms sim` exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawnCli(['sim', '--listen', `127.0.0.1:${port}`]);
    let output = '';
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
    await waitFor(() => output.includes('listening on'), `the simulator to start (${output})`, 60_000);
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null], output);
  });
});

test('printed follow-up commands use the way the CLI was started (npx pnpm, pnpm, or the installed binary)', () => {
  const npx = { npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v20.20.2 linux x64', npm_execpath: '/root/.npm/_npx/9a1b/node_modules/pnpm/bin/pnpm.cjs' };
  assert.equal(cliInvocation(npx), 'npx -y pnpm@10 openkms');
  assert.equal(cliInvocation({ ...npx, npm_execpath: '/usr/lib/node_modules/pnpm/bin/pnpm.cjs' }), 'pnpm openkms');
  assert.equal(cliInvocation({}), 'openkms');
});
