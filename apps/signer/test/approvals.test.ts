import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { address, lamports } from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { LiteSVM } from 'litesvm';
import { Keypair } from '@solana/web3.js';
import { base58 } from '@scure/base';
import { TokenStore } from '../src/auth/token-store.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { SOL, auditRecords, keyAddress, signSolana, withPolicy } from './support/policy-fixtures.js';
import { compileMessage, noopSigner } from './support/solana-kit-messages.js';
import { execute, wireTransaction } from './support/solana-vm-fixtures.js';
import { cli } from './support/cli-process.js';

const SYSTEM = '11111111111111111111111111111111';
const SOL_1 = 1_000_000_000n;
const addr = (n: number) => Keypair.fromSeed(new Uint8Array(32).fill(n)).publicKey.toBase58();
const RECIPIENT = addr(1);

/** A SOL transfer of `amount` lamports from the key, on the VM's current blockhash (distinct recipients make distinct bytes). */
function transferBody(svm: LiteSVM, payer: string, amount: bigint, to = RECIPIENT) {
  const message = compileMessage({
    version: 'legacy',
    feePayer: payer,
    blockhash: svm.latestBlockhash(),
    instructions: [getTransferSolInstruction({ source: noopSigner(payer), destination: address(to), amount })],
  });
  return { body: { label: SOL, message_b64: Buffer.from(message).toString('base64') }, message };
}

const policy = (approval: string) =>
  withPolicy(
    SOL,
    `
allowed_programs = [{ id = "${SYSTEM}" }]
per_tx_caps = { native = "${5n * SOL_1}" }
window_caps = { native = "${6n * SOL_1}" }
approval = { ${approval} }
`,
  );

describe('operator approvals: a transfer above the approval threshold waits for an operator', () => {
  let svm: LiteSVM;
  let s: TestSigner;
  let payer: string;
  const tok: Record<string, string> = {};

  before(async () => {
    svm = new LiteSVM();
    s = await startTestSigner({
      config: policy(`above = { native = "${2n * SOL_1}" }, approvers = ["alice", "bob", "carol"], quorum = 1, ttl_secs = 600`),
    });
    const store = TokenStore.load(join(s.dir, 'tokens.json'));
    tok.alice = store.create('alice', ['approve:solana-hot-0']);
    tok.bob = store.create('bob', ['admin']);
    tok.mallory = store.create('mallory', ['approve']);
    tok.carol = store.create('carol', ['read']);
    payer = await keyAddress(s, SOL);
    svm.airdrop(address(payer), lamports(10n * SOL_1));
  });
  after(async () => {
    await s.close();
  });

  const remaining = async () => {
    const view = await s.request('GET', `/policy/${SOL}`, { token: s.signerToken });
    return BigInt(view.json.runtime.spend.find((x: { asset: string }) => x.asset === 'native')?.remaining ?? '0');
  };

  test('202 with the reserved budget seen by a parallel request; approval by a second token signs and the transaction executes', async () => {
    const { body, message } = transferBody(svm, payer, 3n * SOL_1);
    const held = await signSolana(s, body);
    assert.equal(held.status, 202, held.text);
    assert.equal(held.json.status, 'pending');
    assert.match(held.json.approval_id, /^apv_[0-9a-f]{24}$/);
    assert.ok(Date.parse(held.json.expires_at) > Date.now());
    assert.equal(held.json.reasons[0].condition, 'above');
    // the budget is reserved: 6 SOL window, 3 held → a parallel 4 SOL (below per-tx cap) is refused by the window
    assert.equal(await remaining(), 3n * SOL_1);
    const parallel = await signSolana(s, transferBody(svm, payer, 4n * SOL_1, addr(2)).body);
    assert.equal(parallel.status, 429, parallel.text);
    assert.equal(parallel.json.code, 'window_cap_exceeded');
    // the same bytes again: the same approval, no second reservation
    const again = await signSolana(s, body);
    assert.equal(again.status, 202);
    assert.equal(again.json.approval_id, held.json.approval_id);
    assert.equal(await remaining(), 3n * SOL_1);

    const id = held.json.approval_id as string;
    const poll = await s.request('GET', `/approvals/${id}`, { token: s.signerToken });
    assert.equal(poll.status, 202);
    // another token cannot see it
    assert.equal((await s.request('GET', `/approvals/${id}`, { token: tok.alice })).status, 404);
    // the operators' list shows the decoded intent
    const list = await s.request('GET', '/admin/approvals', { token: tok.alice });
    assert.equal(list.status, 200, list.text);
    const shown = list.json.find((a: { approval_id: string }) => a.approval_id === id);
    assert.equal(shown.intent.transfers[0].amount, String(3n * SOL_1));
    assert.equal(shown.body, undefined, 'the raw request is not shown');

    // long poll, answered by the approval
    const waiting = s.request('GET', `/approvals/${id}?wait=30`, { token: s.signerToken });
    await new Promise((r) => setTimeout(r, 200));
    const approved = await s.request('POST', `/admin/approvals/${id}/approve`, { token: tok.alice });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.json.status, 'approved');
    const got = await waiting;
    assert.equal(got.status, 200, got.text);
    assert.equal(typeof got.json.signature_b64, 'string');
    // exactly the sign response: the signature verifies over the message and the transaction executes
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(base58.decode(payer))]);
    assert.ok(verify(null, Buffer.from(message), createPublicKey({ key: spki, format: 'der', type: 'spki' }), Buffer.from(got.json.signature_b64, 'base64')));
    execute(svm, wireTransaction(message, got.json.signature_b64));
    assert.equal(svm.getBalance(address(RECIPIENT)), 3n * SOL_1);
    // the budget stays spent (committed), and the approval is final
    assert.equal(await remaining(), 3n * SOL_1);
    const twice = await s.request('POST', `/admin/approvals/${id}/approve`, { token: tok.bob });
    assert.equal(twice.status, 409);
    assert.equal(twice.json.code, 'approval_not_pending');
  });

  test('self-approval, a token outside approvers and a token without approve scope are refused; deny releases the budget', async () => {
    const before = await remaining();
    const held = await signSolana(s, transferBody(svm, payer, 2n * SOL_1 + 1n, addr(3)).body);
    assert.equal(held.status, 202, held.text);
    const id = held.json.approval_id as string;
    assert.equal(await remaining(), before - 2n * SOL_1 - 1n);
    const self = await s.request('POST', `/admin/approvals/${id}/approve`, { token: s.signerToken });
    assert.equal(self.status, 403);
    const selfAdmin = await s.request('POST', `/admin/approvals/${id}/approve`, { token: s.adminToken });
    assert.equal(selfAdmin.status, 403, 'admin token not in approvers');
    assert.equal(selfAdmin.json.code, 'approver_not_allowed');
    const outsider = await s.request('POST', `/admin/approvals/${id}/approve`, { token: tok.mallory });
    assert.equal(outsider.status, 403);
    assert.equal(outsider.json.code, 'approver_not_allowed');
    const noScope = await s.request('POST', `/admin/approvals/${id}/approve`, { token: tok.carol });
    assert.equal(noScope.status, 403);
    assert.equal(noScope.json.code, 'forbidden_scope');
    const denied = await s.request('POST', `/admin/approvals/${id}/deny`, { token: tok.bob, body: { reason: 'too big today' } });
    assert.equal(denied.status, 200, denied.text);
    assert.equal(denied.json.status, 'denied');
    assert.equal(await remaining(), before, 'the reservation is released');
    const poll = await s.request('GET', `/approvals/${id}`, { token: s.signerToken });
    assert.equal(poll.status, 403);
    assert.equal(poll.json.code, 'approval_denied');
  });

  test('a kill switch thrown while the request waits wins at approval time', async () => {
    const before = await remaining();
    const held = await signSolana(s, transferBody(svm, payer, 2n * SOL_1 + 2n, addr(4)).body);
    assert.equal(held.status, 202, held.text);
    const id = held.json.approval_id as string;
    assert.equal((await s.request('POST', `/admin/keys/${SOL}/disable`, { token: s.adminToken })).status, 200);
    try {
      const approved = await s.request('POST', `/admin/approvals/${id}/approve`, { token: tok.alice });
      assert.equal(approved.status, 200, approved.text);
      assert.equal(approved.json.status, 'failed');
      assert.equal(approved.json.code, 'key_disabled');
      const poll = await s.request('GET', `/approvals/${id}`, { token: s.signerToken });
      assert.equal(poll.status, 403);
      assert.equal(poll.json.code, 'key_disabled');
    } finally {
      await s.request('POST', `/admin/keys/${SOL}/enable`, { token: s.adminToken });
    }
    assert.equal(await remaining(), before, 'the reservation is released');
  });

  test('openkms approvals list|show|approve|deny: the decoded intent in plain words, decisions by the token given', async () => {
    const aliceFile = join(s.dir, 'alice.token');
    const bobFile = join(s.dir, 'bob.token');
    writeFileSync(aliceFile, tok.alice!, { mode: 0o600 });
    writeFileSync(bobFile, tok.bob!, { mode: 0o600 });
    const held = await signSolana(s, transferBody(svm, payer, 2_500_000_000n, addr(6)).body);
    assert.equal(held.status, 202, held.text);
    const id = held.json.approval_id as string;
    const list = await cli(['approvals', 'list', '--url', s.url, '--token-file', aliceFile]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${id}\\s+pending`));
    const show = await cli(['approvals', 'show', id, '--url', s.url, '--token-file', aliceFile]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`send 2\\.5 SOL from ${payer} to ${addr(6)}`));
    assert.match(show.stdout, /above the approval threshold/);
    const denied = await cli(['approvals', 'deny', id, '--reason', 'not today', '--url', s.url, '--token-file', bobFile]);
    assert.equal(denied.code, 0, denied.stderr);
    assert.match(denied.stdout, /denied \(approval_denied: denied by bob: not today\)/);
    const again = await cli(['approvals', 'approve', id, '--url', s.url, '--token-file', aliceFile]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /approval_not_pending/);
  });

  test('every step is audited (requested, approved by whom, denied, signed with its approval id)', async () => {
    const records = await auditRecords(s);
    const actions = records.map((r) => (r.decision === 'admin' ? r.action : r.decision));
    for (const step of ['pending', 'approval_approve', 'approval_deny', 'allow']) assert.ok(actions.includes(step), `${step} audited`);
    const signed = records.find((r) => r.decision === 'allow' && (r.details as { approval_id?: string } | undefined)?.approval_id !== undefined);
    assert.ok(signed, 'the signature made at approval time names its approval');
    const approve = records.find((r) => r.action === 'approval_approve');
    assert.equal(approve?.token_name, 'alice');
    assert.ok(!JSON.stringify(records).includes(tok.alice!), 'no token in the audit log');
  });
});

describe('operator approvals: quorum, expiry and restart', () => {
  test('a quorum of 2 needs two distinct approvers; a pending approval survives a restart; expiry releases the budget', async () => {
    const svm = new LiteSVM();
    let s = await startTestSigner({ config: policy(`above = { native = "${SOL_1}" }, approvers = ["alice", "bob"], quorum = 2, ttl_secs = 3`) });
    try {
      const store = TokenStore.load(join(s.dir, 'tokens.json'));
      const alice = store.create('alice', ['approve']);
      const bob = store.create('bob', ['approve']);
      const payer = await keyAddress(s, SOL);
      const remaining = async () => {
        const view = await s.request('GET', `/policy/${SOL}`, { token: s.signerToken });
        return BigInt(view.json.runtime.spend.find((x: { asset: string }) => x.asset === 'native')?.remaining ?? String(6n * SOL_1));
      };
      const held = await signSolana(s, transferBody(svm, payer, 2n * SOL_1).body);
      assert.equal(held.status, 202, held.text);
      const id = held.json.approval_id as string;
      const first = await s.request('POST', `/admin/approvals/${id}/approve`, { token: alice });
      assert.equal(first.json.status, 'pending', 'one approval of two');
      const dup = await s.request('POST', `/admin/approvals/${id}/approve`, { token: alice });
      assert.equal(dup.status, 403);
      assert.equal(dup.json.code, 'approver_not_allowed');

      // restart: the approval (with alice's approval) and its reservation come back
      s = await s.restart();
      assert.equal(await remaining(), 4n * SOL_1);
      const after = await s.request('GET', `/admin/approvals/${id}`, { token: bob });
      assert.equal(after.status, 200, after.text);
      assert.deepEqual(
        after.json.approvals.map((a: { name: string }) => a.name),
        ['alice'],
      );
      const second = await s.request('POST', `/admin/approvals/${id}/approve`, { token: bob });
      assert.equal(second.json.status, 'approved', second.text);
      const poll = await s.request('GET', `/approvals/${id}`, { token: s.signerToken });
      assert.equal(poll.status, 200);
      assert.equal(typeof poll.json.signature_b64, 'string');
      assert.equal(await remaining(), 4n * SOL_1, 'the approved transfer stays counted');

      // expiry (ttl 3 s) releases the budget; a long poll returns the final code
      const late = await signSolana(s, transferBody(svm, payer, SOL_1 + 5n, addr(5)).body);
      assert.equal(late.status, 202, late.text);
      assert.equal(await remaining(), 3n * SOL_1 - 5n);
      const expired = await s.request('GET', `/approvals/${late.json.approval_id}?wait=20`, { token: s.signerToken });
      assert.equal(expired.status, 410, expired.text);
      assert.equal(expired.json.code, 'approval_expired');
      assert.equal(await remaining(), 4n * SOL_1);
      const records = await auditRecords(s);
      assert.ok(records.some((r) => r.action === 'approval_expired'));
      await s.demo.close();
      const verified = await cli(['audit', 'verify', '--config', join(s.dir, 'config.toml')]);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    } finally {
      await s.close().catch(() => undefined);
    }
  });
});

test('an unreadable approvals file stops startup (fail closed: reserved budgets are never forgotten silently)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-approvals-bad-'));
  try {
    writeFileSync(join(dir, 'state.json.approvals.json'), '{"version": 1, "approvals": [{"id": 5}]}', { mode: 0o600 });
    await assert.rejects(
      startTestSigner({ dir }),
      (err: { code?: string; message?: string }) => err.code === 'config_invalid' && /approvals\[0\]/.test(String(err.message)),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
