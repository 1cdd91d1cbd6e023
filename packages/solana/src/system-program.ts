import { ErrorCode, openKmsError } from '@openkms/core';
import type { CompiledInstruction } from './legacy-message-decoder.js';

/** The System program id (32 zero bytes). */
export const SYSTEM_PROGRAM_ID = '11111111111111111111111111111111';

/** Solana's base fee per signature, in lamports. */
export const LAMPORTS_PER_SIGNATURE = 5000n;

/** System instruction discriminator (u32 little-endian) of `Transfer`. */
export const SYSTEM_TRANSFER_INDEX = 2;

/** What this plugin understands of a System program instruction. */
export type SystemInstruction =
  { readonly kind: 'transfer'; readonly from: string; readonly to: string; readonly lamports: bigint } | { readonly kind: 'unknown'; readonly index?: number };

/**
 * Decodes a System program instruction. Only `Transfer` (u32 LE 2, u64 LE lamports; accounts: from, to) is
 * understood for now; every other instruction is reported as unknown. A `Transfer` whose data is not exactly
 * 12 bytes or that has fewer than two accounts is rejected (decode_failed), so a malformed transfer can never
 * be reported as something smaller than what the runtime would execute.
 */
export function decodeSystemInstruction(ix: CompiledInstruction, instructionIndex: number): SystemInstruction {
  if (ix.data.length < 4) return { kind: 'unknown' };
  const view = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
  const index = view.getUint32(0, true);
  if (index !== SYSTEM_TRANSFER_INDEX) return { kind: 'unknown', index };
  if (ix.data.length !== 12) {
    throw openKmsError(ErrorCode.decodeFailed, 'malformed System transfer: data must be 12 bytes', {
      field: 'message_b64',
      instruction: instructionIndex,
      data_length: ix.data.length,
    });
  }
  if (ix.accounts.length < 2) {
    throw openKmsError(ErrorCode.decodeFailed, 'malformed System transfer: needs from and to accounts', {
      field: 'message_b64',
      instruction: instructionIndex,
      accounts: ix.accounts.length,
    });
  }
  return { kind: 'transfer', from: ix.accounts[0]!, to: ix.accounts[1]!, lamports: view.getBigUint64(4, true) };
}
