import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOpenKmsError } from '@openkms/core';
import { solanaTransferMessage } from './support/chain-fixtures.js';
import { cli } from './support/cli-process.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';

async function sign(s: TestSigner, times: number): Promise<void> {
  assert.equal((await s.request('GET', '/policy/solana-hot-0', { token: s.signerToken })).status, 200);
  const keys = await s.request('GET', '/keys', { token: s.signerToken });
  const from = keys.json.find((k: { label: string }) => k.label === 'solana-hot-0').address;
  for (let i = 0; i < times; i++) {
    const message_b64 = Buffer.from(solanaTransferMessage({ from, lamports: 1000n })).toString('base64');
    assert.equal((await s.request('POST', '/sign/solana', { token: s.signerToken, body: { label: 'solana-hot-0', message_b64 } })).status, 200);
  }
}

test('a record deleted from the middle of the audit log stops startup (counters are never rebuilt from a broken chain)', async () => {
  const s = await startTestSigner();
  try {
    await sign(s, 3);
    await s.demo.close();
    const file = join(s.dir, 'audit', 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    // a record with records before and after it: its removal breaks the seq and prev_mac links
    const allowAt = lines.findIndex((l, i) => i > 0 && i < lines.length - 1 && JSON.parse(l).decision === 'allow');
    assert.ok(allowAt > 0, `no middle allow record among ${lines.length} lines`);
    writeFileSync(file, lines.filter((_, i) => i !== allowAt).join('\n') + '\n');
    await assert.rejects(
      s.restart().then(async (started) => {
        await started.demo.close();
        return started;
      }),
      (err: unknown) => isOpenKmsError(err) && err.code === 'audit_chain_broken' && /audit\.jsonl:\d+/.test(err.message),
    );
  } finally {
    await s.close().catch(() => undefined);
  }
});

test('a torn tail stops startup until `openkms audit repair` moves it aside; the chain then continues and verifies', async () => {
  let s = await startTestSigner();
  const dir = s.dir;
  try {
    await sign(s, 2);
    await s.demo.close();
    appendFileSync(join(dir, 'audit', 'audit.jsonl'), '{"v":1,"seq":99,"time":"2026-');
    await assert.rejects(s.restart(), (err: unknown) => isOpenKmsError(err) && err.code === 'audit_chain_broken');
    const audit = (sub: string) => cli(['audit', sub, '--config', join(dir, 'config.toml')]);
    const repaired = await audit('repair');
    assert.equal(repaired.code, 0, repaired.stderr);
    assert.ok(
      readdirSync(join(dir, 'audit')).some((f) => f.endsWith('.torn')),
      'the torn bytes are kept aside, not deleted',
    );
    s = await s.restart();
    const view = await s.request('GET', '/policy/solana-hot-0', { token: s.signerToken });
    assert.equal(view.json.runtime.sign_counts.per_minute.used, 2, 'counters rebuilt from the intact records');
    await sign(s, 2);
    await s.demo.close();
    const verified = await audit('verify');
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  } finally {
    await s.close().catch(() => undefined);
  }
});
