import { test } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { AddressLookupTableAccount, Keypair, PublicKey, SystemProgram, Transaction, TransactionMessage, VersionedTransaction } from '@solana/web3.js';
import { getTransactionDecoder, lamports, address as kitAddress } from '@solana/kit';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { fromBase64Strict, isOpenKmsError, toBase64 } from '@openkms/core';
import { createSolanaChainSigner } from './solana-chain-signer.js';
import { solanaTestKeys } from './test-fixtures.js';

const BLOCKHASH = new PublicKey(new Uint8Array(32).fill(3)).toBase58();
const TABLE = new PublicKey(new Uint8Array(32).fill(40));
const recipient = Keypair.fromSeed(new Uint8Array(32).fill(2)).publicKey;
const tableEntries = [new PublicKey(new Uint8Array(32).fill(41)), recipient];

function v0WithTable(from: PublicKey): Uint8Array {
  const table = new AddressLookupTableAccount({
    key: TABLE,
    state: { deactivationSlot: 2n ** 64n - 1n, lastExtendedSlot: 0, lastExtendedSlotStartIndex: 0, addresses: tableEntries },
  });
  return new TransactionMessage({
    payerKey: from,
    recentBlockhash: BLOCKHASH,
    instructions: [SystemProgram.transfer({ fromPubkey: from, toPubkey: recipient, lamports: 77n })],
  })
    .compileToV0Message([table])
    .serialize();
}

async function rejectsWith(fn: () => unknown, code: string, check?: (err: { message: string; context: Record<string, unknown> }) => void): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (err: unknown) => {
      assert.ok(isOpenKmsError(err), String(err));
      assert.equal(err.code, code, err.message);
      check?.(err as never);
      return true;
    },
  );
}

test('v0 with a pinned lookup table: the loaded recipient is in the intent; a lying hint and a missing source are refused', async () => {
  const { payer } = await solanaTestKeys();
  const from = new PublicKey(payer.publicKey);
  const message_b64 = toBase64(v0WithTable(from));
  const pinned = createSolanaChainSigner({ lookup_tables: { [TABLE.toBase58()]: tableEntries.map((k) => k.toBase58()) } });
  const out = await pinned.decode({ label: 'hot-0', message_b64 }, payer);
  assert.equal(out.decoded.message.version, 0);
  assert.deepEqual(
    out.intent.transfers.map((t) => [t.to, t.amount]),
    [[recipient.toBase58(), 77n]],
  );
  assert.equal(out.decoded.accounts.at(-1)!.fromLookupTable, true);
  const liar = [{ key: TABLE.toBase58(), addresses: [tableEntries[0]!.toBase58(), Keypair.generate().publicKey.toBase58()] }];
  await rejectsWith(
    () => pinned.decode({ label: 'hot-0', message_b64, address_lookup_tables: liar }, payer),
    'lookup_table_mismatch',
    (e) => {
      assert.equal(e.context.table, TABLE.toBase58());
      assert.equal(e.context.index, 1);
    },
  );
  const honest = [{ key: TABLE.toBase58(), addresses: tableEntries.map((k) => k.toBase58()) }];
  // a client-supplied table alone is never enough
  await rejectsWith(
    () => createSolanaChainSigner().decode({ label: 'hot-0', message_b64, address_lookup_tables: honest }, payer),
    'lookup_table_source_missing',
  );
});

test('an unreachable RPC fails closed with rpc_unavailable, quickly', async () => {
  const { payer } = await solanaTestKeys();
  const message_b64 = toBase64(v0WithTable(new PublicKey(payer.publicKey)));
  const s = createSolanaChainSigner({ rpc_url: 'http://127.0.0.1:9', rpc_timeout_ms: 500 });
  const started = Date.now();
  await rejectsWith(() => s.decode({ label: 'hot-0', message_b64 }, payer), 'rpc_unavailable');
  assert.ok(Date.now() - started < 5000);
});

test('an RPC that accepts but never answers fails closed with rpc_unavailable after rpc_timeout_ms', async () => {
  const { payer } = await solanaTestKeys();
  const message_b64 = toBase64(v0WithTable(new PublicKey(payer.publicKey)));
  const server = createServer(() => {}); // never responds
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const s = createSolanaChainSigner({ rpc_url: `http://127.0.0.1:${port}`, rpc_timeout_ms: 300 });
    const started = Date.now();
    await rejectsWith(
      () => s.decode({ label: 'hot-0', message_b64 }, payer),
      'rpc_unavailable',
      (e) => assert.match(e.message, /300 ms/),
    );
    assert.ok(Date.now() - started < 3000);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('a whole transaction sent as message_b64 (and a message as transaction_b64) gets a hint', async () => {
  const { payer } = await solanaTestKeys();
  const from = new PublicKey(payer.publicKey);
  const tx = new Transaction({ feePayer: from, recentBlockhash: BLOCKHASH }).add(
    SystemProgram.transfer({ fromPubkey: from, toPubkey: recipient, lamports: 1n }),
  );
  const wire = new Uint8Array(tx.serialize({ requireAllSignatures: false, verifySignatures: false }));
  const s = createSolanaChainSigner();
  await rejectsWith(
    () => s.decode({ label: 'hot-0', message_b64: toBase64(wire) }, payer),
    'decode_failed',
    (e) => {
      assert.match(e.message, /transaction_b64/);
      assert.equal(e.context.hint, 'use transaction_b64');
    },
  );
  await rejectsWith(
    () => s.decode({ label: 'hot-0', transaction_b64: toBase64(new Uint8Array(tx.serializeMessage())) }, payer),
    'decode_failed',
    (e) => assert.match(e.message, /message_b64/),
  );
});

test('our key writable but not a signer is signer_mismatch', async () => {
  const { payer, other } = await solanaTestKeys();
  const from = new PublicKey(payer.publicKey);
  const tx = new Transaction({ feePayer: from, recentBlockhash: BLOCKHASH }).add(
    SystemProgram.transfer({ fromPubkey: from, toPubkey: new PublicKey(other.publicKey), lamports: 1n }),
  );
  await rejectsWith(
    () => createSolanaChainSigner().decode({ label: 'hot-1', transaction_b64: toBase64(new Uint8Array(tx.serialize({ requireAllSignatures: false }))) }, other),
    'signer_mismatch',
  );
});

test('a partially signed v0 transaction_b64: signed_transaction_b64 executes unchanged in litesvm', async () => {
  const { backend, payer } = await solanaTestKeys();
  const svm = new LiteSVM();
  const cosigner = Keypair.fromSeed(new Uint8Array(32).fill(12));
  const payerKey = new PublicKey(payer.publicKey);
  svm.airdrop(kitAddress(payer.address), lamports(1_000_000_000n));
  svm.airdrop(kitAddress(cosigner.publicKey.toBase58()), lamports(1_000_000_000n));
  const message = new TransactionMessage({
    payerKey,
    recentBlockhash: svm.latestBlockhash(),
    instructions: [
      SystemProgram.transfer({ fromPubkey: cosigner.publicKey, toPubkey: recipient, lamports: 300_000_000n }),
      SystemProgram.transfer({ fromPubkey: payerKey, toPubkey: recipient, lamports: 1_000_000n }),
    ],
  }).compileToV0Message();
  const vtx = new VersionedTransaction(message);
  vtx.sign([cosigner]); // the co-signer (e.g. a swap API) signs first; our slot stays empty
  const transaction_b64 = toBase64(vtx.serialize());
  const s = createSolanaChainSigner();
  const decoded = await s.decode({ label: 'hot-0', transaction_b64 }, payer);
  assert.equal(decoded.decoded.signerIndex, 0);
  const { body } = await s.sign(decoded, payer, backend);
  const out = body as { signed_transaction_b64: string; fee_payer: string; signature_b64: string };
  assert.equal(out.fee_payer, payer.address);
  const signed = fromBase64Strict(out.signed_transaction_b64)!;
  assert.deepEqual(signed.subarray(1, 65), fromBase64Strict(out.signature_b64));
  assert.deepEqual(signed.subarray(65), vtx.serialize().subarray(65), 'the co-signer signature and message are untouched');
  const result = svm.sendTransaction(getTransactionDecoder().decode(signed));
  assert.ok(!(result instanceof FailedTransactionMetadata), String(result));
  assert.equal(svm.getBalance(kitAddress(recipient.toBase58())), 301_000_000n);
});
