/**
 * The original openKMS's scripts/remote_e2e_smoke.sh, run unchanged (bash + curl + python3) against our demo. Its
 * text is read from the original's repository at test time (never committed here); without a copy of that repository
 * on this machine the test is skipped, and compat-original-http.test.ts still runs the same steps.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cosmosSendSignDoc, solanaTransferMessage } from './support/chain-fixtures.js';
import { originalCompatConfig } from './support/original-compat-config.js';
import { NO_MIRROR, originalFile } from './support/original-openkms-mirror.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';

const script = originalFile('scripts/remote_e2e_smoke.sh');
const missingTool = ['bash', 'curl', 'python3'].find((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});
const skip = script === undefined ? NO_MIRROR : missingTool ? `skipped: ${missingTool} is not installed` : false;

function run(file: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [file], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the original's scripts/remote_e2e_smoke.sh, unchanged, against our demo", { skip }, () => {
  let s: TestSigner;
  let dir: string;
  let file: string;
  const keys: Record<string, { address: string; public_key_b64: string }> = {};
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openkms-smoke-'));
    file = join(dir, 'remote_e2e_smoke.sh');
    writeFileSync(file, script!);
    s = await startTestSigner({ config: originalCompatConfig });
    for (const k of (await s.request('GET', '/keys')).json) keys[k.label] = k;
  });
  after(async () => {
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const env = (request: unknown, extra: Record<string, string> = {}) => {
    const requestFile = join(dir, `request-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(requestFile, JSON.stringify(request));
    return { OPENKMS_BASE_URL: s.url, OPENKMS_SIGNER_TOKEN: s.signerToken, OPENKMS_SIGN_REQUEST_FILE: requestFile, ...extra };
  };

  test('Solana (its default sign path): health, public keys, metrics, sign — every step ok', async () => {
    const message = solanaTransferMessage({ from: keys['solana-hot-0']!.address, lamports: 1000n });
    const r = await run(
      file,
      env({ label: 'solana-hot-0', message_b64: Buffer.from(message).toString('base64') }, { OPENKMS_EXPECT_KEY_LABEL: 'solana-hot-0' }),
    );
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^health ok: hsm_up=True$/m);
    assert.match(r.stdout, /^keys ok: \['cosmos-hub-0', 'evm-hot-0', 'solana-hot-0'\]$/m);
    assert.match(r.stdout, /^metrics ok$/m);
    assert.match(r.stdout, /^sign ok$/m);
  });

  test('Cosmos (OPENKMS_SIGN_PATH=/sign/cosmos)', async () => {
    const doc = cosmosSendSignDoc({
      publicKey: new Uint8Array(Buffer.from(keys['cosmos-hub-0']!.public_key_b64, 'base64')),
      from: keys['cosmos-hub-0']!.address,
      amounts: [{ denom: 'uatom', amount: '1000' }],
    });
    const r = await run(
      file,
      env(
        { label: 'cosmos-hub-0', sign_doc_b64: Buffer.from(doc).toString('base64'), expected_chain_id: 'cosmoshub-4' },
        { OPENKMS_SIGN_PATH: '/sign/cosmos', OPENKMS_EXPECT_KEY_LABEL: 'cosmos-hub-0' },
      ),
    );
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^sign ok$/m);
  });

  test('without auth.public_keys (our default) it stops at GET /keys with the 401, as the migration guide says', async () => {
    const closed = await startTestSigner();
    try {
      const message = solanaTransferMessage({ from: keys['solana-hot-0']!.address, lamports: 1000n });
      const requestFile = join(dir, 'closed.json');
      writeFileSync(requestFile, JSON.stringify({ label: 'solana-hot-0', message_b64: Buffer.from(message).toString('base64') }));
      const r = await run(file, { OPENKMS_BASE_URL: closed.url, OPENKMS_SIGNER_TOKEN: closed.signerToken, OPENKMS_SIGN_REQUEST_FILE: requestFile });
      assert.notEqual(r.code, 0);
      assert.match(r.stdout, /^health ok/m);
      assert.doesNotMatch(r.stdout, /keys ok/);
      assert.match(r.stderr, /401/);
    } finally {
      await closed.close();
    }
  });
});
