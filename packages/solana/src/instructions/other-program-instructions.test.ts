import { test } from 'node:test';
import assert from 'node:assert/strict';
import { address, createNoopSigner } from '@solana/kit';
import * as cb from '@solana-program/compute-budget';
import { LEGACY_MEMO_PROGRAM_ADDRESS_V3, getAddMemoInstruction } from '@solana-program/memo';
import * as tok from '@solana-program/token';
import { testAddress, instructionInput } from '../test-fixtures.js';
import { decodeInstruction, isKnownProgram } from './instruction-decoder.js';
import { MAX_MEMO_CHARS } from './memo-instruction.js';

const payer = createNoopSigner(address(testAddress(1)));
const wallet = address(testAddress(2));
const mint = address(testAddress(4));
const ata = address(testAddress(6));
const undecodable = { kind: 'undecodable', known: false, flags: ['undecodable'] };

test('Associated Token Account: create and create-idempotent are known; the legacy empty-data create too', () => {
  const create = instructionInput(tok.getCreateAssociatedTokenInstruction({ payer, ata, owner: wallet, mint }) as never);
  assert.deepEqual(decodeInstruction(create), { kind: 'createAssociatedToken', known: true });
  const idem = instructionInput(tok.getCreateAssociatedTokenIdempotentInstruction({ payer, ata, owner: wallet, mint }) as never);
  assert.deepEqual(decodeInstruction(idem), { kind: 'createAssociatedTokenIdempotent', known: true });
  assert.deepEqual(decodeInstruction({ ...create, data: new Uint8Array() }), { kind: 'createAssociatedToken', known: true });
  assert.deepEqual(decodeInstruction({ ...create, data: Uint8Array.of(9) }), undecodable);
});

test('Compute Budget: unit limit and price are decoded; heap frame known; garbage undecodable', () => {
  assert.deepEqual(decodeInstruction(instructionInput(cb.getSetComputeUnitLimitInstruction({ units: 300_000 }) as never)), {
    kind: 'setComputeUnitLimit',
    known: true,
    computeUnitLimit: 300_000,
  });
  assert.deepEqual(decodeInstruction(instructionInput(cb.getSetComputeUnitPriceInstruction({ microLamports: 12_345n }) as never)), {
    kind: 'setComputeUnitPrice',
    known: true,
    computeUnitPriceMicroLamports: 12_345n,
  });
  assert.deepEqual(decodeInstruction(instructionInput(cb.getRequestHeapFrameInstruction({ bytes: 64 * 1024 }) as never)), {
    kind: 'requestHeapFrame',
    known: true,
  });
  const price = instructionInput(cb.getSetComputeUnitPriceInstruction({ microLamports: 1n }) as never);
  assert.deepEqual(decodeInstruction({ ...price, data: price.data.subarray(0, 4) }), undecodable);
});

test('Memo: text in the facts, truncated; invalid UTF-8 undecodable; every memo program id is known', () => {
  const memo = instructionInput(getAddMemoInstruction({ memo: 'order #42' }) as never);
  assert.deepEqual(decodeInstruction(memo), { kind: 'addMemo', known: true, memo: 'order #42' });
  const v2 = { ...memo, programAddress: LEGACY_MEMO_PROGRAM_ADDRESS_V3 };
  assert.equal(decodeInstruction(v2).memo, 'order #42');
  const long = decodeInstruction(instructionInput(getAddMemoInstruction({ memo: 'x'.repeat(600) }) as never));
  assert.equal(long.memo!.length, MAX_MEMO_CHARS);
  assert.ok(long.memo!.endsWith('…'));
  assert.deepEqual(decodeInstruction({ ...memo, data: Uint8Array.of(0xff, 0xfe) }), undecodable);
  assert.ok(isKnownProgram(LEGACY_MEMO_PROGRAM_ADDRESS_V3));
});

test('a program this plugin does not know is unknown, with no facts', () => {
  assert.deepEqual(decodeInstruction({ index: 0, programAddress: testAddress(9), accounts: [], data: Uint8Array.of(1, 2) }), { kind: 'unknown', known: false });
  assert.equal(isKnownProgram(testAddress(9)), false);
});
