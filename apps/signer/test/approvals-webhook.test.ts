import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TokenStore } from '../src/auth/token-store.js';
import { startTestSigner } from './support/test-signer.js';
import { ATOM, SOL, appendToml, keyAddress, signSolana, solanaBody, withPolicy } from './support/policy-fixtures.js';
import { waitFor } from './support/wait-for.js';

const SYSTEM = '11111111111111111111111111111111';

test('the approval webhook: HMAC-signed JSON, retried after a failure, never the token or the raw transaction', async () => {
  const received: { body: string; signature: string; event: string }[] = [];
  let failuresLeft = 1;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(500).end();
        return;
      }
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: String(req.headers['x-openkms-signature']),
        event: String(req.headers['x-openkms-event']),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const secret = 'webhook-secret-for-tests-0123456789';
  const dir = mkdtempSync(join(tmpdir(), 'openkms-webhook-'));
  writeFileSync(join(dir, 'webhook.secret'), secret, { mode: 0o600 });
  const s = await startTestSigner({
    dir,
    config: (toml) => {
      return appendToml(`[approvals]\nwebhook_url = "http://127.0.0.1:${(server.address() as AddressInfo).port}/hook"\nwebhook_secret_file = "webhook.secret"`)(
        withPolicy(SOL, `allowed_programs = [{ id = "${SYSTEM}" }]\nper_tx_caps = { native = "5000000000" }\napproval = { above = { native = "1000" } }`)(toml),
      );
    },
  }).catch(async (err) => {
    server.close();
    throw err;
  });
  try {
    const payer = await keyAddress(s, SOL);
    const body = solanaBody(payer, 5000);
    const held = await signSolana(s, body);
    assert.equal(held.status, 202, held.text);
    const approver = TokenStore.load(join(s.dir, 'tokens.json')).create('approver', ['approve']);
    assert.equal((await s.request('POST', `/admin/approvals/${held.json.approval_id}/approve`, { token: approver })).status, 200);
    await waitFor(
      () => received.some((r) => r.event === 'signed') && received.some((r) => r.event === 'requested'),
      'requested and signed notifications',
      15_000,
    );
    for (const r of received) {
      const expected = `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;
      assert.ok(timingSafeEqual(Buffer.from(r.signature), Buffer.from(expected)), 'the HMAC over the body verifies');
      const json = JSON.parse(r.body);
      assert.equal(json.approval.approval_id, held.json.approval_id);
      assert.equal(json.event, r.event);
      assert.ok(!r.body.includes(body.message_b64), 'never the raw transaction');
      assert.ok(!r.body.includes(s.signerToken) && !r.body.includes(approver), 'never a token');
    }
    assert.equal(failuresLeft, 0, 'the first delivery failed and was retried');
    const requested = JSON.parse(received.find((r) => r.event === 'requested')!.body);
    assert.equal(requested.approval.intent.transfers[0].amount, '5000');
  } finally {
    await s.close();
    server.close();
  }
});

test("a key's own webhook (approval.webhook_url) gets its approvals, HMAC-signed with its secret, the request only when asked; another key's does not", async () => {
  const received: Record<'sol' | 'atom', { body: string; signature: string; event: string }[]> = { sol: [], atom: [] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const which = req.url === '/sol' ? 'sol' : 'atom';
      received[which].push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: String(req.headers['x-openkms-signature']),
        event: String(req.headers['x-openkms-event']),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'openkms-key-webhook-'));
  writeFileSync(join(dir, 'sol.secret'), 'solana-key-webhook-secret', { mode: 0o600 });
  writeFileSync(join(dir, 'atom.secret'), 'cosmos-key-webhook-secret', { mode: 0o600 });
  const s = await startTestSigner({
    dir,
    config: (toml) =>
      withPolicy(
        ATOM,
        `per_tx_caps = { "denom:uatom" = "10000000" }\nfee_caps = { "denom:uatom" = "50000" }\nallowed_messages = [{ type_url = "/cosmos.bank.v1beta1.MsgSend" }]\napproval = { above = { "denom:uatom" = "1" }, webhook_url = "${base}/atom", webhook_secret_file = "atom.secret" }`,
      )(
        withPolicy(
          SOL,
          `allowed_programs = [{ id = "${SYSTEM}" }]\nper_tx_caps = { native = "5000000000" }\napproval = { above = { native = "1000" }, webhook_url = "${base}/sol", webhook_secret_file = "sol.secret", webhook_include_request = true }`,
        )(toml),
      ),
  }).catch(async (err) => {
    server.close();
    throw err;
  });
  try {
    const body = solanaBody(await keyAddress(s, SOL), 5000);
    const held = await signSolana(s, body);
    assert.equal(held.status, 202, held.text);
    await waitFor(() => received.sol.some((r) => r.event === 'requested'), 'the solana key webhook got the request', 15_000);
    const [r] = received.sol;
    const expected = `sha256=${createHmac('sha256', 'solana-key-webhook-secret').update(r!.body).digest('hex')}`;
    assert.ok(timingSafeEqual(Buffer.from(r!.signature), Buffer.from(expected)), "the HMAC with the key's secret verifies");
    const json = JSON.parse(r!.body);
    assert.equal(json.approval.approval_id, held.json.approval_id);
    assert.equal(json.approval.label, SOL);
    assert.equal(json.request.message_b64, body.message_b64, 'the raw request, as this key asked');
    assert.ok(!r!.body.includes(s.signerToken), 'never a token');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(received.atom.length, 0, "the other key's webhook hears nothing of it");
  } finally {
    await s.close();
    server.close();
  }
});
