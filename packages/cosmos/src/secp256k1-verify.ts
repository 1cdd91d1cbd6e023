import { Secp256k1, Secp256k1Signature } from '@cosmjs/crypto';

/** Order of the secp256k1 group. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes).toString('hex'));
}

/** True when a 64-byte r‖s signature has 0 < r < n and 0 < s ≤ n/2 (the only form Cosmos chains accept). */
export function isLowS(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const r = toBigInt(signature.subarray(0, 32));
  const s = toBigInt(signature.subarray(32));
  return r > 0n && r < N && s > 0n && s <= HALF_N;
}

/** Verifies a 64-byte low-S r‖s signature over a 32-byte digest with a compressed public key. */
export async function verifySecp256k1(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (!isLowS(signature) || digest.length !== 32) return false;
  try {
    return await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(signature), digest, publicKey);
  } catch {
    return false;
  }
}
