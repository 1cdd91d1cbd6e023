import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenKmsClient } from './openkms-client.js';
import { resolveSigningKey } from './signing-key.js';

const key = (over: Record<string, unknown>) => ({
  label: 'k',
  chain: 'solana',
  address: 'So11111111111111111111111111111111111111112',
  enabled: true,
  object_id: 1,
  key_id: '0x0001',
  derivation_path: null,
  public_key_b64: 'AAAA',
  ...over,
});

/** A client whose GET /keys answers `keys`. */
const clientWith = (keys: unknown[]) =>
  createOpenKmsClient({
    baseUrl: 'http://signer.test',
    fetch: async () => new Response(JSON.stringify(keys), { status: 200, headers: { 'content-type': 'application/json' } }),
  });

test('resolveSigningKey: the key of GET /keys, its chain checked; no address (backend down at start-up) is key_unavailable', async () => {
  assert.equal((await resolveSigningKey(clientWith([key({})]), 'k', 'solana')).address, 'So11111111111111111111111111111111111111112');
  await assert.rejects(resolveSigningKey(clientWith([key({})]), 'k', 'evm'), { code: 'signer_mismatch' });
  await assert.rejects(resolveSigningKey(clientWith([key({ address: null, public_key_b64: null })]), 'k', 'solana'), { code: 'key_unavailable' });
  await assert.rejects(resolveSigningKey(clientWith([key({ label: null, configured: false })]), 'k', 'solana'), { code: 'unknown_label' });
});
