import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keypair, PublicKey, SystemProgram, Transaction, TransactionInstruction, TransactionMessage } from '@solana/web3.js';
import { isOpenKmsError } from '@openkms/core';
import { ByteReader } from './byte-reader.js';
import { MAX_MESSAGE_BYTES, decodeLegacyMessage, requiredSigners } from './legacy-message-decoder.js';
import { SYSTEM_PROGRAM_ID } from './system-program.js';

const payer = Keypair.fromSeed(new Uint8Array(32).fill(1)).publicKey;
const recipient = Keypair.fromSeed(new Uint8Array(32).fill(2)).publicKey;
const blockhash = new PublicKey(new Uint8Array(32).fill(3)).toBase58();

function transferMessage(lamports = 1234n): Uint8Array {
  const tx = new Transaction({ feePayer: payer, recentBlockhash: blockhash }).add(SystemProgram.transfer({ fromPubkey: payer, toPubkey: recipient, lamports }));
  return new Uint8Array(tx.serializeMessage());
}

function decodeFailed(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isOpenKmsError(err), String(err));
    assert.equal(err.code, 'decode_failed');
    assert.equal(err.context.field, 'message_b64');
    if (message) assert.match(err.message, message);
    return true;
  });
}

test('decodes a web3.js transfer message: header, keys, blockhash, instruction', () => {
  const msg = decodeLegacyMessage(transferMessage());
  assert.equal(msg.version, 'legacy');
  assert.deepEqual(msg.header, { numRequiredSignatures: 1, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 1 });
  assert.deepEqual(msg.accountKeys, [payer.toBase58(), recipient.toBase58(), SYSTEM_PROGRAM_ID]);
  assert.equal(msg.recentBlockhash, blockhash);
  assert.equal(msg.instructions.length, 1);
  const ix = msg.instructions[0]!;
  assert.equal(ix.programId, SYSTEM_PROGRAM_ID);
  assert.deepEqual(ix.accounts, [payer.toBase58(), recipient.toBase58()]);
  assert.equal(ix.data.length, 12);
  assert.deepEqual(requiredSigners(msg), [payer.toBase58()]);
});

test('every truncation of a valid message fails closed', () => {
  const bytes = transferMessage();
  for (let n = 0; n < bytes.length; n++) decodeFailed(() => decodeLegacyMessage(bytes.subarray(0, n)));
});

test('trailing bytes are rejected', () => {
  const bytes = transferMessage();
  decodeFailed(() => decodeLegacyMessage(Uint8Array.from([...bytes, 0])), /trailing/);
});

// Layout of the single-transfer message: header(3) keys-count(1) 3×32 keys, blockhash(32), ix-count(1),
// then program id index, account count, account indices, data length, data.
const IX = 3 + 1 + 3 * 32 + 32 + 1;

test('program and account indices out of range are rejected', () => {
  const programOut = transferMessage();
  programOut[IX] = 3;
  decodeFailed(() => decodeLegacyMessage(programOut), /program id index out of range/);
  const accountOut = transferMessage();
  accountOut[IX + 2] = 200;
  decodeFailed(() => decodeLegacyMessage(accountOut), /account index out of range/);
  const payerAsProgram = transferMessage();
  payerAsProgram[IX] = 0;
  decodeFailed(() => decodeLegacyMessage(payerAsProgram), /fee payer used as a program/);
});

test('inconsistent headers and duplicate keys are rejected', () => {
  const noSigners = transferMessage();
  noSigners[0] = 0;
  decodeFailed(() => decodeLegacyMessage(noSigners), /no signatures/);
  const tooMany = transferMessage();
  tooMany[0] = 4;
  decodeFailed(() => decodeLegacyMessage(tooMany), /more signers/);
  const readonlyPayer = transferMessage();
  readonlyPayer[1] = 1;
  decodeFailed(() => decodeLegacyMessage(readonlyPayer), /read-only/);
  const readonlyUnsigned = transferMessage();
  readonlyUnsigned[2] = 3;
  decodeFailed(() => decodeLegacyMessage(readonlyUnsigned), /read-only count/);
  const duplicate = transferMessage();
  duplicate.set(duplicate.subarray(4, 36), 36);
  decodeFailed(() => decodeLegacyMessage(duplicate), /duplicate account key/);
});

test('versioned (v0) messages are refused for now, as unsupported (well-formed, not a decoding failure)', () => {
  const v0 = new TransactionMessage({
    payerKey: payer,
    recentBlockhash: blockhash,
    instructions: [SystemProgram.transfer({ fromPubkey: payer, toPubkey: recipient, lamports: 1 })],
  })
    .compileToV0Message()
    .serialize();
  assert.equal(v0[0], 0x80);
  assert.throws(
    () => decodeLegacyMessage(v0),
    (err: unknown) => isOpenKmsError(err) && err.code === 'unsupported' && err.context.field === 'message_b64' && /v0/.test(err.message),
  );
});

test('empty and oversized input is rejected', () => {
  decodeFailed(() => decodeLegacyMessage(new Uint8Array()), /empty/);
  decodeFailed(() => decodeLegacyMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1).fill(1)), /packet/);
});

test('instruction data lengths use compact-u16 (a 200-byte payload round-trips)', () => {
  const program = Keypair.fromSeed(new Uint8Array(32).fill(4)).publicKey;
  const data = Buffer.alloc(200, 0xab);
  const tx = new Transaction({ feePayer: payer, recentBlockhash: blockhash }).add(
    new TransactionInstruction({ programId: program, keys: [{ pubkey: payer, isSigner: true, isWritable: true }], data }),
  );
  const msg = decodeLegacyMessage(new Uint8Array(tx.serializeMessage()));
  assert.deepEqual(Buffer.from(msg.instructions[0]!.data), data);
});

test('compact-u16 reader: canonical encodings only, at most 0xffff', () => {
  const read = (bytes: number[]) => new ByteReader(Uint8Array.from(bytes)).compactU16('n');
  assert.equal(read([0x00]), 0);
  assert.equal(read([0x7f]), 0x7f);
  assert.equal(read([0x80, 0x01]), 0x80);
  assert.equal(read([0xff, 0xff, 0x03]), 0xffff);
  decodeFailed(() => read([0x80, 0x00]), /non-canonical/);
  decodeFailed(() => read([0x80, 0x80, 0x00]), /non-canonical/);
  decodeFailed(() => read([0xff, 0xff, 0x04]), /overflow/);
  decodeFailed(() => read([0xff, 0xff, 0x83]), /overflow/);
  decodeFailed(() => read([0x80]), /truncated/);
});
