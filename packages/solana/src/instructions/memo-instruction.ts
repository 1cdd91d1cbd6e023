import { SUPPORTED_MEMO_PROGRAM_ADDRESSES, getAddMemoInstructionDataEncoder, parseAddMemoInstruction } from '@solana-program/memo';
import type { Address } from '@solana/kit';
import { undecodable } from './instruction-facts.js';
import type { InstructionFacts, InstructionInput } from './instruction-facts.js';

/** The memo program ids (v1, v2 and the current one). */
export const MEMO_PROGRAM_IDS: readonly string[] = SUPPORTED_MEMO_PROGRAM_ADDRESSES;

/** Longest memo text kept in the intent and the audit record (characters); longer ones end with `…`. */
export const MAX_MEMO_CHARS = 256;

/** Decodes a memo with @solana-program/memo: kind `addMemo`, its UTF-8 text truncated; invalid UTF-8 is `undecodable`. */
export function decodeMemoInstruction(input: InstructionInput): InstructionFacts {
  try {
    const parsed = parseAddMemoInstruction({ programAddress: input.programAddress as Address, accounts: [], data: input.data });
    const again = getAddMemoInstructionDataEncoder().encode(parsed.data);
    if (again.length !== input.data.length || again.some((b, i) => b !== input.data[i])) return undecodable();
    const memo = parsed.data.memo;
    return { kind: 'addMemo', known: true, memo: memo.length > MAX_MEMO_CHARS ? `${memo.slice(0, MAX_MEMO_CHARS - 1)}…` : memo };
  } catch {
    return undecodable();
  }
}
