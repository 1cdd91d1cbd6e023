import { test } from 'node:test';
import assert from 'node:assert/strict';
import { address, createNoopSigner } from '@solana/kit';
import * as sys from '@solana-program/system';
import { testAddress, instructionInput } from '../test-fixtures.js';
import { decodeInstruction } from './instruction-decoder.js';
import { SYSTEM_INSTRUCTION_KINDS, SYSTEM_PROGRAM_ID } from './system-instructions.js';

const payer = createNoopSigner(address(testAddress(1)));
const other = createNoopSigner(address(testAddress(2)));
const target = address(testAddress(3));
const owner = address(testAddress(4));
const native = (from: string, to: string, amount: bigint) => ({ asset: 'native', amount, from, to, via: SYSTEM_PROGRAM_ID });

test('every System instruction built by @solana-program/system decodes to its kind and facts', () => {
  const cases: [unknown, string, object][] = [
    [sys.getTransferSolInstruction({ source: payer, destination: target, amount: 10n }), 'transfer', { transfers: [native(payer.address, target, 10n)] }],
    [
      sys.getTransferSolWithSeedInstruction({ source: target, baseAccount: payer, destination: owner, amount: 11n, fromSeed: 's', fromOwner: owner }),
      'transferWithSeed',
      { transfers: [native(target, owner, 11n)] },
    ],
    [
      sys.getCreateAccountInstruction({ payer, newAccount: other, lamports: 12n, space: 0n, programAddress: owner }),
      'createAccount',
      { transfers: [native(payer.address, other.address, 12n)] },
    ],
    [
      sys.getCreateAccountWithSeedInstruction({
        payer,
        newAccount: target,
        baseAccount: payer,
        base: payer.address,
        seed: 'x',
        amount: 13n,
        space: 1n,
        programAddress: owner,
      }),
      'createAccountWithSeed',
      { transfers: [native(payer.address, target, 13n)] },
    ],
    [
      sys.getCreateAccountAllowPrefundInstruction({ newAccount: other, payer, lamports: 14n, space: 0n, programAddress: owner }),
      'createAccountAllowPrefund',
      { transfers: [native(payer.address, other.address, 14n)] },
    ],
    [
      sys.getWithdrawNonceAccountInstruction({ nonceAccount: target, recipientAccount: owner, nonceAuthority: payer, withdrawAmount: 15n }),
      'withdrawNonceAccount',
      { transfers: [native(target, owner, 15n)] },
    ],
    [sys.getAssignInstruction({ account: payer, programAddress: owner }), 'assign', { flags: ['authority_change'] }],
    [
      sys.getAssignWithSeedInstruction({ account: target, baseAccount: payer, base: payer.address, seed: 'x', programAddress: owner }),
      'assignWithSeed',
      { flags: ['authority_change'] },
    ],
    [sys.getAllocateInstruction({ newAccount: payer, space: 8n }), 'allocate', { flags: ['authority_change'] }],
    [
      sys.getAllocateWithSeedInstruction({ newAccount: target, baseAccount: payer, base: payer.address, seed: 'x', space: 8n, programAddress: owner }),
      'allocateWithSeed',
      { flags: ['authority_change'] },
    ],
    [
      sys.getAuthorizeNonceAccountInstruction({ nonceAccount: target, nonceAuthority: payer, newNonceAuthority: owner }),
      'authorizeNonceAccount',
      { flags: ['authority_change'] },
    ],
    [sys.getAdvanceNonceAccountInstruction({ nonceAccount: target, nonceAuthority: payer }), 'advanceNonceAccount', { flags: ['durable_nonce'] }],
    [sys.getInitializeNonceAccountInstruction({ nonceAccount: target, nonceAuthority: owner }), 'initializeNonceAccount', {}],
    [sys.getUpgradeNonceAccountInstruction({ nonceAccount: target }), 'upgradeNonceAccount', {}],
  ];
  const seen = new Set<string>();
  for (const [ix, kind, facts] of cases) {
    const got = decodeInstruction(instructionInput(ix as never));
    assert.deepEqual(got, { kind, known: true, ...facts }, kind);
    seen.add(kind);
  }
  assert.deepEqual([...seen].sort(), [...SYSTEM_INSTRUCTION_KINDS].sort(), 'every System instruction kind is covered');
});

test('System instructions that do not parse exactly are undecodable', () => {
  const good = instructionInput(sys.getTransferSolInstruction({ source: payer, destination: target, amount: 10n }) as never);
  const undecodable = { kind: 'undecodable', known: false, flags: ['undecodable'] };
  assert.deepEqual(decodeInstruction({ ...good, data: Uint8Array.from([...good.data, 0]) }), undecodable, 'trailing data byte');
  assert.deepEqual(decodeInstruction({ ...good, data: good.data.subarray(0, 8) }), undecodable, 'truncated amount');
  assert.deepEqual(decodeInstruction({ ...good, accounts: good.accounts.slice(0, 1) }), undecodable, 'missing destination');
  assert.deepEqual(decodeInstruction({ ...good, data: Uint8Array.of(99, 0, 0, 0) }), undecodable, 'unknown discriminator');
  assert.deepEqual(decodeInstruction({ ...good, data: new Uint8Array() }), undecodable, 'no data');
});
