import { test } from 'node:test';
import assert from 'node:assert/strict';
import { address, createNoopSigner } from '@solana/kit';
import * as tok from '@solana-program/token';
import * as t22 from '@solana-program/token-2022';
import { testAddress, instructionInput } from '../test-fixtures.js';
import { decodeInstruction } from './instruction-decoder.js';
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from './token-instructions.js';

const authority = createNoopSigner(address(testAddress(1)));
const source = address(testAddress(2));
const dest = address(testAddress(3));
const mint = address(testAddress(4));
const delegate = address(testAddress(5));
const spl = `spl:${mint}`;

test('SPL Token instructions built by @solana-program/token decode to kinds and facts', () => {
  const via = TOKEN_PROGRAM_ID;
  const move = (t: object) => ({ transfers: [{ ...t, via, tokenProgram: via }] });
  const cases: [unknown, string, object][] = [
    [
      tok.getTransferInstruction({ source, destination: dest, authority, amount: 7n }),
      'transfer',
      move({ mintOf: source, amount: 7n, from: source, to: dest }),
    ],
    [
      tok.getTransferCheckedInstruction({ source, mint, destination: dest, authority, amount: 8n, decimals: 6 }),
      'transferChecked',
      move({ asset: spl, amount: 8n, from: source, to: dest }),
    ],
    [
      tok.getApproveInstruction({ source, delegate, owner: authority, amount: 9n }),
      'approve',
      { ...move({ mintOf: source, amount: 9n, from: source, to: delegate }), flags: ['authority_change'] },
    ],
    [
      tok.getApproveCheckedInstruction({ source, mint, delegate, owner: authority, amount: 10n, decimals: 6 }),
      'approveChecked',
      { ...move({ asset: spl, amount: 10n, from: source, to: delegate }), flags: ['authority_change'] },
    ],
    [tok.getBurnInstruction({ account: source, mint, authority, amount: 11n }), 'burn', move({ asset: spl, amount: 11n, from: source, to: mint })],
    [
      tok.getBurnCheckedInstruction({ account: source, mint, authority, amount: 12n, decimals: 6 }),
      'burnChecked',
      move({ asset: spl, amount: 12n, from: source, to: mint }),
    ],
    [tok.getMintToInstruction({ mint, token: dest, mintAuthority: authority, amount: 13n }), 'mintTo', move({ asset: spl, amount: 13n, from: mint, to: dest })],
    [
      tok.getMintToCheckedInstruction({ mint, token: dest, mintAuthority: authority, amount: 14n, decimals: 6 }),
      'mintToChecked',
      move({ asset: spl, amount: 14n, from: mint, to: dest }),
    ],
    [
      tok.getCloseAccountInstruction({ account: source, destination: dest, owner: authority }),
      'closeAccount',
      { transfers: [{ asset: 'native', balanceOf: source, from: source, to: dest, via }] },
    ],
    [tok.getCloseAccountInstruction({ account: source, destination: authority.address, owner: authority }), 'closeAccount', {}],
    [
      tok.getSetAuthorityInstruction({ owned: source, owner: authority, authorityType: tok.AuthorityType.AccountOwner, newAuthority: dest }),
      'setAuthority',
      { flags: ['authority_change'] },
    ],
    [tok.getSyncNativeInstruction({ account: source }), 'syncNative', {}],
    [tok.getRevokeInstruction({ source, owner: authority }), 'revoke', {}],
    [tok.getInitializeAccount3Instruction({ account: source, mint, owner: authority.address }), 'initializeAccount3', {}],
  ];
  for (const [ix, kind, facts] of cases) assert.deepEqual(decodeInstruction(instructionInput(ix as never)), { kind, known: true, ...facts }, kind);
});

test('Token-2022: TransferCheckedWithFee, shared instructions, and extensions reported by name as unknown', () => {
  const via = TOKEN_2022_PROGRAM_ID;
  const withFee = t22.getTransferCheckedWithFeeInstruction({ source, mint, destination: dest, authority, amount: 1000n, decimals: 6, fee: 5n });
  assert.deepEqual(decodeInstruction(instructionInput(withFee as never)), {
    kind: 'transferCheckedWithFee',
    known: true,
    transfers: [{ asset: spl, amount: 1000n, from: source, to: dest, via, tokenProgram: via }],
  });
  const checked = t22.getTransferCheckedInstruction({ source, mint, destination: dest, authority, amount: 3n, decimals: 6 });
  assert.equal(decodeInstruction(instructionInput(checked as never)).kind, 'transferChecked');
  const cpiGuard = t22.getEnableCpiGuardInstruction({ token: source, owner: authority });
  assert.deepEqual(decodeInstruction(instructionInput(cpiGuard as never)), { kind: 'enableCpiGuard', known: false });
});

test('token instructions that do not parse exactly are undecodable', () => {
  const good = instructionInput(tok.getTransferCheckedInstruction({ source, mint, destination: dest, authority, amount: 8n, decimals: 6 }) as never);
  const undecodable = { kind: 'undecodable', known: false, flags: ['undecodable'] };
  assert.deepEqual(decodeInstruction({ ...good, data: Uint8Array.from([...good.data, 1]) }), undecodable);
  assert.deepEqual(decodeInstruction({ ...good, data: good.data.subarray(0, 5) }), undecodable);
  assert.deepEqual(decodeInstruction({ ...good, accounts: good.accounts.slice(0, 2) }), undecodable);
  assert.deepEqual(decodeInstruction({ ...good, data: Uint8Array.of(250) }), undecodable);
});
