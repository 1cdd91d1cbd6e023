import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_FILE_NAME } from '@openkms/audit';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { cosmosBody, keysOf, solanaBody, type KeyInfo } from './support/trust-helpers.js';

/** The last 'policy counters restored' (or fallback) log line of the signer's startup. */
function restoreLine(s: TestSigner): Record<string, unknown> {
  const lines = s.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => /policy counters/.test(String(l.msg)));
  return lines[lines.length - 1]!;
}

async function usage(s: TestSigner): Promise<{ used: number; spent: string | undefined }> {
  const view = (await s.request('GET', '/policy/solana-hot-0', { token: s.signerToken })).json;
  return { used: view.runtime.sign_counts.per_day.used, spent: view.runtime.spend.find((x: { asset: string }) => x.asset === 'native')?.spent };
}

describe('policy counters restart from a checkpoint written alongside the audit chain', () => {
  let s: TestSigner;
  let keys: Record<string, KeyInfo>;
  const checkpoint = () => join(s.dir, 'audit', CHECKPOINT_FILE_NAME);
  const sign = async (lamports: number) => {
    const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, lamports) });
    assert.equal(res.status, 200, res.text);
  };
  before(async () => {
    s = await startTestSigner();
    keys = await keysOf(s);
  });
  after(async () => {
    await s.close();
  });

  test('after a clean stop, startup takes the counters from the checkpoint and reads no record', async () => {
    await sign(1000);
    await sign(2000);
    await sign(3000);
    s = await s.restart();
    assert.ok(existsSync(checkpoint()));
    assert.deepEqual(await usage(s), { used: 3, spent: '6000' });
    const line = restoreLine(s);
    assert.equal(line.source, 'checkpoint');
    assert.equal(line.records_read, 0);
  });

  test('records after an older checkpoint are counted on top of it (never below what was signed)', async () => {
    const old = join(s.dir, 'old-checkpoint.json');
    copyFileSync(checkpoint(), old);
    await sign(400);
    await sign(500);
    await s.close({ keepDir: true });
    copyFileSync(old, checkpoint()); // as if the signer had crashed before writing a newer one
    s = await s.restart();
    assert.deepEqual(await usage(s), { used: 5, spent: '6900' });
    const line = restoreLine(s);
    assert.equal(line.source, 'checkpoint');
    assert.ok((line.records_read as number) >= 2, JSON.stringify(line));
  });

  test('a checkpoint that does not verify (edited counters) is ignored: the counters come from the log', async () => {
    await s.close({ keepDir: true });
    const text = readFileSync(checkpoint(), 'utf8');
    const edited = JSON.parse(text);
    edited.payload.slots = [{ ...edited.payload.slots[0], count: 1 }]; // forget four signatures
    writeFileSync(checkpoint(), JSON.stringify(edited));
    s = await s.restart();
    assert.deepEqual(await usage(s), { used: 5, spent: '6900' });
    const line = restoreLine(s);
    assert.equal(line.source, 'log');
    assert.match(String(line.problem), /hmac/);
  });

  test('the fees a key pays count in its spend after a restart, from the checkpoint and from the log (reliability suite finding)', async () => {
    // the window cap counts a MsgSend's amount plus the fee the signer pays (5000 uatom here): a restart used to
    // restore only the amounts, so the key could sign again what its fees had used up
    const spent = async () =>
      (await s.request('GET', '/policy/cosmos-hub-0', { token: s.signerToken })).json.runtime.spend.find((x: { asset: string }) => x.asset === 'denom:uatom')
        ?.spent;
    for (const uatom of [1000, 2000]) {
      const res = await s.request('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, uatom) });
      assert.equal(res.status, 200, res.text);
    }
    assert.equal(await spent(), '13000');
    s = await s.restart();
    assert.equal(restoreLine(s).source, 'checkpoint');
    assert.equal(await spent(), '13000');
    await s.close({ keepDir: true });
    rmSync(checkpoint());
    s = await s.restart();
    assert.equal(restoreLine(s).source, 'log');
    assert.equal(await spent(), '13000');
  });
});
