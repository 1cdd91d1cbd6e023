import { decodeAssociatedTokenInstruction, ASSOCIATED_TOKEN_PROGRAM_ID } from './associated-token-instructions.js';
import { COMPUTE_BUDGET_PROGRAM_ID, decodeComputeBudgetInstruction } from './compute-budget-instructions.js';
import type { InstructionFacts, InstructionInput } from './instruction-facts.js';
import { MEMO_PROGRAM_IDS, decodeMemoInstruction } from './memo-instruction.js';
import { SYSTEM_PROGRAM_ID, decodeSystemInstruction } from './system-instructions.js';
import { decodeTokenInstruction, isTokenProgram } from './token-instructions.js';

/** True for the programs whose instructions this plugin decodes (an instruction of theirs that does not parse is `undecodable`). */
export function isKnownProgram(program: string): boolean {
  return (
    program === SYSTEM_PROGRAM_ID ||
    isTokenProgram(program) ||
    program === ASSOCIATED_TOKEN_PROGRAM_ID ||
    program === COMPUTE_BUDGET_PROGRAM_ID ||
    MEMO_PROGRAM_IDS.includes(program)
  );
}

/** Dispatches an instruction to its program's decoder; a program this plugin does not know is `unknown` (known = false, no facts). */
export function decodeInstruction(input: InstructionInput): InstructionFacts {
  const program = input.programAddress;
  if (program === SYSTEM_PROGRAM_ID) return decodeSystemInstruction(input);
  if (isTokenProgram(program)) return decodeTokenInstruction(input);
  if (program === ASSOCIATED_TOKEN_PROGRAM_ID) return decodeAssociatedTokenInstruction(input);
  if (program === COMPUTE_BUDGET_PROGRAM_ID) return decodeComputeBudgetInstruction(input);
  if (MEMO_PROGRAM_IDS.includes(program)) return decodeMemoInstruction(input);
  return { kind: 'unknown', known: false };
}
