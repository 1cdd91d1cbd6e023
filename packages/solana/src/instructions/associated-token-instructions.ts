import * as token from '@solana-program/token';
import {
  ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  AssociatedTokenInstruction,
  identifyAssociatedTokenInstruction,
  parseAssociatedTokenInstruction,
} from '@solana-program/token';
import { undecodable } from './instruction-facts.js';
import type { InstructionFacts, InstructionInput } from './instruction-facts.js';
import { camelName, parseProgramInstruction } from './parse-program-instruction.js';
import type { ProgramClient } from './parse-program-instruction.js';

export const ASSOCIATED_TOKEN_PROGRAM_ID: string = ASSOCIATED_TOKEN_PROGRAM_ADDRESS;

const client: ProgramClient = {
  identify: (data) => identifyAssociatedTokenInstruction(data),
  parse: parseAssociatedTokenInstruction as unknown as ProgramClient['parse'],
  names: AssociatedTokenInstruction as unknown as Record<number, string>,
  module: token as unknown as Record<string, unknown>,
};

/** Associated Token Account instruction kinds, as the intent names them. */
export const ASSOCIATED_TOKEN_INSTRUCTION_KINDS: readonly string[] = [
  'createAssociatedToken',
  'createAssociatedTokenIdempotent',
  'recoverNestedAssociatedToken',
];

/**
 * Decodes Associated Token Account instructions with @solana-program/token: create and create-idempotent are known
 * (the program itself checks the address derivation; the payer funds the account's rent, which is not a transfer
 * to a third party); recoverNestedAssociatedToken is known = false. Empty data is the program's original `create`.
 */
export function decodeAssociatedTokenInstruction(input: InstructionInput): InstructionFacts {
  const data = input.data.length === 0 ? Uint8Array.of(0) : input.data;
  const parsed = parseProgramInstruction(client, { ...input, data });
  if (parsed === undefined) return undecodable();
  const kind = camelName(parsed.name);
  if (parsed.name === 'CreateAssociatedToken' || parsed.name === 'CreateAssociatedTokenIdempotent') return { kind, known: true };
  return { kind, known: false };
}
