import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solanaBody, cosmosBody, type KeysByLabel } from './support/chain-fixtures.js';
import { CLI_BIN, REPO_ROOT } from './support/cli-process.js';

// The signer answers /health before the chains' heavy decoders are loaded: the plugins' entries are light and
// import their decoders (cosmjs, cosmjs-types, viem, @solana/kit and the program clients) on first use, or when the
// signer warms them up right after it listens. Checked in a real `openkms demo` process (from the sources, as CI runs
// it) with a loader hook that logs every module load and the moment the server listens.
const HEAVY =
  /\/node_modules\/(viem|ox|abitype|cosmjs-types|@cosmjs\/(amino|proto-signing|stargate|cosmwasm|crypto|math)|@solana\/kit|@solana-program\/[^/]+)\//;
const CHAIN_SIGNERS = /\/(solana|cosmos|evm)-chain-signer\.(ts|js)$/;
const RECORDER = fileURLToPath(new URL('./support/record-module-loads.mjs', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'openkms-cold-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('openkms demo: /health answers before any chain decoder is loaded; the first sign requests still work', { timeout: 240_000 }, async () => {
  const log = join(dir, 'modules.log');
  const child = spawn(process.execPath, ['--import', RECORDER, CLI_BIN, 'demo', '--dir', join(dir, 'demo'), '--listen', '127.0.0.1:0'], {
    cwd: REPO_ROOT,
    env: { ...process.env, INIT_CWD: REPO_ROOT, OPENKMS_CLI_FROM: 'source', OPENKMS_MODULE_LOG: log },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the demo did not start\n${stdout}\n${stderr}`)), 200_000);
      const check = () => {
        const m = /openKMS demo signer: (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', check);
      void exited.then(() => reject(new Error(`the demo exited\n${stdout}\n${stderr}`)));
    });
    assert.equal((await fetch(`${url}/health`)).status, 200);

    const lines = readFileSync(log, 'utf8').split('\n');
    const listening = lines.indexOf(`LISTENING ${new URL(url).port}`);
    assert.ok(listening > 0, 'the recorder saw the signer listen');
    const before = lines.slice(0, listening);
    // the recorder works: the plugin entries were loaded before the server listened
    for (const chain of ['solana', 'cosmos', 'evm'])
      assert.ok(
        before.some((l) => l.includes(`/packages/${chain}/src/plugin.ts`)),
        `${chain} plugin entry loaded`,
      );
    assert.deepEqual(
      before.filter((l) => HEAVY.test(l) || CHAIN_SIGNERS.test(l)),
      [],
      'no chain decoder is loaded before the signer listens',
    );
    // the device session's AES runs on node:crypto: no JavaScript cipher code is loaded to start
    assert.deepEqual(
      before.filter((l) => /\/node_modules\/@noble\/ciphers\//.test(l)),
      [],
      'no @noble/ciphers before the signer listens',
    );

    // the first sign requests after /health: signed (the decoders load on first use, if not warmed up yet)
    const token = readFileSync(join(dir, 'demo', 'signer.token'), 'utf8').trim();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const keys = Object.fromEntries(
      ((await (await fetch(`${url}/keys`, { headers })).json()) as { label: string }[]).map((k) => [k.label, k]),
    ) as unknown as KeysByLabel;
    const sol = await fetch(`${url}/sign/solana`, { method: 'POST', headers, body: JSON.stringify(solanaBody(keys, 1000)) });
    assert.equal(sol.status, 200, await sol.clone().text());
    assert.match(((await sol.json()) as { signature_b58: string }).signature_b58, /^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
    const atom = await fetch(`${url}/sign/cosmos`, { method: 'POST', headers, body: JSON.stringify(cosmosBody(keys, 1)) });
    assert.equal(atom.status, 200, await atom.clone().text());
    assert.equal(typeof ((await atom.json()) as { signature_b64: unknown }).signature_b64, 'string');
    // … with the decoders now loaded: the recorder sees them (so the check above could fail)
    const after = readFileSync(log, 'utf8').split('\n').slice(listening);
    assert.ok(
      after.some((l) => /\/node_modules\/@solana\/kit\//.test(l)),
      '@solana/kit loaded after listening',
    );
    assert.ok(
      after.some((l) => /\/node_modules\/cosmjs-types\//.test(l)),
      'cosmjs-types loaded after listening',
    );
  } finally {
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
  }
});

// A demo directory that already exists (the usual start): the ceremony's key derivation (BIP-39 / BIP-32 / SLIP-10,
// only needed to create a device) is not loaded before the signer listens. Runs after the test above created it.
const CEREMONY =
  /\/node_modules\/(@scure\/bip39|@scure\/bip32|micro-key-producer)\/|\/yubihsm\/(src|dist)\/ceremony\/(ceremony-(mnemonic|secrets|provisioning|device-setup|backup)|signing-key-(paths|inventory))\./;
test('openkms demo on an existing directory: no ceremony key-derivation code before /health', { timeout: 240_000 }, async () => {
  const log = join(dir, 'modules-restart.log');
  const child = spawn(process.execPath, ['--import', RECORDER, CLI_BIN, 'demo', '--dir', join(dir, 'demo'), '--listen', '127.0.0.1:0'], {
    cwd: REPO_ROOT,
    env: { ...process.env, INIT_CWD: REPO_ROOT, OPENKMS_CLI_FROM: 'source', OPENKMS_MODULE_LOG: log },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the demo did not start\n${stdout}\n${stderr}`)), 200_000);
      child.stdout.on('data', () => {
        const m = /openKMS demo signer: (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      void exited.then(() => reject(new Error(`the demo exited\n${stdout}\n${stderr}`)));
    });
    assert.equal((await fetch(`${url}/health`)).status, 200);
    const lines = readFileSync(log, 'utf8').split('\n');
    const listening = lines.indexOf(`LISTENING ${new URL(url).port}`);
    assert.ok(listening > 0, 'the recorder saw the signer listen');
    const before = lines.slice(0, listening);
    assert.ok(
      before.some((l) => /\/yubihsm\/(src|dist)\/index\./.test(l)),
      'the recorder saw the driver load',
    );
    assert.deepEqual(
      before.filter((l) => CEREMONY.test(l)),
      [],
      'no ceremony key derivation before the signer listens',
    );
  } finally {
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
  }
});
