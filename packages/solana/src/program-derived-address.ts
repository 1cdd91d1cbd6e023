import { createHash } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';

const PDA_MARKER = new TextEncoder().encode('ProgramDerivedAddress');

/** True when 32 bytes decode to a point on the ed25519 curve (@noble/curves): such an address has a private key. */
export function isOnCurve(bytes: Uint8Array): boolean {
  try {
    ed25519.Point.fromBytes(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Solana's find_program_address, synchronously (policy evaluation is synchronous; @solana/kit's version is async):
 * the first bump from 255 down for which sha256(seeds ‖ bump ‖ program ‖ "ProgramDerivedAddress") is off the curve.
 */
export function findProgramAddressSync(seeds: readonly Uint8Array[], program: Uint8Array): { address: Uint8Array; bump: number } {
  for (let bump = 255; bump >= 0; bump--) {
    const h = createHash('sha256');
    for (const seed of seeds) h.update(seed);
    h.update(Uint8Array.of(bump)).update(program).update(PDA_MARKER);
    const address = new Uint8Array(h.digest());
    if (!isOnCurve(address)) return { address, bump };
  }
  throw new Error('no viable program derived address bump');
}
