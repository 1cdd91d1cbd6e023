import * as system from '@solana-program/system';
import { SYSTEM_PROGRAM_ADDRESS, SystemInstruction, identifySystemInstruction, parseSystemInstruction } from '@solana-program/system';
import { undecodable } from './instruction-facts.js';
import type { InstructionFacts, InstructionInput, TransferFact } from './instruction-facts.js';
import { camelName, parseProgramInstruction } from './parse-program-instruction.js';
import type { ProgramClient } from './parse-program-instruction.js';

/** The System program id (32 zero bytes). */
export const SYSTEM_PROGRAM_ID: string = SYSTEM_PROGRAM_ADDRESS;

const client: ProgramClient = {
  identify: (data) => identifySystemInstruction(data),
  parse: parseSystemInstruction as unknown as ProgramClient['parse'],
  names: SystemInstruction as unknown as Record<number, string>,
  module: system as unknown as Record<string, unknown>,
};

/** Intent names of System instructions whose library name differs (the original openKMS called TransferSol `transfer`). */
const KIND: Readonly<Record<string, string>> = { TransferSol: 'transfer', TransferSolWithSeed: 'transferWithSeed' };

/** Every System instruction kind, as the intent names it (for the docs and `allowed_programs[].instructions`). */
export const SYSTEM_INSTRUCTION_KINDS: readonly string[] = Object.values(SystemInstruction)
  .filter((v): v is string => typeof v === 'string')
  .map((name) => KIND[name] ?? camelName(name));

/**
 * Decodes every System instruction with @solana-program/system:
 * - native transfers (`native`, lamports): transfer, transferWithSeed, createAccount, createAccountWithSeed,
 *   createAccountAllowPrefund (when it has a payer), withdrawNonceAccount (from the nonce account);
 * - authority changes (flag `authority_change`): assign, assignWithSeed, allocate, allocateWithSeed, authorizeNonceAccount;
 * - advanceNonceAccount: flag `durable_nonce` (the transaction does not expire);
 * - initializeNonceAccount, upgradeNonceAccount: known, no value facts.
 * Anything that does not parse exactly (unknown discriminator, too few accounts, trailing data) is `undecodable`.
 */
export function decodeSystemInstruction(input: InstructionInput): InstructionFacts {
  const parsed = parseProgramInstruction(client, input);
  if (parsed === undefined) return undecodable();
  const kind = KIND[parsed.name] ?? camelName(parsed.name);
  const a = (name: string): string => parsed.accounts[name]!.address;
  const d = parsed.data;
  const transfer = (from: string, to: string, amount: unknown): TransferFact => ({
    asset: 'native',
    amount: amount as bigint,
    from,
    to,
    via: SYSTEM_PROGRAM_ID,
  });
  switch (parsed.name) {
    case 'TransferSol':
      return { kind, known: true, transfers: [transfer(a('source'), a('destination'), d.amount)] };
    case 'TransferSolWithSeed':
      return { kind, known: true, transfers: [transfer(a('source'), a('destination'), d.amount)] };
    case 'CreateAccount':
      return { kind, known: true, transfers: [transfer(a('payer'), a('newAccount'), d.lamports)] };
    case 'CreateAccountWithSeed':
      return { kind, known: true, transfers: [transfer(a('payer'), a('newAccount'), d.amount)] };
    case 'CreateAccountAllowPrefund': {
      const payer = parsed.accounts.payer?.address;
      return { kind, known: true, transfers: payer === undefined || d.lamports === 0n ? [] : [transfer(payer, a('newAccount'), d.lamports)] };
    }
    case 'WithdrawNonceAccount':
      return { kind, known: true, transfers: [transfer(a('nonceAccount'), a('recipientAccount'), d.withdrawAmount)] };
    case 'Assign':
    case 'AssignWithSeed':
    case 'Allocate':
    case 'AllocateWithSeed':
    case 'AuthorizeNonceAccount':
      return { kind, known: true, flags: ['authority_change'] };
    case 'AdvanceNonceAccount':
      return { kind, known: true, flags: ['durable_nonce'] };
    case 'InitializeNonceAccount':
    case 'UpgradeNonceAccount':
      return { kind, known: true };
    default:
      return { kind, known: false };
  }
}
