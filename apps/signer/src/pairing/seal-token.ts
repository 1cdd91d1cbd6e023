import { createCipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { ErrorCode, openKmsError } from '@openkms/core';

/** The construction's name, as sent in `sealed_token.alg`. */
export const PAIRING_SEAL_ALG = 'X25519-HKDF-SHA256-AES-256-GCM';
/** The HKDF info and AES-GCM associated data: this prefix followed by the pairing id. */
export const PAIRING_SEAL_CONTEXT = 'openkms-pairing-v1:';

/** A token encrypted to an agent's ephemeral X25519 key (what GET /pairing/{id} delivers once). */
export interface SealedToken {
  readonly alg: typeof PAIRING_SEAL_ALG;
  /** The signer's one-time X25519 public key (32 bytes, base64). */
  readonly ephemeral_public_key_b64: string;
  /** The AES-256-GCM nonce (12 bytes, base64). */
  readonly nonce_b64: string;
  /** AES-256-GCM ciphertext of the token's UTF-8 bytes followed by the 16-byte tag (base64). */
  readonly ciphertext_b64: string;
}

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/**
 * Reads an agent's X25519 public key: 32 bytes as base64, base64url or hex. Refused (`invalid_request`) when it is
 * not 32 bytes or is a low-order point (the shared secret would be all zeros, known to anyone).
 */
export function parseX25519PublicKey(text: unknown): Buffer {
  if (typeof text !== 'string' || text.length > 100) throw badKey();
  let raw: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) raw = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) raw = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (raw === undefined || raw.length !== 32) throw badKey();
  try {
    const probe = generateKeyPairSync('x25519');
    const shared = diffieHellman({ privateKey: probe.privateKey, publicKey: x25519PublicKey(raw) });
    if (shared.every((b) => b === 0)) throw badKey();
  } catch {
    throw badKey();
  }
  return raw;
}

function badKey() {
  return openKmsError(ErrorCode.invalidRequest, 'x25519_public_key must be an X25519 public key: 32 bytes as base64 or hex', { path: 'x25519_public_key' });
}

function x25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/**
 * Encrypts `token` to the agent's X25519 public key:
 *   e = a fresh X25519 key pair; shared = X25519(e.private, agent_public)
 *   key = HKDF-SHA256(ikm = shared, salt = e.public ‖ agent_public, info = "openkms-pairing-v1:" ‖ pairing_id, 32 bytes)
 *   ciphertext ‖ tag = AES-256-GCM(key, nonce = 12 random bytes, plaintext = token (UTF-8),
 *                                   aad = "openkms-pairing-v1:" ‖ pairing_id)
 * The ephemeral private key is dropped when this returns: only the agent's private key opens the result.
 */
export function sealToken(token: string, agentPublicKey: Uint8Array, pairingId: string): SealedToken {
  const e = generateKeyPairSync('x25519');
  const ePublic = e.publicKey.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length);
  const shared = diffieHellman({ privateKey: e.privateKey, publicKey: x25519PublicKey(agentPublicKey) });
  const context = Buffer.from(PAIRING_SEAL_CONTEXT + pairingId, 'utf8');
  const key = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ePublic, agentPublicKey]), context, 32));
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(context);
  const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  key.fill(0);
  shared.fill(0);
  return {
    alg: PAIRING_SEAL_ALG,
    ephemeral_public_key_b64: ePublic.toString('base64'),
    nonce_b64: nonce.toString('base64'),
    ciphertext_b64: ciphertext.toString('base64'),
  };
}
