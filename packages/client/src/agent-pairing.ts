import { gcm } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';
import { ClientErrorCode, OpenKmsError, errorFromResponse } from './openkms-error.js';

/** The construction the signer seals a paired token with (`sealed_token.alg`). */
export const PAIRING_SEAL_ALG = 'X25519-HKDF-SHA256-AES-256-GCM';
const CONTEXT = 'openkms-pairing-v1:';

/** An agent's ephemeral X25519 key pair for one pairing. Keep `secretKey` in memory only; drop it once paired. */
export interface PairingKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** The token as GET /pairing/{id} delivers it (once). */
export interface SealedToken {
  readonly alg: string;
  readonly ephemeral_public_key_b64: string;
  readonly nonce_b64: string;
  readonly ciphertext_b64: string;
}

export function generatePairingKeyPair(): PairingKeyPair {
  const { secretKey, publicKey } = x25519.keygen();
  return { publicKey, secretKey };
}

/**
 * Opens a sealed token: shared = X25519(secretKey, ephemeral public key); key = HKDF-SHA256(shared, salt = ephemeral
 * public ‖ agent public, info = "openkms-pairing-v1:" ‖ pairingId, 32 bytes); AES-256-GCM with the same string as
 * associated data. Throws `invalid_response` when it does not open (another key, another pairing, or tampered bytes).
 */
export function openSealedToken(sealed: SealedToken, keyPair: PairingKeyPair, pairingId: string): string {
  if (sealed.alg !== PAIRING_SEAL_ALG) {
    throw new OpenKmsError({ code: ClientErrorCode.invalidResponse, message: `unknown sealed token construction ${sealed.alg}` });
  }
  const ephemeral = base64.decode(sealed.ephemeral_public_key_b64);
  const context = new TextEncoder().encode(CONTEXT + pairingId);
  const shared = x25519.getSharedSecret(keyPair.secretKey, ephemeral);
  const salt = new Uint8Array(64);
  salt.set(ephemeral, 0);
  salt.set(keyPair.publicKey, 32);
  const key = hkdf(sha256, shared, salt, context, 32);
  try {
    return new TextDecoder().decode(gcm(key, base64.decode(sealed.nonce_b64), context).decrypt(base64.decode(sealed.ciphertext_b64)));
  } catch (err) {
    throw new OpenKmsError({ code: ClientErrorCode.invalidResponse, message: 'the sealed token does not open with this key pair', cause: err });
  } finally {
    key.fill(0);
    shared.fill(0);
  }
}

export interface PairingRequestOptions {
  /** The signer's base URL. */
  readonly baseUrl: string;
  /** The token name to ask for. */
  readonly name: string;
  /** `sign` and/or `read`. */
  readonly scopes: readonly ('sign' | 'read')[];
  /** Keys the sign scope should cover (absent: every key). */
  readonly labels?: readonly string[];
  readonly fetch?: (request: Request) => Promise<Response>;
  readonly signal?: AbortSignal;
}

/** A pairing asked for: show `code` to your operator; keep `pairingId` and `keyPair` secret until the token arrives. */
export interface PendingPairing {
  readonly pairingId: string;
  readonly code: string;
  readonly expiresAt: string;
  readonly keyPair: PairingKeyPair;
}

/** POST /pairing with a fresh ephemeral key pair. */
export async function requestPairing(o: PairingRequestOptions): Promise<PendingPairing> {
  const keyPair = generatePairingKeyPair();
  const body = { name: o.name, scopes: o.scopes, ...(o.labels ? { labels: o.labels } : {}), x25519_public_key: base64.encode(keyPair.publicKey) };
  const data = (await call(o, 'POST', '/pairing', body)).data as { pairing_id: string; code: string; expires_at: string };
  return { pairingId: data.pairing_id, code: data.code, expiresAt: data.expires_at, keyPair };
}

/** The paired token once approved (delivered once: keep it), or undefined while the operator has not decided. */
export async function fetchPairedToken(
  o: { baseUrl: string; fetch?: (request: Request) => Promise<Response>; signal?: AbortSignal },
  pairing: Pick<PendingPairing, 'pairingId' | 'keyPair'>,
): Promise<{ token: string; tokenName: string; scopes: string[] } | undefined> {
  const answer = await call(o, 'GET', `/pairing/${encodeURIComponent(pairing.pairingId)}`);
  if (answer.status === 202) return undefined;
  const data = answer.data as { token_name: string; scopes: string[]; sealed_token: SealedToken };
  return { token: openSealedToken(data.sealed_token, pairing.keyPair, pairing.pairingId), tokenName: data.token_name, scopes: data.scopes };
}

async function call(
  o: { baseUrl: string; fetch?: (request: Request) => Promise<Response>; signal?: AbortSignal },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: unknown }> {
  const request = new Request(o.baseUrl.replace(/\/+$/, '') + path, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  let response: Response;
  try {
    response = await (o.fetch ?? ((r: Request) => globalThis.fetch(r)))(request);
  } catch (err) {
    throw new OpenKmsError({ code: ClientErrorCode.networkError, message: `request failed: ${(err as Error)?.message ?? String(err)}`, cause: err });
  }
  const data: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw errorFromResponse(response, data);
  return { status: response.status, data };
}
