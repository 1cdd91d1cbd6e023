import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenStore } from '../src/auth/token-store.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { ATOM, SOL, appendToml, auditRecords, cosmosBody, keyAddress, signSolana, solanaBody } from './support/policy-fixtures.js';
import { cli } from './support/cli-process.js';
import { keysOf } from './support/trust-helpers.js';

const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

/** An agent's ephemeral X25519 key pair; opens a sealed token exactly as SKILL.md describes it (independently of the signer's code). */
function agentKey(): { publicKey: Buffer; privateKey: KeyObject; open(pairingId: string, sealed: Record<string, string>): string } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length);
  return {
    publicKey: raw,
    privateKey,
    open(pairingId, sealed) {
      assert.equal(sealed.alg, 'X25519-HKDF-SHA256-AES-256-GCM');
      const ePub = Buffer.from(sealed.ephemeral_public_key_b64!, 'base64');
      const shared = diffieHellman({ privateKey, publicKey: createPublicKey({ key: Buffer.concat([SPKI_X25519, ePub]), format: 'der', type: 'spki' }) });
      const context = Buffer.from(`openkms-pairing-v1:${pairingId}`);
      const key = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ePub, raw]), context, 32));
      const data = Buffer.from(sealed.ciphertext_b64!, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.nonce_b64!, 'base64'));
      decipher.setAAD(context);
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}

const pairingConfig = (extra = '') => appendToml(`[pairing]\nrequests_per_minute_per_ip = 100\n${extra}`);

describe('agent pairing: request, approve with the code, the token delivered once', () => {
  let s: TestSigner;
  before(async () => {
    s = await startTestSigner({ config: pairingConfig() });
  });
  after(async () => {
    await s.close();
  });

  const ask = (body: Record<string, unknown>) => s.request('POST', '/pairing', { body });

  test('the token arrives once, decrypts with the agent key, and works with the granted scopes only', async () => {
    const agent = agentKey();
    const asked = await ask({ name: 'agent-1', labels: [SOL], scopes: ['sign'], x25519_public_key: agent.publicKey.toString('base64') });
    assert.equal(asked.status, 200, asked.text);
    const { pairing_id: id, code } = asked.json;
    assert.match(id, /^pair_[0-9a-f]{32}$/);
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.equal(asked.json.status, 'pending');

    const pending = await s.request('GET', `/pairing/${id}`);
    assert.equal(pending.status, 202, pending.text);
    assert.equal(pending.json.status, 'pending');
    // the operator's list shows the request, never the code
    const list = await s.request('GET', '/admin/pairing', { token: s.adminToken });
    assert.equal(list.status, 200, list.text);
    const shown = list.json.find((p: { pairing_id: string }) => p.pairing_id === id);
    assert.deepEqual(shown.scopes, ['sign']);
    assert.deepEqual(shown.labels, [SOL]);
    assert.ok(!list.text.includes(code), 'the code is not shown to operators');
    // a sign token cannot list or approve
    assert.equal((await s.request('GET', '/admin/pairing', { token: s.signerToken })).json.code, 'forbidden_scope');
    assert.equal((await s.request('POST', `/admin/pairing/${id}/approve`, { token: s.signerToken, body: { code } })).status, 403);

    // approval with the code (lower case and without the dash is the same code)
    const approved = await s.request('POST', `/admin/pairing/${id}/approve`, { token: s.adminToken, body: { code: code.toLowerCase().replace('-', '') } });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.json.status, 'approved');
    assert.deepEqual(approved.json.granted_scopes, [`sign:${SOL}`]);
    assert.equal(approved.json.sealed, undefined);

    const delivered = await s.request('GET', `/pairing/${id}`);
    assert.equal(delivered.status, 200, delivered.text);
    assert.equal(delivered.json.token_name, 'agent-1');
    assert.deepEqual(delivered.json.scopes, [`sign:${SOL}`]);
    const token = agent.open(id, delivered.json.sealed_token);
    assert.match(token, /^okms_/);
    // a second fetch gets nothing
    const again = await s.request('GET', `/pairing/${id}`);
    assert.equal(again.status, 410, again.text);
    assert.equal(again.json.code, 'pairing_delivered');
    assert.ok(!again.text.includes(delivered.json.sealed_token.ciphertext_b64));

    // the token: signs with its label, not with another, and is no admin
    const payer = await keyAddress(s, SOL);
    const signed = await signSolana(s, solanaBody(payer, 1000), token);
    assert.equal(signed.status, 200, signed.text);
    const cosmos = await s.request('POST', '/sign/cosmos', { token, body: cosmosBody(await keysOf(s), 10) });
    assert.equal(cosmos.status, 403, cosmos.text);
    assert.equal(cosmos.json.code, 'forbidden_scope');
    const admin = await s.request('GET', '/admin/pairing', { token });
    assert.equal(admin.status, 403);
    assert.equal(admin.json.code, 'forbidden_scope');

    // nothing but the ciphertext was ever kept, and it is gone now; the file is 0600
    const file = join(s.dir, 'state.json.pairing.json');
    const kept = readFileSync(file, 'utf8');
    assert.ok(!kept.includes(token) && !kept.includes(delivered.json.sealed_token.ciphertext_b64) && !kept.includes(code));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const records = await auditRecords(s);
    const steps = records.filter((r) => (r.details as { pairing_id?: string } | undefined)?.pairing_id === id).map((r) => r.action);
    assert.deepEqual(steps, ['pairing_request', 'pairing_approve', 'pairing_delivered']);
    assert.equal(records.find((r) => r.action === 'pairing_approve')?.token_name, 'demo-admin');
    assert.ok(!JSON.stringify(records).includes(token), 'no token in the audit log');
    assert.ok(!s.logs.join('\n').includes(token), 'no token in the logs');
  });

  test('a wrong code is refused and audited; the third denies the pairing', async () => {
    const agent = agentKey();
    const asked = await ask({ name: 'agent-2', scopes: ['sign', 'read'], x25519_public_key: agent.publicKey.toString('hex') });
    assert.equal(asked.status, 200, asked.text);
    const id = asked.json.pairing_id as string;
    const wrong = asked.json.code === 'AAAA-AAAA' ? 'BBBB-BBBB' : 'AAAA-AAAA';
    for (let i = 1; i <= 3; i++) {
      const res = await s.request('POST', `/admin/pairing/${id}/approve`, { token: s.adminToken, body: { code: wrong } });
      assert.equal(res.status, 403, res.text);
      assert.equal(res.json.code, 'pairing_code_mismatch');
      assert.equal(res.json.details.wrong_codes, i);
    }
    const late = await s.request('POST', `/admin/pairing/${id}/approve`, { token: s.adminToken, body: { code: asked.json.code } });
    assert.equal(late.status, 409, late.text);
    assert.equal(late.json.code, 'pairing_not_pending');
    const fetched = await s.request('GET', `/pairing/${id}`);
    assert.equal(fetched.status, 403);
    assert.equal(fetched.json.code, 'pairing_denied');
    const records = (await auditRecords(s)).filter((r) => (r.details as { pairing_id?: string } | undefined)?.pairing_id === id);
    assert.equal(records.filter((r) => r.action === 'pairing_code_mismatch').length, 3);
    assert.ok(records.some((r) => r.action === 'pairing_deny'));
    assert.ok(
      !TokenStore.load(join(s.dir, 'tokens.json'))
        .list()
        .some((t) => t.name === 'agent-2'),
      'no token was made',
    );
  });

  test('approval may narrow labels and scopes, never widen them; a denied pairing delivers nothing', async () => {
    const agent = agentKey();
    const asked = await ask({ name: 'agent-3', labels: [SOL, ATOM], scopes: ['sign', 'read'], x25519_public_key: agent.publicKey.toString('base64url') });
    assert.equal(asked.status, 200, asked.text);
    const id = asked.json.pairing_id as string;
    const approve = (body: Record<string, unknown>) =>
      s.request('POST', `/admin/pairing/${id}/approve`, { token: s.adminToken, body: { code: asked.json.code, ...body } });
    const widerLabel = await approve({ labels: [SOL, 'evm-hot-0'] });
    assert.equal(widerLabel.status, 400, widerLabel.text);
    assert.equal(widerLabel.json.details.path, 'labels[1]');
    const adminScope = await approve({ scopes: ['sign', 'admin'] });
    assert.equal(adminScope.status, 400, adminScope.text);
    const narrowed = await approve({ labels: [ATOM], scopes: ['sign'] });
    assert.equal(narrowed.status, 200, narrowed.text);
    assert.deepEqual(narrowed.json.granted_scopes, [`sign:${ATOM}`]);
    const delivered = await s.request('GET', `/pairing/${id}`);
    const token = agent.open(id, delivered.json.sealed_token);
    assert.equal((await signSolana(s, solanaBody(await keyAddress(s, SOL), 1001), token)).json.code, 'forbidden_scope');
    const entry = TokenStore.load(join(s.dir, 'tokens.json'))
      .list()
      .find((t) => t.name === 'agent-3');
    assert.deepEqual(entry?.scopes, [`sign:${ATOM}`]);

    // an agent may ask for sign and read only, with a real X25519 key
    const bad = [
      { name: 'x', scopes: ['admin'], x25519_public_key: agent.publicKey.toString('hex') },
      { name: 'x', scopes: ['sign'], x25519_public_key: Buffer.alloc(31, 7).toString('hex') },
      { name: 'x', scopes: ['sign'], x25519_public_key: Buffer.alloc(32).toString('hex') },
      { name: 'x', labels: [SOL], scopes: ['read'], x25519_public_key: agent.publicKey.toString('hex') },
      { name: 'bad name', scopes: ['sign'], x25519_public_key: agent.publicKey.toString('hex') },
    ];
    for (const body of bad) {
      const res = await ask(body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.json.code, 'invalid_request');
    }

    const other = await ask({ name: 'agent-4', scopes: ['sign'], x25519_public_key: agentKey().publicKey.toString('base64') });
    const denied = await s.request('POST', `/admin/pairing/${other.json.pairing_id}/deny`, { token: s.adminToken, body: { reason: 'unknown agent' } });
    assert.equal(denied.status, 200, denied.text);
    assert.equal(denied.json.status, 'denied');
    const fetched = await s.request('GET', `/pairing/${other.json.pairing_id}`);
    assert.equal(fetched.json.code, 'pairing_denied');
    assert.equal((await s.request('GET', '/pairing/pair_00000000000000000000000000000000')).json.code, 'pairing_not_found');
  });

  test('openkms pairing list|show|approve|deny', async () => {
    const adminFile = join(s.dir, 'admin.token.cli');
    writeFileSync(adminFile, s.adminToken, { mode: 0o600 });
    const agent = agentKey();
    const asked = await ask({ name: 'agent-cli', labels: [SOL], scopes: ['sign'], x25519_public_key: agent.publicKey.toString('base64') });
    const id = asked.json.pairing_id as string;
    const list = await cli(['pairing', 'list', '--url', s.url, '--token-file', adminFile]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${id}\\s+pending\\s+agent-cli\\s+sign on ${SOL}`));
    const show = await cli(['pairing', 'show', id, '--url', s.url, '--token-file', adminFile]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /token name agent-cli, asks for sign on solana-hot-0/);
    const wrong = await cli(['pairing', 'approve', id, '--code', 'ZZZZ-ZZZZ', '--url', s.url, '--token-file', adminFile]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /pairing_code_mismatch/);
    const ok = await cli(['pairing', 'approve', id, '--code', asked.json.code, '--url', s.url, '--token-file', adminFile]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /approved/);
    assert.match(ok.stdout, /granted: sign:solana-hot-0 \(not fetched yet\)/);
    const other = await ask({ name: 'agent-cli-2', scopes: ['read'], x25519_public_key: agentKey().publicKey.toString('base64') });
    const denied = await cli(['pairing', 'deny', other.json.pairing_id, '--reason', 'no', '--url', s.url, '--token-file', adminFile]);
    assert.equal(denied.code, 0, denied.stderr);
    assert.match(denied.stdout, /denied \(pairing_denied: denied by demo-admin: no\)/);
  });
});

describe('agent pairing: limits, restart and expiry', () => {
  test('429 past the per-address limit; a pending pairing survives a restart; an unapproved one expires; audit verify passes', async () => {
    let s = await startTestSigner({ config: appendToml('[pairing]\nrequests_per_minute_per_ip = 3\nttl_secs = 600') });
    try {
      const agent = agentKey();
      const body = (name: string) => ({ body: { name, scopes: ['sign'], x25519_public_key: agent.publicKey.toString('base64') } });
      const first = await s.request('POST', '/pairing', body('kept'));
      assert.equal(first.status, 200, first.text);
      assert.equal((await s.request('POST', '/pairing', body('b'))).status, 200);
      assert.equal((await s.request('POST', '/pairing', body('c'))).status, 200);
      const limited = await s.request('POST', '/pairing', body('d'));
      assert.equal(limited.status, 429, limited.text);
      assert.equal(limited.json.code, 'pairing_rate_limited');
      assert.equal(limited.json.details.limit, 'per_ip');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      // a malformed body counts too (limited before it is read)
      assert.equal((await s.request('POST', '/pairing', { rawBody: '{' })).json.code, 'pairing_rate_limited');

      s = await s.restart();
      const id = first.json.pairing_id as string;
      assert.equal((await s.request('GET', `/pairing/${id}`)).status, 202, 'still pending after the restart');
      const approved = await s.request('POST', `/admin/pairing/${id}/approve`, { token: s.adminToken, body: { code: first.json.code } });
      assert.equal(approved.status, 200, approved.text);
      const delivered = await s.request('GET', `/pairing/${id}`);
      assert.equal(delivered.status, 200, delivered.text);
      const token = agent.open(id, delivered.json.sealed_token);
      assert.equal((await s.request('GET', '/policy', { token })).status, 200);

      // expiry: a short ttl after a reload
      writeFileSync(s.demo.files.config, readFileSync(s.demo.files.config, 'utf8').replace('ttl_secs = 600', 'ttl_secs = 1'));
      assert.equal((await s.request('POST', '/admin/reload', { token: s.adminToken })).status, 200);
      const short = await s.request('POST', '/pairing', body('short'));
      assert.equal(short.status, 200, short.text);
      await new Promise((r) => setTimeout(r, 1500));
      const expired = await s.request('GET', `/pairing/${short.json.pairing_id}`);
      assert.equal(expired.status, 410, expired.text);
      assert.equal(expired.json.code, 'pairing_expired');
      const late = await s.request('POST', `/admin/pairing/${short.json.pairing_id}/approve`, { token: s.adminToken, body: { code: short.json.code } });
      assert.equal(late.json.code, 'pairing_not_pending');
      assert.ok((await auditRecords(s)).some((r) => r.action === 'pairing_expired'));
      await s.demo.close();
      const verified = await cli(['audit', 'verify', '--config', join(s.dir, 'config.toml')]);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    } finally {
      await s.close().catch(() => undefined);
    }
  });
});
