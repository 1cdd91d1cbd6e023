import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes } from 'node:crypto';
import { OpenKmsError, createOpenKmsClient } from '../src/index.js';
import { fetchPairedToken, generatePairingKeyPair, openSealedToken, requestPairing } from '../src/agent-pairing.js';
import { startDemoSigner } from './support/demo-signer.js';

// The client's pairing helpers: the construction checked against an independent node:crypto sealer, then end to end.

function sealWithNodeCrypto(token: string, agentPublicKey: Uint8Array, pairingId: string) {
  const spki = Buffer.from('302a300506032b656e032100', 'hex');
  const e = generateKeyPairSync('x25519');
  const ePub = e.publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  const shared = diffieHellman({
    privateKey: e.privateKey,
    publicKey: createPublicKey({ key: Buffer.concat([spki, agentPublicKey]), format: 'der', type: 'spki' }),
  });
  const context = Buffer.from(`openkms-pairing-v1:${pairingId}`);
  const key = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ePub, agentPublicKey]), context, 32));
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(context);
  const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    alg: 'X25519-HKDF-SHA256-AES-256-GCM',
    ephemeral_public_key_b64: ePub.toString('base64'),
    nonce_b64: nonce.toString('base64'),
    ciphertext_b64: ciphertext.toString('base64'),
  };
}

test('openSealedToken opens what the documented construction seals, and nothing sealed for another key or pairing', () => {
  const keyPair = generatePairingKeyPair();
  const sealed = sealWithNodeCrypto('okms_example-token', keyPair.publicKey, 'pair_1');
  assert.equal(openSealedToken(sealed, keyPair, 'pair_1'), 'okms_example-token');
  assert.throws(
    () => openSealedToken(sealed, keyPair, 'pair_2'),
    (err: unknown) => err instanceof OpenKmsError && err.code === 'invalid_response',
  );
  assert.throws(() => openSealedToken(sealed, generatePairingKeyPair(), 'pair_1'), OpenKmsError);
});

test('requestPairing → operator approves with the code → fetchPairedToken returns a working token once', async () => {
  const s = await startDemoSigner();
  try {
    const pending = await requestPairing({ baseUrl: s.url, name: 'client-agent', scopes: ['sign', 'read'], labels: ['solana-hot-0'] });
    assert.equal(await fetchPairedToken({ baseUrl: s.url }, pending), undefined, 'pending');
    const approve = await fetch(`${s.url}/admin/pairing/${pending.pairingId}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: pending.code }),
    });
    assert.equal(approve.status, 200, await approve.text());
    const paired = await fetchPairedToken({ baseUrl: s.url }, pending);
    assert.ok(paired);
    assert.deepEqual(paired.scopes, ['sign:solana-hot-0', 'read']);
    const keys = await createOpenKmsClient({ baseUrl: s.url, token: paired.token }).keys();
    assert.ok(keys.some((k) => k.label === 'solana-hot-0'));
    await assert.rejects(fetchPairedToken({ baseUrl: s.url }, pending), (err: unknown) => err instanceof OpenKmsError && err.code === 'pairing_delivered');
  } finally {
    await s.close();
  }
});
