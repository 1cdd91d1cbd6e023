import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  address,
  appendTransactionMessageInstructions,
  compileTransaction,
  createNoopSigner,
  createTransactionMessage,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
  blockhash as kitBlockhash,
} from '@solana/kit';
import type { Instruction } from '@solana/kit';
import * as cb from '@solana-program/compute-budget';
import { getAddMemoInstruction } from '@solana-program/memo';
import * as sys from '@solana-program/system';
import * as tok from '@solana-program/token';
import { TOKEN_2022_PROGRAM_ADDRESS } from '@solana-program/token-2022';
import { resolveAccounts } from './account-keys.js';
import { associatedTokenAddress } from './associated-token-address.js';
import { decodeSolanaMessage } from './message-decoder.js';
import type { AccountReader } from './rpc-account-reader.js';
import { UNKNOWN_SPL_ASSET, buildSolanaIntent } from './solana-intent.js';
import { testAddress } from './test-fixtures.js';

const payer = createNoopSigner(address(testAddress(1)));
const wallet = address(testAddress(2));
const mint = address(testAddress(4));
const source = address(testAddress(5));

function messageOf(instructions: Instruction[], feePayer = payer): Uint8Array {
  const msg = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayer(feePayer.address, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: kitBlockhash(testAddress(3)), lastValidBlockHeight: 100n }, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  return Uint8Array.from(compileTransaction(msg).messageBytes);
}

async function intentOf(instructions: Instruction[], reader?: AccountReader, signer: string = payer.address) {
  const message = decodeSolanaMessage(messageOf(instructions));
  const accounts = resolveAccounts(message, { writable: [], readonly: [] }, 'message_b64');
  return buildSolanaIntent({ message, accounts, signer, ...(reader ? { reader } : {}) });
}

test('fee = base + ceil(price × limit / 1e6); default limit 200k per non-compute-budget instruction', async () => {
  const transfer = sys.getTransferSolInstruction({ source: payer, destination: wallet, amount: 1n });
  const priced = await intentOf([
    cb.getSetComputeUnitLimitInstruction({ units: 300_001 }),
    cb.getSetComputeUnitPriceInstruction({ microLamports: 3n }),
    transfer,
  ]);
  assert.deepEqual(priced.intent.fees, [{ asset: 'native', amount: 5001n }]); // ceil(3 × 300001 / 1e6) = 1
  assert.equal(priced.fee.priorityFee, 1n);
  const defaulted = await intentOf([cb.getSetComputeUnitPriceInstruction({ microLamports: 1_000_000n }), transfer, transfer]);
  assert.equal(defaulted.fee.computeUnitLimit, 400_000);
  assert.deepEqual(defaulted.intent.fees, [{ asset: 'native', amount: 5000n + 400_000n }]);
  const none = await intentOf([transfer]);
  assert.deepEqual(none.intent.fees, [{ asset: 'native', amount: 5000n }]);
  assert.deepEqual(none.intent.flags, []);
  const twice = await intentOf([
    cb.getSetComputeUnitPriceInstruction({ microLamports: 1n }),
    cb.getSetComputeUnitPriceInstruction({ microLamports: 2n }),
    transfer,
  ]);
  assert.ok(twice.intent.flags.includes('undecodable'), 'a repeated compute budget instruction is refused like the runtime refuses it');
});

test('SPL: TransferChecked carries its mint; destination passes for the wallet whose ATA it is (derivation)', async () => {
  const ata = associatedTokenAddress(wallet, mint, tok.TOKEN_PROGRAM_ADDRESS)!;
  const [expected] = await tok.findAssociatedTokenPda({ owner: wallet, mint, tokenProgram: tok.TOKEN_PROGRAM_ADDRESS });
  assert.equal(ata, expected, 'same derivation as @solana-program/token');
  const ix = tok.getTransferCheckedInstruction({ source, mint, destination: address(ata), authority: payer, amount: 50n, decimals: 6 });
  const { intent } = await intentOf([ix]);
  const t = intent.transfers[0]!;
  assert.equal(t.asset, `spl:${mint}`);
  assert.equal(t.to, ata);
  assert.equal(t.toOwnedBy?.(wallet), true);
  assert.equal(t.toOwnedBy?.(testAddress(9)), false);
  // the same wallet under Token-2022 has another ATA
  assert.notEqual(associatedTokenAddress(wallet, mint, TOKEN_2022_PROGRAM_ADDRESS), ata);
  assert.equal(associatedTokenAddress('not-an-address', mint, tok.TOKEN_PROGRAM_ADDRESS), undefined);
});

test('SPL: a plain Transfer is spl:unknown without an RPC, and takes the mint of its source account with one', async () => {
  const ix = tok.getTransferInstruction({ source, destination: wallet, authority: payer, amount: 5n });
  const without = await intentOf([ix]);
  assert.equal(without.intent.transfers[0]!.asset, UNKNOWN_SPL_ASSET);
  assert.equal(without.intent.transfers[0]!.toOwnedBy, undefined);
  const tokenAccount = new Uint8Array(165);
  tokenAccount.set(new Uint8Array(32).fill(4), 0); // the mint: testAddress(4)
  const reader: AccountReader = {
    getAccount: async (a) => (a === source ? { owner: tok.TOKEN_PROGRAM_ADDRESS, lamports: 2_039_280n, data: tokenAccount } : null),
  };
  const withRpc = await intentOf([ix], reader);
  assert.equal(withRpc.intent.transfers[0]!.asset, `spl:${mint}`);
});

test('CloseAccount to a third party: the balance through the RPC, else unresolved_accounts (denied)', async () => {
  const ix = tok.getCloseAccountInstruction({ account: source, destination: wallet, owner: payer });
  const without = await intentOf([ix]);
  assert.ok(without.intent.flags.includes('unresolved_accounts'));
  const reader: AccountReader = { getAccount: async () => ({ owner: tok.TOKEN_PROGRAM_ADDRESS, lamports: 2_039_280n, data: new Uint8Array(165) }) };
  const withRpc = await intentOf([ix], reader);
  assert.deepEqual(
    withRpc.intent.transfers.map((t) => [t.asset, t.amount, t.to]),
    [['native', 2_039_280n, wallet]],
  );
  assert.deepEqual(withRpc.intent.flags, []);
});

test('durable nonce, authority changes and memos are reported; another fee payer means no fee for us', async () => {
  const nonce = address(testAddress(7));
  const { intent } = await intentOf([
    sys.getAdvanceNonceAccountInstruction({ nonceAccount: nonce, nonceAuthority: payer }),
    sys.getAssignInstruction({ account: payer, programAddress: wallet }),
    getAddMemoInstruction({ memo: 'rebalance' }),
  ]);
  assert.deepEqual(intent.flags, ['durable_nonce', 'authority_change']);
  assert.deepEqual(intent.memos, ['rebalance']);
  assert.deepEqual(
    intent.actions.map((a) => a.kind),
    ['advanceNonceAccount', 'assign', 'addMemo'],
  );
  const cosigned = await intentOf(
    [sys.getTransferSolInstruction({ source: createNoopSigner(address(testAddress(8))), destination: wallet, amount: 3n })],
    undefined,
    testAddress(8),
  );
  assert.deepEqual(cosigned.intent.fees, []);
});
