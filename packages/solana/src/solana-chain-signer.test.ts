import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keypair, Message, PublicKey, SystemProgram, Transaction, TransactionInstruction, TransactionMessage } from '@solana/web3.js';
import { getTransactionDecoder, lamports, address as kitAddress } from '@solana/kit';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { isOpenKmsError, toBase64 } from '@openkms/core';
import type { ErrorCode, KeyBackend } from '@openkms/core';
import plugin, { SYSTEM_PROGRAM_ID, createSolanaChainSigner, solanaSignRequestSchema } from './index.js';
import { solanaTestKeys } from './test-fixtures.js';

const signer = createSolanaChainSigner();
const recipient = Keypair.fromSeed(new Uint8Array(32).fill(2)).publicKey;
const unknownProgram = Keypair.fromSeed(new Uint8Array(32).fill(5)).publicKey;
const BLOCKHASH = new PublicKey(new Uint8Array(32).fill(3)).toBase58();

function messageB64(tx: Transaction): string {
  return toBase64(new Uint8Array(tx.serializeMessage()));
}

async function rejectsWith(fn: () => unknown, code: ErrorCode, field?: string): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (err: unknown) => {
      assert.ok(isOpenKmsError(err), String(err));
      assert.equal(err.code, code, err.message);
      if (field !== undefined) assert.equal(err.context.field, field);
      return true;
    },
  );
}

test('plugin default export: api version 1, chain solana, creates the signer', () => {
  assert.equal(plugin.apiVersion, 1);
  assert.equal(plugin.chain, 'solana');
  const s = plugin.create({});
  assert.equal(s.chain, 'solana');
  assert.equal(s.curve, 'ed25519');
  assert.equal(s.apiVersion, 1);
  assert.deepEqual((s.requestSchema as { required: string[] }).required, ['label']);
  assert.deepEqual((s.requestSchema as { oneOf: unknown[] }).oneOf, [{ required: ['message_b64'] }, { required: ['transaction_b64'] }]);
  assert.equal(solanaSignRequestSchema.additionalProperties, false);
});

test('address is the base58 of the 32-byte public key', async () => {
  const { payer } = await solanaTestKeys();
  assert.equal(signer.address(payer.publicKey, {}), new PublicKey(payer.publicKey).toBase58());
  assert.throws(() => signer.address(new Uint8Array(33), {}), { code: 'wrong_chain' });
});

test('decode: transfer plus an unknown program → intent', async () => {
  const { payer } = await solanaTestKeys();
  const from = new PublicKey(payer.publicKey);
  const tx = new Transaction({ feePayer: from, recentBlockhash: BLOCKHASH })
    .add(SystemProgram.transfer({ fromPubkey: from, toPubkey: recipient, lamports: 1_500_000n }))
    .add(
      new TransactionInstruction({ programId: unknownProgram, keys: [{ pubkey: recipient, isSigner: false, isWritable: true }], data: Buffer.from([1, 2, 3]) }),
    )
    .add(SystemProgram.transfer({ fromPubkey: from, toPubkey: recipient, lamports: 7n }));
  const bytes = new Uint8Array(tx.serializeMessage());
  const out = await signer.decode({ label: 'hot-0', message_b64: toBase64(bytes), expected_chain_id: 'mainnet-beta' }, payer);
  assert.deepEqual(out.signingBytes, bytes);
  assert.equal(out.decoded.signerIndex, 0);
  const intent = out.intent;
  assert.equal(intent.chain, 'solana');
  assert.equal(intent.network, 'mainnet-beta');
  assert.equal(intent.signer, payer.address);
  assert.deepEqual(intent.actions, [
    { program: SYSTEM_PROGRAM_ID, kind: 'transfer', known: true },
    { program: unknownProgram.toBase58(), kind: 'unknown', known: false },
    { program: SYSTEM_PROGRAM_ID, kind: 'transfer', known: true },
  ]);
  assert.deepEqual(intent.programs, [SYSTEM_PROGRAM_ID, unknownProgram.toBase58()]);
  assert.deepEqual(intent.transfers, [
    { asset: 'native', amount: 1_500_000n, from: payer.address, to: recipient.toBase58(), via: SYSTEM_PROGRAM_ID },
    { asset: 'native', amount: 7n, from: payer.address, to: recipient.toBase58(), via: SYSTEM_PROGRAM_ID },
  ]);
  assert.deepEqual(intent.fees, [{ asset: 'native', amount: 5000n }]);
  assert.deepEqual(intent.flags, ['unknown_instruction']);
  assert.deepEqual(intent.messageTypes, []);
});

test('decode: Allocate is an authority change; no network without expected_chain_id', async () => {
  const { payer } = await solanaTestKeys();
  const from = new PublicKey(payer.publicKey);
  const tx = new Transaction({ feePayer: from, recentBlockhash: BLOCKHASH }).add(SystemProgram.allocate({ accountPubkey: from, space: 8 }));
  const { intent } = await signer.decode({ label: 'hot-0', message_b64: messageB64(tx) }, payer);
  assert.equal(intent.network, undefined);
  assert.deepEqual(intent.actions, [{ program: SYSTEM_PROGRAM_ID, kind: 'allocate', known: true }]);
  assert.deepEqual(intent.transfers, []);
  assert.deepEqual(intent.flags, ['authority_change']);
});

test('decode: a malformed System transfer (extra data byte) is undecodable (policy denies it)', async () => {
  const { payer } = await solanaTestKeys();
  const from = new PublicKey(payer.publicKey);
  const ix = SystemProgram.transfer({ fromPubkey: from, toPubkey: recipient, lamports: 1n });
  ix.data = Buffer.concat([ix.data, Buffer.from([0])]);
  const tx = new Transaction({ feePayer: from, recentBlockhash: BLOCKHASH }).add(ix);
  const { intent } = await signer.decode({ label: 'hot-0', message_b64: messageB64(tx) }, payer);
  assert.deepEqual(intent.actions, [{ program: SYSTEM_PROGRAM_ID, kind: 'undecodable', known: false }]);
  assert.deepEqual(intent.flags, ['undecodable']);
  assert.deepEqual(intent.transfers, []);
});

test('decode: second signer (not fee payer) is accepted, pays no fee', async () => {
  const { payer, other } = await solanaTestKeys();
  const feePayer = new PublicKey(other.publicKey);
  const from = new PublicKey(payer.publicKey);
  const tx = new Transaction({ feePayer, recentBlockhash: BLOCKHASH }).add(SystemProgram.transfer({ fromPubkey: from, toPubkey: recipient, lamports: 10n }));
  const out = await signer.decode({ label: 'hot-0', message_b64: messageB64(tx) }, payer);
  assert.equal(out.decoded.signerIndex, 1);
  assert.deepEqual(out.intent.fees, []);
  assert.equal(out.intent.transfers[0]!.from, payer.address);
});

test('decode: negative cases fail closed with stable codes', async () => {
  const { payer, other } = await solanaTestKeys();
  const from = new PublicKey(payer.publicKey);
  const tx = new Transaction({ feePayer: from, recentBlockhash: BLOCKHASH }).add(
    SystemProgram.transfer({ fromPubkey: from, toPubkey: recipient, lamports: 1n }),
  );
  const bytes = new Uint8Array(tx.serializeMessage());
  const req = (message_b64: string) => ({ label: 'hot-0', message_b64 });

  for (const bad of ['not base64!', 'AP8', '-_8Q', toBase64(bytes).replace(/=*$/, '') + '==='])
    await rejectsWith(() => signer.decode(req(bad), payer), 'decode_failed', 'message_b64');
  await rejectsWith(() => signer.decode(req(toBase64(bytes.subarray(0, bytes.length - 5))), payer), 'decode_failed', 'message_b64');
  await rejectsWith(() => signer.decode(req(toBase64(Uint8Array.from([...bytes, 1, 2]))), payer), 'decode_failed', 'message_b64');
  const outOfRange = Uint8Array.from(bytes);
  outOfRange[3 + 1 + 96 + 32 + 1 + 2] = 9;
  await rejectsWith(() => signer.decode(req(toBase64(outOfRange)), payer), 'decode_failed', 'message_b64');
  // A key absent from the message, and a key present in it only as a (non-signing) recipient.
  await rejectsWith(() => signer.decode(req(toBase64(bytes)), other), 'signer_mismatch');
  const toOther = new Transaction({ feePayer: from, recentBlockhash: BLOCKHASH }).add(
    SystemProgram.transfer({ fromPubkey: from, toPubkey: new PublicKey(other.publicKey), lamports: 1n }),
  );
  await rejectsWith(() => signer.decode(req(messageB64(toOther)), other), 'signer_mismatch');
  await assert.rejects(async () => signer.address(new Uint8Array(33), {}), { code: 'wrong_chain' });
  const v0 = new TransactionMessage({ payerKey: from, recentBlockhash: BLOCKHASH, instructions: tx.instructions }).compileToV0Message().serialize();
  const v1 = Uint8Array.from(v0);
  v1[0] = 0x81;
  await rejectsWith(() => signer.decode(req(toBase64(v1)), payer), 'unsupported', 'message_b64');
  await rejectsWith(() => signer.decode({ label: 'hot-0', message_b64: toBase64(bytes), transaction_b64: toBase64(bytes) }, payer), 'invalid_request');
  await rejectsWith(
    () => signer.decode({ ...req(toBase64(bytes)), address_lookup_tables: [{ key: 'nope', addresses: [] }] }, payer),
    'decode_failed',
    'address_lookup_tables.0',
  );
  await rejectsWith(() => signer.decode({ label: 'hot-0' } as never, payer), 'invalid_request', 'message_b64');
  await rejectsWith(() => signer.decode(req(toBase64(bytes)), { ...payer, curve: 'secp256k1', publicKey: new Uint8Array(33) }), 'wrong_chain');
});

test('sign: signature verifies and litesvm executes the transfer', async () => {
  const { backend, payer } = await solanaTestKeys();
  const svm = new LiteSVM();
  const payerAddr = kitAddress(payer.address);
  const recipientAddr = kitAddress(recipient.toBase58());
  assert.ok(!(svm.airdrop(payerAddr, lamports(2_000_000_000n)) instanceof FailedTransactionMetadata));

  const from = new PublicKey(payer.publicKey);
  const tx = new Transaction({ feePayer: from, recentBlockhash: svm.latestBlockhash() }).add(
    SystemProgram.transfer({ fromPubkey: from, toPubkey: recipient, lamports: 123_456_789n }),
  );
  const decoded = await signer.decode({ label: 'hot-0', message_b64: messageB64(tx) }, payer);
  const signed = await signer.sign(decoded, payer, backend);
  assert.equal(signed.signature.length, 64);
  const body = signed.body as { signature_b64: string; signature_b58: string; signer_address: string };
  assert.deepEqual(Object.keys(body).sort(), ['fee_payer', 'signature_b58', 'signature_b64', 'signer_address']);
  assert.equal(body.signature_b64, toBase64(signed.signature));
  assert.equal(body.signer_address, payer.address);

  // Assemble the wire transaction from the signed message with web3.js; it checks the signature too.
  const wireTx = Transaction.populate(Message.from(Buffer.from(decoded.signingBytes)), [body.signature_b58]);
  assert.ok(wireTx.verifySignatures());
  const wire = new Uint8Array(wireTx.serialize());
  const result = svm.sendTransaction(getTransactionDecoder().decode(wire));
  assert.ok(!(result instanceof FailedTransactionMetadata), String(result));
  assert.equal(svm.getBalance(recipientAddr), 123_456_789n);
  assert.equal(svm.getBalance(payerAddr), 2_000_000_000n - 123_456_789n - 5000n);
  assert.equal(backend.signCount('payer'), 1);
});

test('sign: a backend signature that does not verify is never returned', async () => {
  const { backend, payer } = await solanaTestKeys();
  const from = new PublicKey(payer.publicKey);
  const tx = new Transaction({ feePayer: from, recentBlockhash: BLOCKHASH }).add(
    SystemProgram.transfer({ fromPubkey: from, toPubkey: recipient, lamports: 1n }),
  );
  const decoded = await signer.decode({ label: 'hot-0', message_b64: messageB64(tx) }, payer);
  const corrupting: KeyBackend = {
    ...backend,
    signEd25519: async (ref, message) => {
      const sig = await backend.signEd25519(ref, message);
      sig[0]! ^= 1;
      return sig;
    },
  };
  await rejectsWith(() => signer.sign(decoded, payer, corrupting), 'signature_verification_failed');
});
