import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './support/wait-for.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/stop-signal/stop-signal-child.ts');

/** Starts the child (through tsx) and follows what it prints. */
function start(stopMs: number, drainMs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, String(stopMs), String(drainMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
  return { child, exited, output: () => output };
}

test('a repeated SIGINT that arrives after a fast stop, while the process drains, does not kill it (pnpm forwarding its copy late)', async () => {
  const { child, exited, output } = start(0, 600);
  try {
    await waitFor(() => output().includes('ready'), 'the child to start', 30_000);
    child.kill('SIGINT');
    await waitFor(() => output().includes('stopped'), 'the stop to finish', 10_000);
    child.kill('SIGINT'); // within a second of the first: a copy of the same Ctrl-C
    assert.deepEqual(await exited, [0, null], output());
    assert.match(output(), /drained/);
  } finally {
    child.kill('SIGKILL');
  }
});

test('a SIGINT more than a second after a finished stop ends the lingering process with exit 0, not the signal', async () => {
  const { child, exited, output } = start(0, 10_000);
  try {
    await waitFor(() => output().includes('ready'), 'the child to start', 30_000);
    child.kill('SIGINT');
    await waitFor(() => output().includes('stopped'), 'the stop to finish', 10_000);
    await new Promise((r) => setTimeout(r, 1_200));
    child.kill('SIGINT');
    assert.deepEqual(await exited, [0, null], output());
    assert.doesNotMatch(output(), /drained/);
  } finally {
    child.kill('SIGKILL');
  }
});

test('a second SIGINT more than a second into a stop that has not finished forces exit 130', async () => {
  const { child, exited, output } = start(30_000, 0);
  try {
    await waitFor(() => output().includes('ready'), 'the child to start', 30_000);
    child.kill('SIGINT');
    await waitFor(() => output().includes('stopping'), 'the stop to begin', 10_000);
    child.kill('SIGINT'); // a copy: ignored
    await new Promise((r) => setTimeout(r, 1_200));
    assert.equal(child.exitCode, null, 'the copy within a second is ignored');
    child.kill('SIGINT');
    assert.deepEqual(await exited, [130, null], output());
  } finally {
    child.kill('SIGKILL');
  }
});
