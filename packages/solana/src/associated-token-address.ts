import { ASSOCIATED_TOKEN_PROGRAM_ID } from './instructions/associated-token-instructions.js';
import { findProgramAddressSync } from './program-derived-address.js';
import { decodeSolanaAddress, solanaAddress } from './solana-address.js';

const ATA_PROGRAM = decodeSolanaAddress(ASSOCIATED_TOKEN_PROGRAM_ID)!;
const cache = new Map<string, string | null>();
const MAX_CACHE = 4096;

/**
 * The associated token account of `wallet` for `mint` under `tokenProgram` (seeds wallet, token program, mint under
 * the ATA program), or undefined when an input is not an address. Synchronous (policy evaluation is), memoised.
 */
export function associatedTokenAddress(wallet: string, mint: string, tokenProgram: string): string | undefined {
  const key = `${wallet}/${mint}/${tokenProgram}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const w = decodeSolanaAddress(wallet);
  const m = decodeSolanaAddress(mint);
  const p = decodeSolanaAddress(tokenProgram);
  const result = w && m && p ? solanaAddress(findProgramAddressSync([w, p, m], ATA_PROGRAM).address) : null;
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value!);
  cache.set(key, result);
  return result ?? undefined;
}
