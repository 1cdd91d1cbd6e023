import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesEqual, ErrorCode, openKmsError } from '@openkms/core';
import type { ChainKey, KeyBackend, SignOptions } from '@openkms/core';
import { bytesToHex } from 'viem/utils';
import type { Hex } from 'viem';

/** Order of the secp256k1 group. */
const N = secp256k1.Point.CURVE().n;
const HALF_N = N >> 1n;

/** An Ethereum signature: low-S r, s and the y parity (recovery id). */
export interface EvmSignature {
  readonly r: Hex;
  readonly s: Hex;
  readonly yParity: 0 | 1;
  /** 65 bytes r ‖ s ‖ (27 + y parity), 0x hex. */
  readonly serialized: Hex;
  /** The 64-byte r ‖ s, for the audit record. */
  readonly compact: Uint8Array;
}

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(bytesToHex(bytes));
}

/** True when a 64-byte r ‖ s has 0 < r < n and 0 < s ≤ n/2 (Ethereum rejects high S since EIP-2). */
export function isLowS(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const r = toBigInt(signature.subarray(0, 32));
  const s = toBigInt(signature.subarray(32));
  return r > 0n && r < N && s > 0n && s <= HALF_N;
}

/** The compressed public key recovered from a compact signature and recovery id over `digest`, or undefined. */
export function recoverCompressedPublicKey(digest: Uint8Array, signature: Uint8Array, recovery: number): Uint8Array | undefined {
  try {
    return secp256k1.Signature.fromBytes(signature, 'compact').addRecoveryBit(recovery).recoverPublicKey(digest).toBytes(true);
  } catch {
    return undefined;
  }
}

/**
 * Signs a 32-byte keccak256 digest with the key through the backend and checks the result before anyone sees it:
 * 64 bytes, low S, a recovery id of 0 or 1 that recovers exactly the key's public key. Any failure is
 * `signature_verification_failed` (no signature is returned).
 */
export async function signEvmDigest(backend: KeyBackend, key: ChainKey, digest: Uint8Array, options?: SignOptions): Promise<EvmSignature> {
  const { signature, recovery } = await backend.signSecp256k1(key.ref, digest, options);
  const fail = (why: string): never => {
    throw openKmsError(ErrorCode.signatureVerificationFailed, `backend returned a secp256k1 signature that ${why}`, { label: key.label, key_id: key.ref.id });
  };
  if (!(signature instanceof Uint8Array) || !isLowS(signature)) fail('is not a 64-byte low-S r‖s');
  if (recovery !== 0 && recovery !== 1) fail('has no valid recovery id');
  const recovered = recoverCompressedPublicKey(digest, signature, recovery);
  if (recovered === undefined || !bytesEqual(recovered, key.publicKey)) fail('does not recover to the key’s public key');
  const r = bytesToHex(signature.subarray(0, 32));
  const s = bytesToHex(signature.subarray(32));
  return { r, s, yParity: recovery, serialized: bytesToHex(Uint8Array.from([...signature, 27 + recovery])), compact: Uint8Array.from(signature) };
}
