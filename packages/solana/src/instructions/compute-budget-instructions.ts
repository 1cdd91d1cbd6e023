import * as computeBudget from '@solana-program/compute-budget';
import {
  COMPUTE_BUDGET_PROGRAM_ADDRESS,
  ComputeBudgetInstruction,
  identifyComputeBudgetInstruction,
  parseComputeBudgetInstruction,
} from '@solana-program/compute-budget';
import { undecodable } from './instruction-facts.js';
import type { InstructionFacts, InstructionInput } from './instruction-facts.js';
import { camelName, parseProgramInstruction } from './parse-program-instruction.js';
import type { ProgramClient } from './parse-program-instruction.js';

export const COMPUTE_BUDGET_PROGRAM_ID: string = COMPUTE_BUDGET_PROGRAM_ADDRESS;

const client: ProgramClient = {
  identify: (data) => identifyComputeBudgetInstruction(data),
  parse: parseComputeBudgetInstruction as unknown as ProgramClient['parse'],
  names: ComputeBudgetInstruction as unknown as Record<number, string>,
  module: computeBudget as unknown as Record<string, unknown>,
};

/** Compute Budget instruction kinds this plugin knows. */
export const COMPUTE_BUDGET_INSTRUCTION_KINDS: readonly string[] = [
  'setComputeUnitLimit',
  'setComputeUnitPrice',
  'requestHeapFrame',
  'setLoadedAccountsDataSizeLimit',
];

/**
 * Decodes Compute Budget instructions with @solana-program/compute-budget: the unit limit and the unit price (in
 * micro-lamports) feed the fee; heap frame and loaded-data limits are known with no facts; the retired `requestUnits`
 * is known = false.
 */
export function decodeComputeBudgetInstruction(input: InstructionInput): InstructionFacts {
  const parsed = parseProgramInstruction(client, input);
  if (parsed === undefined) return undecodable();
  const kind = camelName(parsed.name);
  switch (parsed.name) {
    case 'SetComputeUnitLimit':
      return { kind, known: true, computeUnitLimit: parsed.data.units as number };
    case 'SetComputeUnitPrice':
      return { kind, known: true, computeUnitPriceMicroLamports: parsed.data.microLamports as bigint };
    case 'RequestHeapFrame':
    case 'SetLoadedAccountsDataSizeLimit':
      return { kind, known: true };
    default:
      return { kind, known: false };
  }
}
