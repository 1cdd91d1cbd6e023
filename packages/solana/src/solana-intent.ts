import type { Fee, Intent, IntentAction, IntentFlag, Transfer } from '@openkms/core';
import type { LegacyMessage } from './legacy-message-decoder.js';
import { LAMPORTS_PER_SIGNATURE, SYSTEM_PROGRAM_ID, decodeSystemInstruction } from './system-program.js';

/**
 * Turns a decoded legacy message into policy facts.
 *
 * - actions: one per instruction, in order. System `Transfer` is known; everything else is `unknown`
 *   (known=false) and adds the `unknown_instruction` flag, so policy denies unless it allows it explicitly.
 * - programs: distinct program ids in first-seen order.
 * - transfers: System `Transfer`s as `native` lamports, from account 0 to account 1, via the System program.
 * - fees: the base fee (required signatures × 5000 lamports, `native`) when `signer` is the fee payer;
 *   empty when another account pays. Priority fees are not decoded yet.
 */
export function buildSolanaIntent(message: LegacyMessage, signer: string, network?: string): Intent {
  const actions: IntentAction[] = [];
  const programs: string[] = [];
  const transfers: Transfer[] = [];
  const flags: IntentFlag[] = [];

  message.instructions.forEach((ix, i) => {
    if (!programs.includes(ix.programId)) programs.push(ix.programId);
    if (ix.programId === SYSTEM_PROGRAM_ID) {
      const decoded = decodeSystemInstruction(ix, i);
      if (decoded.kind === 'transfer') {
        actions.push({ program: ix.programId, kind: 'transfer', known: true });
        transfers.push({ asset: 'native', amount: decoded.lamports, from: decoded.from, to: decoded.to, via: SYSTEM_PROGRAM_ID });
        return;
      }
    }
    actions.push({ program: ix.programId, kind: 'unknown', known: false });
    if (!flags.includes('unknown_instruction')) flags.push('unknown_instruction');
  });

  const fees: Fee[] =
    message.accountKeys[0] === signer ? [{ asset: 'native', amount: BigInt(message.header.numRequiredSignatures) * LAMPORTS_PER_SIGNATURE }] : [];

  return {
    chain: 'solana',
    ...(network === undefined ? {} : { network }),
    signer,
    actions,
    programs,
    messageTypes: [],
    contracts: [],
    transfers,
    fees,
    flags,
  };
}
