import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keypair, PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import { isOpenKmsError } from '@openkms/core';
import { decodeSolanaTransaction, withSignature } from './transaction-decoder.js';

const payer = Keypair.fromSeed(new Uint8Array(32).fill(1));
const cosigner = Keypair.fromSeed(new Uint8Array(32).fill(2));
const blockhash = new PublicKey(new Uint8Array(32).fill(3)).toBase58();

function twoSignerTx(): { tx: Transaction; bytes: Uint8Array } {
  const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(
    SystemProgram.transfer({ fromPubkey: cosigner.publicKey, toPubkey: payer.publicKey, lamports: 9n }),
  );
  tx.partialSign(cosigner);
  return { tx, bytes: new Uint8Array(tx.serialize({ requireAllSignatures: false })) };
}

function decodeFailed(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isOpenKmsError(err), String(err));
    assert.equal(err.code, 'decode_failed', err.message);
    assert.equal(err.context.field, 'transaction_b64');
    if (message) assert.match(err.message, message);
    return true;
  });
}

test('a partially signed transaction: slots, message bytes, and our slot filled with the others untouched', () => {
  const { tx, bytes } = twoSignerTx();
  const decoded = decodeSolanaTransaction(bytes);
  assert.equal(decoded.signaturesOffset, 1);
  assert.equal(decoded.signatures.length, 2);
  assert.ok(
    decoded.signatures[0]!.every((b) => b === 0),
    'fee payer slot empty',
  );
  assert.deepEqual(Buffer.from(decoded.signatures[1]!), tx.signatures[1]!.signature);
  assert.deepEqual(Buffer.from(decoded.messageBytes), tx.serializeMessage());
  const sig = new Uint8Array(64).fill(7);
  const signed = withSignature(bytes, decoded, 0, sig);
  assert.deepEqual(signed.subarray(1, 65), sig);
  assert.deepEqual(signed.subarray(65), bytes.subarray(65));
  assert.equal(signed.length, bytes.length);
});

test('signature count must match the header; truncation, trailing bytes and oversize fail closed', () => {
  const { bytes } = twoSignerTx();
  const oneSig = Uint8Array.from([1, ...bytes.subarray(1 + 64)]);
  decodeFailed(() => decodeSolanaTransaction(oneSig), /different number of signatures/);
  for (let n = 1; n < bytes.length; n += 7) decodeFailed(() => decodeSolanaTransaction(bytes.subarray(0, n)));
  decodeFailed(() => decodeSolanaTransaction(Uint8Array.from([...bytes, 0])), /trailing/);
  decodeFailed(() => decodeSolanaTransaction(new Uint8Array(1233).fill(1)), /packet/);
  decodeFailed(() => decodeSolanaTransaction(Uint8Array.from([0x82, 0x00, ...bytes.subarray(1)])), /non-canonical/);
  decodeFailed(() => decodeSolanaTransaction(new Uint8Array()), /empty/);
});
