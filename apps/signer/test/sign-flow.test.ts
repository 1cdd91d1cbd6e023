import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Message, PublicKey, Transaction, Keypair } from '@solana/web3.js';
import { getTransactionDecoder, lamports, address as kitAddress } from '@solana/kit';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { Secp256k1, Secp256k1Signature, sha256 } from '@cosmjs/crypto';
import { pubkeyToAddress } from '@cosmjs/amino';
import { toBase64 } from '@cosmjs/encoding';
import { join } from 'node:path';
import { TokenStore } from '../src/auth/token-store.js';
import { cosmosSendSignDoc, solanaBody, solanaTransferMessage } from './support/chain-fixtures.js';
import { hsmEddsaSigns } from './support/metrics.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe('signing end to end: HTTP → signer → driver → connector HTTP → simulated YubiHSM2', () => {
  let s: TestSigner;
  let keys: Record<string, { address: string; public_key_b64: string }>;
  before(async () => {
    s = await startTestSigner();
    const res = await s.request('GET', '/keys', { token: s.signerToken });
    assert.equal(res.status, 200);
    keys = Object.fromEntries(res.json.map((k: { label: string }) => [k.label, k]));
  });
  after(async () => {
    await s.close();
  });

  test('Solana: the returned signature makes a transaction litesvm executes', async () => {
    const svm = new LiteSVM();
    const payer = keys['solana-hot-0']!.address;
    assert.ok(!(svm.airdrop(kitAddress(payer), lamports(3_000_000_000n)) instanceof FailedTransactionMetadata));
    const recipient = Keypair.generate().publicKey.toBase58();
    const message = solanaTransferMessage({ from: payer, to: recipient, lamports: 1_000_000_000n, blockhash: svm.latestBlockhash() });
    const res = await s.request('POST', '/sign/solana', {
      token: s.signerToken,
      body: { label: 'solana-hot-0', message_b64: Buffer.from(message).toString('base64'), expected_chain_id: 'mainnet-beta' },
    });
    assert.equal(res.status, 200, res.text);
    const tx = Transaction.populate(Message.from(Buffer.from(message)), [res.json.signature_b58]);
    assert.ok(tx.verifySignatures());
    assert.equal(Buffer.from(res.json.signature_b64, 'base64').length, 64);
    const result = svm.sendTransaction(getTransactionDecoder().decode(new Uint8Array(tx.serialize())));
    assert.ok(!(result instanceof FailedTransactionMetadata), String(result));
    assert.equal(svm.getBalance(kitAddress(recipient)), 1_000_000_000n);
    assert.equal(new PublicKey(payer).toBase58(), res.json.signer_address);
  });

  test('Solana: over the per-transaction cap → 403, the HSM is never asked', async () => {
    const hsmBefore = await hsmEddsaSigns(s);
    const message = solanaTransferMessage({ from: keys['solana-hot-0']!.address, lamports: 12_000_000_000n });
    const res = await s.request('POST', '/sign/solana', {
      token: s.signerToken,
      body: { label: 'solana-hot-0', message_b64: Buffer.from(message).toString('base64') },
    });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.code, 'per_tx_cap_exceeded');
    assert.match(res.json.error, /cap=5000000000/);
    assert.match(res.json.error, /attempted=12000000000/);
    assert.equal(await hsmEddsaSigns(s), hsmBefore, 'no HSM sign command for the denied request');
    // the counter does count this key's signatures: an allowed request moves it by one
    assert.equal((await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 1) })).status, 200);
    assert.equal(await hsmEddsaSigns(s), hsmBefore + 1, 'an allowed request is one HSM sign command');
  });

  test('Solana: an instruction of an unknown program fails closed', async () => {
    const message = solanaTransferMessage({ from: keys['solana-hot-0']!.address, lamports: 1n, extraProgram: true });
    const res = await s.request('POST', '/sign/solana', {
      token: s.signerToken,
      body: { label: 'solana-hot-0', message_b64: Buffer.from(message).toString('base64') },
    });
    assert.equal(res.status, 403, res.text);
    assert.ok(['unknown_instruction_denied', 'program_not_allowed'].includes(res.json.code), res.json.code);
  });

  test('Solana: a message the key does not sign → 400 signer_mismatch; garbage → 400 decode_failed', async () => {
    const other = Keypair.generate().publicKey.toBase58();
    const message = solanaTransferMessage({ from: other, lamports: 1n });
    const mismatch = await s.request('POST', '/sign/solana', {
      token: s.signerToken,
      body: { label: 'solana-hot-0', message_b64: Buffer.from(message).toString('base64') },
    });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.json.code, 'signer_mismatch');
    const garbage = await s.request('POST', '/sign/solana', { token: s.signerToken, body: { label: 'solana-hot-0', message_b64: 'AAECAwQF' } });
    assert.equal(garbage.status, 400);
    assert.equal(garbage.json.code, 'decode_failed');
  });

  test('Cosmos: a low-S signature over the SignDoc that cosmjs verifies, and the signer address', async () => {
    const key = keys['cosmos-hub-0']!;
    const publicKey = Buffer.from(key.public_key_b64, 'base64');
    assert.equal(publicKey.length, 33);
    assert.equal(pubkeyToAddress({ type: 'tendermint/PubKeySecp256k1', value: toBase64(publicKey) }, 'cosmos'), key.address);
    const doc = cosmosSendSignDoc({ publicKey, from: key.address, amounts: [{ denom: 'uatom', amount: '1000000' }] });
    const res = await s.request('POST', '/sign/cosmos', {
      token: s.signerToken,
      body: { label: 'cosmos-hub-0', sign_doc_b64: Buffer.from(doc).toString('base64'), expected_chain_id: 'cosmoshub-4' },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.signer_address, key.address);
    const sig = Buffer.from(res.json.signature_b64, 'base64');
    assert.equal(sig.length, 64);
    assert.ok(await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(sig), sha256(doc), publicKey));
    const s_ = BigInt('0x' + sig.subarray(32).toString('hex'));
    assert.ok(s_ <= SECP256K1_N / 2n, 'S must be low (cosmjs alone would accept a high S)');
  });

  test('Cosmos: wrong chain id → 400 chain_id_mismatch; over the per-denom cap → 403', async () => {
    const key = keys['cosmos-hub-0']!;
    const publicKey = Buffer.from(key.public_key_b64, 'base64');
    const doc = cosmosSendSignDoc({ publicKey, from: key.address, amounts: [{ denom: 'uatom', amount: '1' }], chainId: 'osmosis-1' });
    const wrong = await s.request('POST', '/sign/cosmos', {
      token: s.signerToken,
      body: { label: 'cosmos-hub-0', sign_doc_b64: Buffer.from(doc).toString('base64'), expected_chain_id: 'cosmoshub-4' },
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.code, 'chain_id_mismatch');
    const big = cosmosSendSignDoc({ publicKey, from: key.address, amounts: [{ denom: 'uatom', amount: '10000001' }] });
    const capped = await s.request('POST', '/sign/cosmos', {
      token: s.signerToken,
      body: { label: 'cosmos-hub-0', sign_doc_b64: Buffer.from(big).toString('base64'), expected_chain_id: 'cosmoshub-4' },
    });
    assert.equal(capped.status, 403);
    assert.equal(capped.json.code, 'per_tx_cap_exceeded');
  });

  test('a key of one chain on another chain route → 400 wrong_chain', async () => {
    const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: { label: 'cosmos-hub-0', message_b64: 'AAAA' } });
    assert.equal(res.status, 400);
    assert.equal(res.json.code, 'wrong_chain');
  });

  test('an unknown label → 404 unknown_label for a token that may sign every label', async () => {
    const forbidden = await s.request('POST', '/sign/solana', { token: s.adminToken, body: { label: 'nope-0', message_b64: 'AAAA' } });
    assert.equal(forbidden.status, 403, 'an admin token has no sign scope');
    assert.equal(forbidden.json.code, 'forbidden_scope');
    const token = TokenStore.load(join(s.dir, 'tokens.json')).create('sign-all', ['sign']);
    assert.equal((await s.request('POST', '/admin/reload', { token: s.adminToken })).status, 200);
    const res = await s.request('POST', '/sign/solana', { token, body: { label: 'nope-0', message_b64: 'AAAA' } });
    assert.equal(res.status, 404, res.text);
    assert.equal(res.json.code, 'unknown_label');
  });
});
