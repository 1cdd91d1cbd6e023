import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createPublicClient, http, type Address, type Hex, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { readAuditRecords, type AuditRecord } from '@openkms/audit';
import { anvilBinary, redisMissing, startAnvil, startTestRedis, type Anvil, type TestRedis } from '@openkms/tooling/test-helpers';
import { withEvmUpstream } from '../src/demo/demo-config.js';
import type { TestSigner } from './support/test-signer.js';
import { postOnce, startTestFleet, type TestFleet } from './support/test-fleet.js';
import { SOL, hsmEddsaSigns, keyAddress, policyView, solanaBody } from './support/policy-fixtures.js';

// Fleet mode (issue 19): three signer instances sharing one Redis share the replay cache and in-flight joins (the same
// bytes sent to several instances at once get one HSM signature and one budget) and the EVM account nonces
// (eth_sendTransaction spread over the instances gets consecutive nonces on a real anvil node).

const EVM = 'evm-hot-0';
const FRIEND = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const anvilBin = anvilBinary();
const skip = redisMissing() ?? ('missing' in anvilBin ? anvilBin.missing : undefined);
const sha256 = (b64: string) => createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');

/** An instance's audit records (fleet mode: `<dir>/audit/<instance id>`). */
async function auditOf(s: TestSigner, id: string): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const r of readAuditRecords(join(s.dir, 'audit', id))) out.push(r);
  return out;
}

describe('fleet mode: one signature for the same bytes across instances; consecutive EVM nonces', { skip }, () => {
  let redis: TestRedis;
  let anvil: Anvil;
  let node: PublicClient;
  let testFleet: TestFleet | undefined;
  let fleet: TestSigner[] = [];
  const ids = ['A', 'B', 'C'];

  before(async () => {
    [redis, anvil] = await Promise.all([startTestRedis(), startAnvil((anvilBin as { path: string }).path, 31337)]);
    node = createPublicClient({ chain: foundry, transport: http(anvil.url) });
    testFleet = await startTestFleet({
      redisUrl: redis.url,
      ids,
      config: (toml) =>
        withEvmUpstream(toml, anvil.url)
          // 50 sends on one simulated device each instance, on a loaded machine: a generous deadline and sign limit
          .replace('[server]\n', '[server]\nrequest_timeout_ms = 60000\n')
          .replace(/(\[keys\.evm-hot-0\.policy\][^[]*?)max_signs_per_minute = 60/, '$1max_signs_per_minute = 1000')
          .replace('upstream_timeout_ms = 3000', 'upstream_timeout_ms = 20000'),
    });
    fleet = testFleet.instances;
  });
  after(async () => {
    await testFleet?.close();
    await Promise.all([redis?.close(), anvil?.stop()]);
  });

  test('the same bytes sent to A and B at once: one HSM signature, one budget, the others replay it; later on C too', async () => {
    const from = await keyAddress(fleet[0]!, SOL);
    const body = solanaBody(from, 7n);
    const hsmBefore = await Promise.all(fleet.map(hsmEddsaSigns));
    const usedBefore = (await policyView(fleet[0]!, SOL)).runtime.sign_counts.per_minute.used;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => postOnce(fleet[i % 2]!, '/sign/solana', body)));
    for (const r of results) assert.equal(r.status, 200, r.text);
    for (const r of results) assert.deepEqual(r.json, results[0]!.json, 'every answer is the one signature');
    const hsmAfter = await Promise.all(fleet.map(hsmEddsaSigns));
    assert.equal(
      hsmAfter.reduce((a, b) => a + b, 0) - hsmBefore.reduce((a, b) => a + b, 0),
      1,
      `one HSM signature over the fleet (${hsmBefore} → ${hsmAfter})`,
    );
    for (const s of fleet) assert.equal((await policyView(s, SOL)).runtime.sign_counts.per_minute.used, usedBefore + 1, 'one budget');
    const decisions = async () =>
      (await Promise.all(fleet.map((s, i) => auditOf(s, ids[i]!))))
        .map((recs, i) => recs.filter((r) => r.signed_sha256 === sha256(body.message_b64)).map((r) => `${ids[i]}:${r.decision}`))
        .flat();
    const joined = await decisions();
    assert.equal(joined.filter((d) => d.endsWith(':allow')).length, 1, joined.join(' '));
    assert.equal(joined.filter((d) => d.endsWith(':replay')).length, 7, joined.join(' '));
    assert.ok(joined.every((d) => d.startsWith('A:') || d.startsWith('B:')));

    // later, on the instance that never saw these bytes: the cached signature, no HSM command, no budget
    const later = await postOnce(fleet[2]!, '/sign/solana', body);
    assert.equal(later.status, 200, later.text);
    assert.deepEqual(later.json, results[0]!.json);
    assert.equal(await hsmEddsaSigns(fleet[2]!), hsmAfter[2]);
    assert.equal((await policyView(fleet[2]!, SOL)).runtime.sign_counts.per_minute.used, usedBefore + 1);
    assert.deepEqual(
      (await decisions()).filter((d) => d.startsWith('C:')),
      ['C:replay'],
    );
  });

  test('50 concurrent eth_sendTransaction spread over the three instances: consecutive nonces, all mined', async () => {
    const accounts = await postOnce(fleet[0]!, '/rpc/evm/local', { jsonrpc: '2.0', id: 1, method: 'eth_accounts', params: [] });
    const address = accounts.json.result[0] as Address;
    await node.request({ method: 'anvil_setBalance' as never, params: [address, '0x56bc75e2d63100000'] as never });
    const start = BigInt(await node.getTransactionCount({ address, blockTag: 'pending' }));
    const started = performance.now();
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postOnce(fleet[i % 3]!, '/rpc/evm/local', {
          jsonrpc: '2.0',
          id: i,
          method: 'eth_sendTransaction',
          params: [{ from: address, to: FRIEND, value: `0x${(i + 1).toString(16)}` }],
        }),
      ),
    );
    for (const r of replies) assert.ok(r.status === 200 && typeof r.json.result === 'string', r.text);
    const hashes = replies.map((r) => r.json.result as Hex);
    const receipts = await Promise.all(hashes.map((hash) => node.waitForTransactionReceipt({ hash, timeout: 60_000 })));
    console.log(`# 50 concurrent eth_sendTransaction over three fleet instances, sent and mined: ${Math.round(performance.now() - started)} ms`);
    for (const r of receipts) assert.equal(r.status, 'success');
    const nonces = (await Promise.all(hashes.map((hash) => node.getTransaction({ hash })))).map((t) => BigInt(t.nonce)).sort((a, b) => (a < b ? -1 : 1));
    assert.deepEqual(
      nonces,
      Array.from({ length: 50 }, (_, i) => start + BigInt(i)),
    );
    assert.equal(BigInt(await node.getTransactionCount({ address })), start + 50n);
    // every instance handed out some of them
    const perInstance = await Promise.all(fleet.map((s, i) => auditOf(s, ids[i]!)));
    for (const recs of perInstance) assert.ok(recs.filter((r) => r.label === EVM && r.decision === 'allow').length >= 16);
  });
});
