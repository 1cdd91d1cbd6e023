import { createHash } from 'node:crypto';
import type { SealedToken } from './seal-token.js';

/**
 * Where a pairing stands. `approved`: the token exists and its sealed copy waits for the agent; `delivered`: fetched
 * once (the ciphertext is gone).
 */
export type PairingStatus = 'pending' | 'approved' | 'delivered' | 'denied' | 'expired';

/** One agent's request for a token, as kept in memory and in the pairing file (never the token itself). */
export interface PairingRecord {
  readonly id: string;
  /** The token name asked for (the token made on approval has this name). */
  readonly name: string;
  /** Labels the sign scope should cover (empty: every key). */
  readonly labels: readonly string[];
  /** `sign` and/or `read`. */
  readonly scopes: readonly string[];
  /** The agent's ephemeral X25519 public key (hex). */
  readonly public_key_hex: string;
  /** SHA-256 (hex) of the pairing id and the normalised code: what an operator's code is checked against. */
  readonly code_sha256: string;
  /** The client address that asked (for operators; not trusted for anything). */
  readonly remote: string;
  readonly created_at: string;
  readonly expires_at: string;
  readonly status: PairingStatus;
  readonly wrong_codes: number;
  readonly decided_at?: string;
  readonly decided_by?: string;
  readonly code?: string;
  readonly message?: string;
  /** What the token was granted (approved and delivered). */
  readonly token_name?: string;
  readonly granted_scopes?: readonly string[];
  /** The token encrypted to the agent's key, until it is delivered (approved only). */
  readonly sealed?: SealedToken;
  readonly delivered_at?: string;
}

/** What operators see of a pairing: never the code, the code hash or the sealed token. */
export function pairingView(r: PairingRecord): Record<string, unknown> {
  return {
    pairing_id: r.id,
    status: r.status,
    name: r.name,
    labels: r.labels,
    scopes: r.scopes,
    public_key_sha256: publicKeyFingerprint(r.public_key_hex),
    remote: r.remote,
    created_at: r.created_at,
    expires_at: r.expires_at,
    wrong_codes: r.wrong_codes,
    ...(r.decided_at === undefined ? {} : { decided_at: r.decided_at }),
    ...(r.decided_by === undefined ? {} : { decided_by: r.decided_by }),
    ...(r.token_name === undefined ? {} : { token_name: r.token_name }),
    ...(r.granted_scopes === undefined ? {} : { granted_scopes: r.granted_scopes }),
    ...(r.delivered_at === undefined ? {} : { delivered_at: r.delivered_at }),
    ...(r.code === undefined ? {} : { code: r.code }),
    ...(r.message === undefined ? {} : { message: r.message }),
  };
}

/** The first 16 hex digits of SHA-256 over the raw public key (an operator can compare it with the agent's). */
export function publicKeyFingerprint(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex').slice(0, 16);
}
