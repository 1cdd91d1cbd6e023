import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressLookupTableAccount, Keypair, PublicKey, SystemProgram, Transaction, TransactionInstruction, TransactionMessage } from '@solana/web3.js';
import { isOpenKmsError } from '@openkms/core';
import { MAX_MESSAGE_BYTES, accountCount, decodeSolanaMessage, requiredSigners } from './message-decoder.js';
import { SYSTEM_PROGRAM_ID } from './instructions/system-instructions.js';

const payer = Keypair.fromSeed(new Uint8Array(32).fill(1)).publicKey;
const recipient = Keypair.fromSeed(new Uint8Array(32).fill(2)).publicKey;
const blockhash = new PublicKey(new Uint8Array(32).fill(3)).toBase58();
const tableKey = new PublicKey(new Uint8Array(32).fill(8));

function transferMessage(lamports = 1234n): Uint8Array {
  const tx = new Transaction({ feePayer: payer, recentBlockhash: blockhash }).add(SystemProgram.transfer({ fromPubkey: payer, toPubkey: recipient, lamports }));
  return new Uint8Array(tx.serializeMessage());
}

function v0Message(withTable: boolean): Uint8Array {
  const table = new AddressLookupTableAccount({
    key: tableKey,
    state: {
      deactivationSlot: 2n ** 64n - 1n,
      lastExtendedSlot: 0,
      lastExtendedSlotStartIndex: 0,
      addresses: [new PublicKey(new Uint8Array(32).fill(20)), recipient],
    },
  });
  return new TransactionMessage({
    payerKey: payer,
    recentBlockhash: blockhash,
    instructions: [SystemProgram.transfer({ fromPubkey: payer, toPubkey: recipient, lamports: 5n })],
  })
    .compileToV0Message(withTable ? [table] : [])
    .serialize();
}

function rejects(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isOpenKmsError(err), String(err));
    assert.equal(err.code, code, err.message);
    assert.equal(err.context.field, 'message_b64');
    if (message) assert.match(err.message, message);
    return true;
  });
}
const decodeFailed = (fn: () => unknown, message?: RegExp) => rejects(fn, 'decode_failed', message);

test('decodes a web3.js legacy transfer message: header, keys, blockhash, instruction', () => {
  const msg = decodeSolanaMessage(transferMessage());
  assert.equal(msg.version, 'legacy');
  assert.deepEqual(msg.header, { numRequiredSignatures: 1, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 1 });
  assert.deepEqual(msg.staticAccounts, [payer.toBase58(), recipient.toBase58(), SYSTEM_PROGRAM_ID]);
  assert.equal(msg.recentBlockhash, blockhash);
  assert.deepEqual(msg.addressTableLookups, []);
  assert.equal(msg.instructions.length, 1);
  assert.deepEqual(msg.instructions[0]!.accountIndices, [0, 1]);
  assert.equal(msg.instructions[0]!.programIdIndex, 2);
  assert.equal(msg.instructions[0]!.data.length, 12);
  assert.deepEqual(requiredSigners(msg), [payer.toBase58()]);
});

test('decodes v0 messages, with and without lookup tables', () => {
  const plain = decodeSolanaMessage(v0Message(false));
  assert.equal(plain.version, 0);
  assert.deepEqual(plain.addressTableLookups, []);
  const looked = decodeSolanaMessage(v0Message(true));
  assert.equal(looked.version, 0);
  assert.deepEqual(looked.staticAccounts, [payer.toBase58(), SYSTEM_PROGRAM_ID]);
  assert.deepEqual(looked.addressTableLookups, [{ tableAddress: tableKey.toBase58(), writableIndexes: [1], readonlyIndexes: [] }]);
  assert.equal(accountCount(looked), 3);
  assert.deepEqual(looked.instructions[0]!.accountIndices, [0, 2]);
});

test('an unknown message version is unsupported, not decode_failed', () => {
  for (const prefix of [0x81, 0xff]) {
    const bytes = v0Message(false);
    bytes[0] = prefix;
    rejects(() => decodeSolanaMessage(bytes), 'unsupported', /version/);
  }
});

test('every truncation of a valid legacy or v0 message fails closed', () => {
  for (const bytes of [transferMessage(), v0Message(true)]) {
    for (let n = 1; n < bytes.length; n++) decodeFailed(() => decodeSolanaMessage(bytes.subarray(0, n)));
  }
});

test('trailing bytes are rejected', () => {
  decodeFailed(() => decodeSolanaMessage(Uint8Array.from([...transferMessage(), 0])), /trailing/);
  decodeFailed(() => decodeSolanaMessage(Uint8Array.from([...v0Message(true), 0])), /trailing/);
});

// Layout of the single-transfer legacy message: header(3) keys-count(1) 3×32 keys, blockhash(32), ix-count(1),
// then program id index, account count, account indices, data length, data.
const IX = 3 + 1 + 3 * 32 + 32 + 1;

test('program and account indices out of range are rejected (lookup-table accounts count)', () => {
  const programOut = transferMessage();
  programOut[IX] = 3;
  decodeFailed(() => decodeSolanaMessage(programOut), /program id index out of range/);
  const accountOut = transferMessage();
  accountOut[IX + 2] = 200;
  decodeFailed(() => decodeSolanaMessage(accountOut), /account index out of range/);
  const payerAsProgram = transferMessage();
  payerAsProgram[IX] = 0;
  decodeFailed(() => decodeSolanaMessage(payerAsProgram), /fee payer used as a program/);
  // v0: index 2 is the loaded account; 3 is past the end
  const v0 = v0Message(true);
  const ixStart = 1 + 3 + 1 + 2 * 32 + 32 + 1;
  assert.equal(v0[ixStart + 3], 2);
  v0[ixStart + 3] = 3;
  decodeFailed(() => decodeSolanaMessage(v0), /account index out of range/);
  const programFromTable = v0Message(true);
  programFromTable[ixStart] = 2;
  decodeFailed(() => decodeSolanaMessage(programFromTable), /program id index out of range/);
});

test('inconsistent headers and duplicate keys are rejected', () => {
  const noSigners = transferMessage();
  noSigners[0] = 0;
  decodeFailed(() => decodeSolanaMessage(noSigners), /no signatures/);
  const tooMany = transferMessage();
  tooMany[0] = 4;
  decodeFailed(() => decodeSolanaMessage(tooMany), /more signers/);
  const readonlyPayer = transferMessage();
  readonlyPayer[1] = 1;
  decodeFailed(() => decodeSolanaMessage(readonlyPayer), /read-only/);
  const readonlyUnsigned = transferMessage();
  readonlyUnsigned[2] = 3;
  decodeFailed(() => decodeSolanaMessage(readonlyUnsigned), /read-only count/);
  const duplicate = transferMessage();
  duplicate.set(duplicate.subarray(4, 36), 36);
  decodeFailed(() => decodeSolanaMessage(duplicate), /duplicate account key/);
});

test('non-canonical compact-u16 lengths are rejected (the codec alone accepts them)', () => {
  const bytes = transferMessage();
  // key count 3 written as 0x83 0x00
  const nonCanonical = Uint8Array.from([...bytes.subarray(0, 3), 0x83, 0x00, ...bytes.subarray(4)]);
  decodeFailed(() => decodeSolanaMessage(nonCanonical), /non-canonical/);
});

test('empty and oversized input is rejected', () => {
  decodeFailed(() => decodeSolanaMessage(new Uint8Array()), /empty/);
  decodeFailed(() => decodeSolanaMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1).fill(1)), /packet/);
});

test('instruction data lengths use compact-u16 (a 200-byte payload round-trips)', () => {
  const program = Keypair.fromSeed(new Uint8Array(32).fill(4)).publicKey;
  const data = Buffer.alloc(200, 0xab);
  const tx = new Transaction({ feePayer: payer, recentBlockhash: blockhash }).add(
    new TransactionInstruction({ programId: program, keys: [{ pubkey: payer, isSigner: true, isWritable: true }], data }),
  );
  const msg = decodeSolanaMessage(new Uint8Array(tx.serializeMessage()));
  assert.deepEqual(Buffer.from(msg.instructions[0]!.data), data);
});
