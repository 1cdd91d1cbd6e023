import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keypair } from '@solana/web3.js';
import { OpenKmsError, createOpenKmsClient, type RetryEvent } from '../src/index.js';
import { startDemoSigner, waitFor, type DemoSigner } from './support/demo-signer.js';
import { transferMessageB64 } from './support/solana-transfer.js';

// The client against a real demo signer: the helpers, the error class and the opt-in retry.

const SOL = 'solana-hot-0';
const SOL_1 = 1_000_000_000n;
const addr = (n: number) => Keypair.fromSeed(new Uint8Array(32).fill(n)).publicKey.toBase58();

/** A fetch that counts what it sends and keeps each answer's x-request-id. */
function countingFetch() {
  const sent: { path: string; requestId: string | null; status: number }[] = [];
  const fetch = async (request: Request) => {
    const res = await globalThis.fetch(request);
    sent.push({ path: new URL(request.url).pathname, requestId: res.headers.get('x-request-id'), status: res.status });
    return res;
  };
  return { fetch, sent };
}

describe('@openkms/client against the demo signer', () => {
  let s: DemoSigner;
  let payer: string;
  let amount = 1000n;
  /** A fresh transfer each time (the replay cache answers identical bytes without consuming). */
  const transfer = (lamports: bigint = (amount += 1n)) => ({ label: SOL, message_b64: transferMessageB64(payer, addr(7), lamports) });

  before(async () => {
    s = await startDemoSigner({ tokens: { reader: ['read'], alice: ['approve'] } });
    payer = (await s.client().key(SOL)).address!;
  });
  after(async () => {
    await s.close();
  });

  test('keys(), key(), policies(), policy(label), health()', async () => {
    const c = s.client();
    const keys = await c.keys();
    assert.deepEqual(keys.map((k) => k.label).sort(), ['cosmos-hub-0', 'evm-hot-0', SOL]);
    assert.equal((await c.key('evm-hot-0')).chain, 'evm');
    await assert.rejects(c.key('nope'), (e: unknown) => e instanceof OpenKmsError && e.code === 'unknown_label' && e.status === undefined);
    const view = await c.policy(SOL);
    assert.equal(view.label, SOL);
    assert.equal(view.chain, 'solana');
    assert.equal(view.address, payer);
    assert.equal(view.effective_enabled, true);
    assert.equal((await c.policies()).length, 3);
    assert.deepEqual(await c.health(), { status: 'ok', hsm_up: true, audit_up: true, simulated: true });
    await assert.rejects(c.policy('nope'), { code: 'unknown_label', status: 404 });
  });

  test('explain() and canSign(): the decision a sign request would get, consuming nothing', async () => {
    const c = s.client();
    const over = transfer(6n * SOL_1);
    const explained = await c.explain(over);
    assert.equal(explained.allowed, false);
    assert.equal(explained.code, 'per_tx_cap_exceeded');
    assert.equal(explained.details?.rule, 'per_tx_caps');
    assert.ok(explained.rules.some((r) => r.rule === 'per_tx_caps' && !r.ok));
    assert.equal(await c.canSign(over), false);
    assert.equal(await c.canSign(transfer()), true);
  });

  test('signSolana(): the signature and the fee payer', async () => {
    const res = await s.client().signSolana(transfer());
    assert.equal(res.signer_address, payer);
    assert.equal(res.fee_payer, payer);
    assert.equal(Buffer.from(res.signature_b64, 'base64').length, 64);
  });

  test('a denial is an OpenKmsError with code, status, details and the request id the signer answered with', async () => {
    const f = countingFetch();
    const c = s.client({ fetch: f.fetch });
    const err = await c.signSolana(transfer(6n * SOL_1)).then(
      () => assert.fail('signed over the cap'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OpenKmsError);
    assert.equal(err.code, 'per_tx_cap_exceeded');
    assert.equal(err.status, 403);
    assert.equal(err.details.rule, 'per_tx_caps');
    assert.equal(err.details.asset, 'native');
    assert.equal(err.details.attempted, String(6n * SOL_1));
    assert.ok(err.requestId);
    assert.equal(err.requestId, f.sent[0]?.requestId);
    assert.equal(err.retryAfter, undefined);
    assert.match(err.message, /cap/);
  });

  test('a token without the sign scope: 403 forbidden_scope; no token: 401 unauthorized; an unreachable signer: network_error', async () => {
    const reader = s.client({ token: s.tokens.reader! });
    assert.equal((await reader.keys()).length, 3, 'read scope lists keys');
    await assert.rejects(reader.signSolana(transfer()), { name: 'OpenKmsError', code: 'forbidden_scope', status: 403 });
    await assert.rejects(createOpenKmsClient({ baseUrl: s.url }).keys(), { code: 'unauthorized', status: 401 });
    await assert.rejects(createOpenKmsClient({ baseUrl: 'http://127.0.0.1:1', token: 'x' }).keys(), { code: 'network_error', status: undefined });
  });

  test('retry on: a 403 denial is sent once, never repeated', async () => {
    const f = countingFetch();
    const events: RetryEvent[] = [];
    const c = s.client({ fetch: f.fetch, retry: { attempts: 5, onRetry: (e) => void events.push(e) } });
    await assert.rejects(c.signSolana(transfer(6n * SOL_1)), { code: 'per_tx_cap_exceeded', status: 403 });
    assert.equal(f.sent.length, 1);
    assert.deepEqual(events, []);
  });

  test('retry on: a 503 (key backend unplugged) is repeated after its Retry-After and signs once the device is back', async () => {
    const f = countingFetch();
    const events: RetryEvent[] = [];
    const c = s.client({
      fetch: f.fetch,
      retry: {
        attempts: 8,
        onRetry: (e) => {
          events.push(e);
          s.demo.sim.faults.reappear();
        },
      },
    });
    s.demo.sim.faults.disappear();
    try {
      await waitFor(async () => (await s.client().health()).status === 'degraded', 'the backend reported down');
      const res = await c.signSolana(transfer());
      assert.equal(res.signer_address, payer);
    } finally {
      s.demo.sim.faults.reappear();
    }
    assert.ok(events.length >= 1);
    assert.equal(events[0]!.status, 503);
    assert.equal(events[0]!.code, 'backend_unavailable');
    const first = f.sent[0]!;
    assert.equal(first.status, 503);
    assert.ok(events[0]!.delayMs >= 1000, 'waited Retry-After seconds');
    assert.equal(f.sent.at(-1)!.status, 200);
  });

  test('retry off (the default): a 503 is thrown at once with retryAfter', async () => {
    s.demo.sim.faults.disappear();
    try {
      const err = await s
        .client()
        .signSolana(transfer())
        .catch((e: unknown) => e);
      assert.ok(err instanceof OpenKmsError);
      assert.equal(err.status, 503);
      assert.equal(err.code, 'backend_unavailable');
      assert.ok(err.retryAfter !== undefined && err.retryAfter >= 1);
    } finally {
      s.demo.sim.faults.reappear();
    }
    await waitFor(async () => (await s.client().health()).hsm_up === true, 'the backend is back');
  });

  test('retry on: a 429 whose Retry-After exceeds maxDelayMs is thrown at once with retryAfter (rate limit of 1 a minute)', async () => {
    const admin = createOpenKmsClient({ baseUrl: s.url, token: s.adminToken });
    const patched = await admin.api.PATCH('/admin/keys/{label}/policy', { params: { path: { label: SOL } }, body: { max_signs_per_minute: 1 } });
    assert.equal(patched.response.status, 200, JSON.stringify(patched.error));
    try {
      const f = countingFetch();
      const c = s.client({ fetch: f.fetch, retry: { attempts: 3, maxDelayMs: 2000 } });
      await c.signSolana(transfer()).catch(() => undefined); // uses the minute's slot (if the earlier tests left it free)
      f.sent.length = 0;
      const err = await c.signSolana(transfer()).catch((e: unknown) => e);
      assert.ok(err instanceof OpenKmsError);
      assert.equal(err.status, 429);
      assert.equal(err.code, 'rate_limited');
      assert.ok(err.retryAfter! > 2, `Retry-After ${err.retryAfter} s`);
      assert.equal(err.details.retry_after_secs, err.retryAfter);
      assert.equal(f.sent.length, 1, 'not waited out');
    } finally {
      await admin.api.DELETE('/admin/keys/{label}/policy', { params: { path: { label: SOL } } });
    }
  });
  test('a request held for an operator approval: approval_pending at once by default, or awaited with approvalWaitMs', async () => {
    const admin = createOpenKmsClient({ baseUrl: s.url, token: s.adminToken });
    const alice = createOpenKmsClient({ baseUrl: s.url, token: s.tokens.alice! });
    const patched = await admin.api.PATCH('/admin/keys/{label}/policy', {
      params: { path: { label: SOL } },
      body: { approval: { above: { native: String(SOL_1 / 2n) }, approvers: ['alice'], quorum: 1, ttl_secs: 600 } } as never,
    });
    assert.equal(patched.response.status, 200, JSON.stringify(patched.error));
    try {
      const c = s.client();
      // default: no waiting, the error carries the approval id
      const err = await c.signSolana(transfer(SOL_1)).catch((e: unknown) => e);
      assert.ok(err instanceof OpenKmsError, String(err));
      assert.equal(err.code, 'approval_pending');
      assert.equal(err.status, 202);
      const id = err.details.approval_id as string;
      assert.match(id, /^apv_[0-9a-f]{24}$/);
      await assert.rejects(c.awaitApproval(id), { code: 'approval_pending' });
      const ok = await alice.api.POST('/admin/approvals/{id}/approve', { params: { path: { id } } });
      assert.equal(ok.response.status, 200, JSON.stringify(ok.error));
      const signed = await c.awaitApproval<{ signature_b58: string }>(id, { approvalWaitMs: 10_000 });
      assert.match(signed.signature_b58, /^[1-9A-HJ-NP-Za-km-z]{64,88}$/);

      // approvalWaitMs: the sign call itself long-polls until an operator decides
      const waiting = c.signSolana(transfer(SOL_1 + 1n), { approvalWaitMs: 60_000 }); // other bytes: a new request
      let pendingId: string | undefined;
      await waitFor(async () => {
        const list = await alice.api.GET('/admin/approvals');
        pendingId = (list.data as { approval_id: string; status: string }[] | undefined)?.find((a) => a.status === 'pending')?.approval_id;
        return pendingId !== undefined;
      }, 'the held request is listed');
      assert.equal((await alice.api.POST('/admin/approvals/{id}/approve', { params: { path: { id: pendingId! } } })).response.status, 200);
      assert.match((await waiting).signature_b58, /^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
    } finally {
      await admin.api.DELETE('/admin/keys/{label}/policy', { params: { path: { label: SOL } } });
    }
  });
});
