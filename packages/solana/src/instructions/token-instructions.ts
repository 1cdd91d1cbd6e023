import * as token from '@solana-program/token';
import { TOKEN_PROGRAM_ADDRESS, TokenInstruction, identifyTokenInstruction, parseTokenInstruction } from '@solana-program/token';
import * as token2022 from '@solana-program/token-2022';
import { TOKEN_2022_PROGRAM_ADDRESS, Token2022Instruction, identifyToken2022Instruction, parseToken2022Instruction } from '@solana-program/token-2022';
import { undecodable } from './instruction-facts.js';
import type { InstructionFacts, InstructionInput, TransferFact } from './instruction-facts.js';
import { camelName, parseProgramInstruction } from './parse-program-instruction.js';
import type { ProgramClient } from './parse-program-instruction.js';

export const TOKEN_PROGRAM_ID: string = TOKEN_PROGRAM_ADDRESS;
export const TOKEN_2022_PROGRAM_ID: string = TOKEN_2022_PROGRAM_ADDRESS;

const clients: Readonly<Record<string, ProgramClient>> = {
  [TOKEN_PROGRAM_ID]: {
    identify: (data) => identifyTokenInstruction(data),
    parse: parseTokenInstruction as unknown as ProgramClient['parse'],
    names: TokenInstruction as unknown as Record<number, string>,
    module: token as unknown as Record<string, unknown>,
  },
  [TOKEN_2022_PROGRAM_ID]: {
    identify: (data) => identifyToken2022Instruction(data),
    parse: parseToken2022Instruction as unknown as ProgramClient['parse'],
    names: Token2022Instruction as unknown as Record<number, string>,
    module: token2022 as unknown as Record<string, unknown>,
  },
};

/** Instructions that move no value and hand over no authority: known, with no facts. */
const INERT = new Set([
  'InitializeMint',
  'InitializeMint2',
  'InitializeAccount',
  'InitializeAccount2',
  'InitializeAccount3',
  'InitializeMultisig',
  'InitializeMultisig2',
  'InitializeImmutableOwner',
  'SyncNative',
  'Revoke',
  'FreezeAccount',
  'ThawAccount',
  'GetAccountDataSize',
  'AmountToUiAmount',
  'UiAmountToAmount',
]);

/** Token instruction kinds this plugin decodes into facts (value, authority) or knows to be inert. */
export const TOKEN_INSTRUCTION_KINDS: readonly string[] = [
  'transfer',
  'transferChecked',
  'transferCheckedWithFee',
  'approve',
  'approveChecked',
  'burn',
  'burnChecked',
  'mintTo',
  'mintToChecked',
  'closeAccount',
  'setAuthority',
  ...[...INERT].map(camelName),
];

/** True for the SPL Token and Token-2022 program ids. */
export function isTokenProgram(program: string): boolean {
  return program === TOKEN_PROGRAM_ID || program === TOKEN_2022_PROGRAM_ID;
}

/**
 * Decodes SPL Token and Token-2022 instructions with @solana-program/token and @solana-program/token-2022.
 * - transfer / transferChecked / transferCheckedWithFee: `spl:<mint>` from source to destination (plain `transfer`
 *   carries no mint: it is read from the source account through the trusted RPC, else `spl:unknown`);
 * - approve / approveChecked: the delegate may spend the amount, so it counts as a transfer to the delegate;
 * - burn / burnChecked: a transfer of the amount to the mint (tokens destroyed); mintTo / mintToChecked: from the mint;
 * - closeAccount: the account's lamports go to the destination (a native transfer unless the destination is the
 *   account's own owner; the amount is read through the RPC);
 * - setAuthority: flag `authority_change`; a handful of inert instructions are known with no facts;
 * - every other instruction of these programs (extensions, confidential transfers, …) is reported by name with
 *   known = false; anything that does not parse exactly is `undecodable`.
 */
export function decodeTokenInstruction(input: InstructionInput): InstructionFacts {
  const client = clients[input.programAddress];
  const parsed = client === undefined ? undefined : parseProgramInstruction(client, input);
  if (parsed === undefined) return undecodable();
  const kind = camelName(parsed.name);
  const via = input.programAddress;
  const a = (name: string): string => parsed.accounts[name]!.address;
  const d = parsed.data;
  const spl = (mint: string) => `spl:${mint}`;
  const move = (t: Omit<TransferFact, 'via' | 'tokenProgram'>): InstructionFacts => ({ kind, known: true, transfers: [{ ...t, via, tokenProgram: via }] });
  switch (parsed.name) {
    case 'Transfer':
      return move({ mintOf: a('source'), amount: d.amount as bigint, from: a('source'), to: a('destination') });
    case 'TransferChecked':
    case 'TransferCheckedWithFee':
      return move({ asset: spl(a('mint')), amount: d.amount as bigint, from: a('source'), to: a('destination') });
    case 'Approve':
      return { ...move({ mintOf: a('source'), amount: d.amount as bigint, from: a('source'), to: a('delegate') }), flags: ['authority_change'] };
    case 'ApproveChecked':
      return { ...move({ asset: spl(a('mint')), amount: d.amount as bigint, from: a('source'), to: a('delegate') }), flags: ['authority_change'] };
    case 'Burn':
    case 'BurnChecked':
      return move({ asset: spl(a('mint')), amount: d.amount as bigint, from: a('account'), to: a('mint') });
    case 'MintTo':
    case 'MintToChecked':
      return move({ asset: spl(a('mint')), amount: d.amount as bigint, from: a('mint'), to: a('token') });
    case 'CloseAccount': {
      if (a('destination') === a('owner')) return { kind, known: true };
      return { kind, known: true, transfers: [{ asset: 'native', balanceOf: a('account'), from: a('account'), to: a('destination'), via }] };
    }
    case 'SetAuthority':
      return { kind, known: true, flags: ['authority_change'] };
    default:
      return INERT.has(parsed.name) ? { kind, known: true } : { kind, known: false };
  }
}
