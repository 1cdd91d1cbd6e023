import type { IntentFlag } from '@openkms/core';
import type { ResolvedAccount } from '../account-keys.js';

/** One instruction with its program and accounts resolved. */
export interface InstructionInput {
  /** Position in the message. */
  readonly index: number;
  readonly programAddress: string;
  readonly accounts: readonly ResolvedAccount[];
  readonly data: Uint8Array;
}

/** A value movement as decoded from one instruction, before the intent builder completes it. */
export interface TransferFact {
  /** `native`, `spl:<mint>`; undefined: the mint is not in the instruction (plain SPL Transfer), see `mintOf`. */
  readonly asset?: string;
  /** Token account whose mint names the asset when `asset` is undefined. */
  readonly mintOf?: string;
  /** The amount; undefined: the balance of `balanceOf` (CloseAccount), read from the trusted RPC. */
  readonly amount?: bigint;
  readonly balanceOf?: string;
  readonly from: string;
  readonly to: string;
  readonly via: string;
  /** SPL destination: `to` passes a recipient allowlist holding a wallet whose associated token account it is. */
  readonly tokenProgram?: string;
}

/** What one instruction means for policy. */
export interface InstructionFacts {
  /** Instruction name as the intent reports it (`transfer`, `transferChecked`, `setComputeUnitPrice`, …), `unknown` or `undecodable`. */
  readonly kind: string;
  /** False: not understood (an unknown program, or an instruction kind with no value facts decoded). */
  readonly known: boolean;
  readonly transfers?: readonly TransferFact[];
  readonly flags?: readonly IntentFlag[];
  readonly memo?: string;
  readonly computeUnitLimit?: number;
  readonly computeUnitPriceMicroLamports?: bigint;
}

/** The facts of an instruction of a known program that does not parse: denied by policy (`undecodable`). */
export function undecodable(): InstructionFacts {
  return { kind: 'undecodable', known: false, flags: ['undecodable'] };
}
