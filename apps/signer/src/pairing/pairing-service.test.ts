import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '../auth/token-store.js';
import { normalizePairingCode, pairingCode, PairingService } from './pairing-service.js';

const agentPublicKey = () => generateKeyPairSync('x25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');

function service(opts: { maxPending?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-pairing-'));
  const tokenFile = join(dir, 'tokens.json');
  TokenStore.load(tokenFile, { allowMissing: true }).create('admin', ['admin']);
  let now = Date.parse('2030-01-01T00:00:00Z');
  const audit: { action?: string; details?: object }[] = [];
  const svc = new PairingService({
    file: join(dir, 'state.json.pairing.json'),
    settings: () => ({ enabled: true, ttlSecs: 60, maxPending: opts.maxPending ?? 20, perIpPerMinute: 100, perMinute: 100 }),
    labels: () => ['solana-hot-0'],
    tokenFile: () => tokenFile,
    audit: { append: async (r) => void audit.push(r) },
    now: () => now,
  });
  return { svc, tokenFile, audit, advance: (ms: number) => (now += ms) };
}

test('codes are 8 Crockford base32 characters; case, dashes, O/0 and I/L/1 do not matter', () => {
  for (let i = 0; i < 50; i++) assert.match(pairingCode(), /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  assert.equal(normalizePairingCode('ab0l-o1iz'), normalizePairingCode('AB01-011Z'));
});

test('a token approved but never fetched is revoked when the pairing expires; the ciphertext is dropped', async () => {
  const { svc, tokenFile, audit, advance } = service();
  const asked = await svc.request({ name: 'slow-agent', scopes: ['sign'], x25519_public_key: agentPublicKey() }, '127.0.0.1', 'r1');
  await svc.approve(String(asked.pairing_id), { name: 'admin' }, { code: String(asked.code) }, 'r2');
  assert.ok(
    TokenStore.load(tokenFile)
      .list()
      .some((t) => t.name === 'slow-agent'),
  );
  advance(61_000);
  await svc.sweep();
  const r = await svc.get(String(asked.pairing_id));
  assert.equal(r.status, 'expired');
  assert.equal(r.sealed, undefined);
  assert.ok(
    !TokenStore.load(tokenFile)
      .list()
      .some((t) => t.name === 'slow-agent'),
    'the undelivered token is revoked',
  );
  assert.deepEqual(
    audit.map((a) => a.action),
    ['pairing_request', 'pairing_approve', 'pairing_expired'],
  );
  await assert.rejects(svc.fetch(String(asked.pairing_id), 'r3'), { code: 'pairing_expired' });
});

test('at most max_pending pairings wait at once (429 pairing_rate_limited, limit pending)', async () => {
  const { svc } = service({ maxPending: 2 });
  for (const name of ['a', 'b']) await svc.request({ name, scopes: ['read'], x25519_public_key: agentPublicKey() }, '127.0.0.1', name);
  await assert.rejects(
    svc.request({ name: 'c', scopes: ['read'], x25519_public_key: agentPublicKey() }, '127.0.0.1', 'c'),
    (err: { code?: string; context?: { limit?: string } }) => {
      return err.code === 'pairing_rate_limited' && err.context?.limit === 'pending';
    },
  );
});

test('a token name that already exists is a conflict at approval; the pairing stays pending', async () => {
  const { svc } = service();
  const asked = await svc.request({ name: 'admin', scopes: ['read'], x25519_public_key: agentPublicKey() }, '127.0.0.1', 'r1');
  await assert.rejects(svc.approve(String(asked.pairing_id), { name: 'admin' }, { code: String(asked.code) }, 'r2'), { code: 'conflict' });
  assert.equal((await svc.get(String(asked.pairing_id))).status, 'pending');
});
