import { secp256k1 } from '@noble/curves/secp256k1.js';

/**
 * True when a 64-byte r‖s signature has 0 < r, s < n and s ≤ n/2 (the only form Cosmos chains accept). Parsing and the
 * high-S test are @noble/curves' (cosmjs's verifier accepts high S).
 */
export function isLowS(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return !secp256k1.Signature.fromBytes(signature, 'compact').hasHighS();
  } catch {
    return false;
  }
}

/**
 * Verifies a 64-byte low-S r‖s signature over a 32-byte digest with a compressed public key (@noble/curves, already
 * loaded for the low-S test; @cosmjs/crypto would add ~100 ms and several MB to every signer's start for one call).
 */
export async function verifySecp256k1(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (!isLowS(signature) || digest.length !== 32) return false;
  try {
    return secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: true, format: 'compact' });
  } catch {
    return false;
  }
}
