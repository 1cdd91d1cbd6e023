import type { Intent, IntentAction, IntentFlag, Transfer } from '@openkms/core';
import type { ResolvedAccount } from './account-keys.js';
import { associatedTokenAddress } from './associated-token-address.js';
import { transactionFee } from './compute-budget.js';
import type { TransactionFee } from './compute-budget.js';
import { COMPUTE_BUDGET_PROGRAM_ID } from './instructions/compute-budget-instructions.js';
import { decodeInstruction } from './instructions/instruction-decoder.js';
import type { InstructionFacts, TransferFact } from './instructions/instruction-facts.js';
import type { SolanaMessage } from './message-decoder.js';
import type { AccountReader } from './rpc-account-reader.js';
import { solanaAddress } from './solana-address.js';

/** Asset id of an SPL transfer whose mint is not known (plain `Transfer` without an RPC): no cap or allowlist names it. */
export const UNKNOWN_SPL_ASSET = 'spl:unknown';

export interface SolanaIntentInput {
  readonly message: SolanaMessage;
  /** The full account list (static, then loaded from trusted lookup tables). */
  readonly accounts: readonly ResolvedAccount[];
  /** The signing key's address. */
  readonly signer: string;
  readonly network?: string;
  /** The trusted RPC, when configured: mints of plain SPL transfers, balances of closed token accounts. */
  readonly reader?: AccountReader;
}

export interface SolanaIntentResult {
  readonly intent: Intent;
  /** Per instruction, what was decoded. */
  readonly instructions: readonly InstructionFacts[];
  readonly fee: TransactionFee;
}

/**
 * Turns a decoded message into policy facts. Every instruction is decoded by its program's client (see
 * instructions/); addresses loaded from lookup tables take part exactly like static ones.
 * - actions: one per instruction `{ program, kind, known }`; programs: distinct program ids in first-seen order;
 * - transfers: native and SPL movements (plain SPL `transfer`: mint read from the source account through the RPC,
 *   else `spl:unknown`); an SPL destination also passes an allowlist holding the wallet whose associated token
 *   account it is (`toOwnedBy`, by derivation);
 * - fees: base + priority fee (`native`) when the key is the fee payer; empty when another account pays;
 * - flags: `unknown_instruction` (some action known = false), `undecodable` (an instruction of a known program does
 *   not parse, or compute budget instructions repeat), `durable_nonce`, `authority_change`, `unresolved_accounts`
 *   (a closed account's balance could not be read: no RPC);
 * - memos: memo texts, truncated.
 */
export async function buildSolanaIntent(input: SolanaIntentInput): Promise<SolanaIntentResult> {
  const { message, accounts, signer } = input;
  const actions: IntentAction[] = [];
  const programs: string[] = [];
  const ixPrograms: string[] = [];
  const flags = new Set<IntentFlag>();
  const memos: string[] = [];
  const facts: InstructionFacts[] = [];
  const seenCompute = new Set<string>();

  message.instructions.forEach((ix, index) => {
    const program = accounts[ix.programIdIndex]!.address;
    ixPrograms.push(program);
    if (!programs.includes(program)) programs.push(program);
    const f = decodeInstruction({ index, programAddress: program, accounts: ix.accountIndices.map((i) => accounts[i]!), data: ix.data });
    facts.push(f);
    actions.push({ program, kind: f.kind, known: f.known });
    for (const flag of f.flags ?? []) flags.add(flag);
    if (!f.known && f.kind !== 'undecodable') flags.add('unknown_instruction');
    if (f.memo !== undefined) memos.push(f.memo);
    if (program === COMPUTE_BUDGET_PROGRAM_ID && f.known) {
      // the runtime refuses a transaction that repeats a compute budget instruction; so do we
      if (seenCompute.has(f.kind)) flags.add('undecodable');
      seenCompute.add(f.kind);
    }
  });

  const transfers: Transfer[] = [];
  for (const f of facts) for (const t of f.transfers ?? []) transfers.push(await completeTransfer(t, input.reader, flags));

  const fee = transactionFee(message.header.numRequiredSignatures, facts, ixPrograms, COMPUTE_BUDGET_PROGRAM_ID);
  const intent: Intent = {
    chain: 'solana',
    ...(input.network === undefined ? {} : { network: input.network }),
    signer,
    actions,
    programs,
    messageTypes: [],
    contracts: [],
    transfers,
    fees: message.staticAccounts[0] === signer ? [{ asset: 'native', amount: fee.total }] : [],
    flags: [...flags],
    ...(memos.length === 0 ? {} : { memos }),
  };
  return { intent, instructions: facts, fee };
}

async function completeTransfer(t: TransferFact, reader: AccountReader | undefined, flags: Set<IntentFlag>): Promise<Transfer> {
  let asset = t.asset;
  if (asset === undefined) asset = t.mintOf === undefined || reader === undefined ? UNKNOWN_SPL_ASSET : await mintOf(reader, t.mintOf, t.via);
  let amount = t.amount;
  if (amount === undefined) {
    if (t.balanceOf !== undefined && reader !== undefined) {
      amount = (await reader.getAccount(t.balanceOf))?.lamports ?? 0n;
    } else {
      amount = 0n;
      flags.add('unresolved_accounts');
    }
  }
  const transfer: Transfer = { asset, amount, from: t.from, to: t.to, via: t.via };
  const tokenProgram = t.tokenProgram;
  if (tokenProgram === undefined || !asset.startsWith('spl:') || asset === UNKNOWN_SPL_ASSET) return transfer;
  const mint = asset.slice('spl:'.length);
  const to = t.to;
  return { ...transfer, toOwnedBy: (owner: string) => associatedTokenAddress(owner, mint, tokenProgram) === to };
}

/** The mint of an SPL token account (its first 32 bytes), read through the trusted RPC; `spl:unknown` if it is not one. */
async function mintOf(reader: AccountReader, tokenAccount: string, tokenProgram: string): Promise<string> {
  const account = await reader.getAccount(tokenAccount);
  if (account === null || account.owner !== tokenProgram || account.data.length < 165) return UNKNOWN_SPL_ASSET;
  return `spl:${solanaAddress(account.data.subarray(0, 32))}`;
}
