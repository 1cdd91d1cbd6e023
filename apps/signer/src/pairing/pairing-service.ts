import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorCode, isOpenKmsError, openKmsError } from '@openkms/core';
import type { AuditRecordInput } from '@openkms/audit';
import { TokenStore } from '../auth/token-store.js';
import type { SignerConfig } from '../config/signer-config.js';
import type { AuditSink } from '../pipeline/ports.js';
import { FileRecordStore } from '../runtime/file-record-store.js';
import type { RecordStore } from '../runtime/record-store.js';
import { PAIRING_FILE } from './pairing-file.js';
import { PairingRateLimit } from './pairing-rate-limit.js';
import { publicKeyFingerprint, type PairingRecord } from './pairing-record.js';
import { parseX25519PublicKey, sealToken, type SealedToken } from './seal-token.js';

export interface PairingServiceDeps {
  /** The pairing file (see pairing-file.ts); absent: memory only. Ignored when `store` is given. */
  readonly file?: string;
  /**
   * Where the pairings are kept (default: this process and `file`). Fleet mode: the fleet's Redis, so a pairing asked
   * for on one instance can be approved on another and fetched (exactly once) from any.
   */
  readonly store?: RecordStore<PairingRecord>;
  readonly settings: () => SignerConfig['pairing'];
  /** The configured key labels (a granted label must be one). */
  readonly labels: () => readonly string[];
  /** The token file the signer authenticates against (`openkms token create` writes the same one). */
  readonly tokenFile: () => string;
  readonly audit: AuditSink;
  readonly log?: (level: 'warn' | 'error', obj: Record<string, unknown>, msg: string) => void;
  readonly now?: () => number;
  /** How long decided pairings stay listed (default one hour). */
  readonly retainMs?: number;
}

/** An operator deciding a pairing (admin scope). */
export interface PairingActor {
  readonly name: string;
}

/** What an agent sends to POST /pairing. */
export interface PairingRequestBody {
  readonly name: string;
  readonly labels?: readonly string[];
  readonly scopes: readonly string[];
  readonly x25519_public_key: string;
}

/** What an operator sends to approve: the code the agent shows, and optionally narrower labels and scopes. */
export interface PairingApproveBody {
  readonly code: string;
  readonly labels?: readonly string[];
  readonly scopes?: readonly string[];
}

/** Wrong codes a pairing tolerates; the next one denies it. */
export const MAX_WRONG_CODES = 3;
/** Scopes an agent may ask for by pairing (never admin or approve: those are made by `openkms token create`). */
export const PAIRING_SCOPES: readonly string[] = ['sign', 'read'];

const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/** A short human-comparable code from 40 random bits: 8 Crockford base32 characters as `XXXX-XXXX`. */
export function pairingCode(): string {
  let n = BigInt(`0x${randomBytes(5).toString('hex')}`);
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = CODE_ALPHABET[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return `${out.slice(0, 4)}-${out.slice(4)}`;
}

/** Case, dashes and spaces do not matter; O reads as 0 and I / L as 1 (Crockford). */
export function normalizePairingCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

function codeHash(id: string, code: string): string {
  return createHash('sha256')
    .update(`${id}:${normalizePairingCode(code)}`, 'utf8')
    .digest('hex');
}

/**
 * Agent pairing: an agent asks for a token (no auth: bounded per address, overall and in pending count); an admin
 * approves it with the code the agent was shown, possibly narrowing it; the token is made in the token file, encrypted
 * to the agent's ephemeral X25519 key, and delivered once. Only the ciphertext is kept (in memory and in the pairing
 * file, until it is delivered or expires; an undelivered token is revoked when it expires). Every step is audited
 * durably before it is answered.
 */
export class PairingService {
  readonly #deps: PairingServiceDeps;
  readonly #now: () => number;
  readonly #store: RecordStore<PairingRecord>;
  readonly #limit: PairingRateLimit;
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: PairingServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#limit = new PairingRateLimit(this.#now);
    this.#store = deps.store ?? new FileRecordStore(deps.file, PAIRING_FILE);
  }

  /** Starts the expiry sweep (the pairing file was read when the service was made). */
  async start(sweepMs = 1000): Promise<void> {
    await this.sweep();
    this.#timer = setInterval(() => void this.sweep().catch(() => undefined), sweepMs);
    this.#timer.unref();
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  get enabled(): boolean {
    return this.#deps.settings().enabled;
  }

  /** Counts a POST /pairing from `remote` against the limits (before its body is looked at); throws when one is exceeded. */
  admit(remote: string): void {
    const limited = this.#limit.take(remote, this.#deps.settings());
    if (limited !== undefined) {
      this.#deps.log?.('warn', { remote, limit: limited.limit }, 'pairing request refused by its rate limit');
      throw openKmsError(
        ErrorCode.pairingRateLimited,
        `too many pairing requests (${limited.limit === 'per_ip' ? 'from this address' : 'overall'}); retry later`,
        {
          limit: limited.limit,
          retry_after_secs: limited.retryAfterSecs,
        },
      );
    }
  }

  /** POST /pairing (after admit): the agent gets the id, the code to show its operator, and the expiry. */
  async request(body: PairingRequestBody, remote: string, requestId: string): Promise<Record<string, unknown>> {
    const settings = this.#deps.settings();
    await this.sweep();
    const pending = (await this.#store.all()).filter((r) => r.status === 'pending').length;
    if (pending >= settings.maxPending) {
      throw openKmsError(ErrorCode.pairingRateLimited, `${pending} pairings already wait for an operator; retry later`, {
        limit: 'pending',
        max_pending: settings.maxPending,
        retry_after_secs: 60,
      });
    }
    const publicKey = parseX25519PublicKey(body.x25519_public_key);
    const scopes = [...new Set(body.scopes)];
    const labels = [...new Set(body.labels ?? [])];
    for (const [i, s] of scopes.entries()) {
      if (!PAIRING_SCOPES.includes(s))
        throw openKmsError(ErrorCode.invalidRequest, `scope ${s} cannot be asked for by pairing (sign, read)`, { path: `scopes[${i}]` });
    }
    if (labels.length > 0 && !scopes.includes('sign')) {
      throw openKmsError(ErrorCode.invalidRequest, 'labels narrow the sign scope: ask for sign too, or send no labels', { path: 'labels' });
    }
    const id = `pair_${randomBytes(16).toString('hex')}`;
    const code = pairingCode();
    const now = this.#now();
    const record: PairingRecord = {
      id,
      name: body.name,
      labels,
      scopes,
      public_key_hex: publicKey.toString('hex'),
      code_sha256: codeHash(id, code),
      remote,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + settings.ttlSecs * 1000).toISOString(),
      status: 'pending',
      wrong_codes: 0,
    };
    if (!(await this.#store.put(record, undefined))) throw openKmsError(ErrorCode.internal, 'pairing id collision', {});
    try {
      await this.#audit(record, undefined, requestId, 'pairing_request', { name: record.name, labels, scopes, remote });
    } catch (err) {
      await this.#store.put(undefined, record).catch(() => undefined);
      throw err;
    }
    return { pairing_id: id, status: 'pending', code, expires_at: record.expires_at, public_key_sha256: publicKeyFingerprint(record.public_key_hex) };
  }

  /** Every pairing still kept (pending first, newest first). */
  async list(): Promise<PairingRecord[]> {
    return (await this.#store.all()).sort((a, b) =>
      (a.status === 'pending') !== (b.status === 'pending') ? (a.status === 'pending' ? -1 : 1) : b.created_at.localeCompare(a.created_at),
    );
  }

  async get(id: string): Promise<PairingRecord> {
    const r = await this.#store.get(id);
    if (r === undefined) throw openKmsError(ErrorCode.pairingNotFound, `no pairing ${id}`, { pairing_id: id });
    return r;
  }

  /**
   * Approves a pending pairing with the agent's code. A wrong code is refused (`pairing_code_mismatch`) and audited;
   * the MAX_WRONG_CODES-th denies the pairing. Labels and scopes may only narrow the request. The token is made in the
   * token file and sealed to the agent's key; the plaintext is forgotten when this returns.
   */
  async approve(id: string, actor: PairingActor, body: PairingApproveBody, requestId: string): Promise<PairingRecord> {
    await this.sweep();
    return this.#decide(id, async (r) => {
      const expected = Buffer.from(r.code_sha256, 'hex');
      const presented = Buffer.from(codeHash(id, String(body.code)), 'hex');
      if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
        const wrong = r.wrong_codes + 1;
        await this.#audit(r, actor.name, requestId, 'pairing_code_mismatch', { wrong_codes: wrong, max_wrong_codes: MAX_WRONG_CODES });
        if (wrong >= MAX_WRONG_CODES) {
          await this.#finish(
            r,
            { status: 'denied', code: ErrorCode.pairingDenied, message: `denied after ${wrong} wrong codes`, decided_by: actor.name, wrong_codes: wrong },
            actor.name,
            requestId,
            'pairing_deny',
            { reason: 'too many wrong codes', wrong_codes: wrong },
          );
        } else {
          await this.#putQuietly({ ...r, wrong_codes: wrong }, r);
        }
        throw openKmsError(ErrorCode.pairingCodeMismatch, `the code does not match pairing ${id} (${wrong} of ${MAX_WRONG_CODES} wrong codes)`, {
          pairing_id: id,
          wrong_codes: wrong,
          attempts_left: Math.max(0, MAX_WRONG_CODES - wrong),
        });
      }
      const grant = this.#narrow(r, body);
      const store = TokenStore.load(this.#deps.tokenFile());
      const token = store.create(r.name, grant.tokenScopes);
      let sealed: SealedToken;
      try {
        sealed = sealToken(token, Buffer.from(r.public_key_hex, 'hex'), id);
        await this.#audit(r, actor.name, requestId, 'pairing_approve', {
          name: r.name,
          granted_scopes: grant.tokenScopes,
          narrowed: grant.narrowed,
        });
      } catch (err) {
        this.#revokeQuietly(r.name);
        throw err;
      }
      const now = this.#now();
      const next: PairingRecord = {
        ...r,
        status: 'approved',
        decided_at: new Date(now).toISOString(),
        decided_by: actor.name,
        token_name: r.name,
        granted_scopes: grant.tokenScopes,
        sealed,
        // the agent has the pairing's time to live again to fetch its token; an undelivered token is then revoked
        expires_at: new Date(now + this.#deps.settings().ttlSecs * 1000).toISOString(),
      };
      let stored = false;
      try {
        stored = await this.#store.put(next, r);
      } finally {
        if (!stored) this.#revokeQuietly(r.name);
      }
      if (!stored) throw notPending(r, 'changed meanwhile');
      return next;
    });
  }

  /** Denies a pending pairing: no token is made; the agent's fetch gets `pairing_denied`. */
  async deny(id: string, actor: PairingActor, requestId: string, reason?: string): Promise<PairingRecord> {
    await this.sweep();
    return this.#decide(id, async (r) => {
      const next = await this.#finish(
        r,
        {
          status: 'denied',
          code: ErrorCode.pairingDenied,
          message: reason === undefined ? `denied by ${actor.name}` : `denied by ${actor.name}: ${reason}`,
          decided_by: actor.name,
        },
        actor.name,
        requestId,
        'pairing_deny',
        reason === undefined ? {} : { reason },
      );
      if (next === undefined) throw notPending(r, 'changed meanwhile');
      return next;
    });
  }

  /**
   * GET /pairing/{id} (the id is the agent's secret): pending → `{status: "pending"}`; approved → the sealed token,
   * exactly once (the delivery is persisted and audited first); afterwards, or when denied or expired, the final code.
   */
  async fetch(id: string, requestId: string): Promise<{ status: 200 | 202; body: Record<string, unknown> }> {
    await this.sweep();
    let r = await this.get(id);
    if (r.status === 'pending') return { status: 202, body: { pairing_id: id, status: 'pending', expires_at: r.expires_at } };
    // the delivery is claimed (one fetch at a time, fleet-wide), then stored as delivered by compare-and-set: once
    if (r.status === 'approved' && r.sealed !== undefined && (await this.#store.claim(id, 30_000))) {
      try {
        r = await this.get(id);
        const { sealed, ...rest } = r;
        if (r.status === 'approved' && sealed !== undefined) {
          const delivered: PairingRecord = { ...rest, status: 'delivered', delivered_at: new Date(this.#now()).toISOString() };
          if (await this.#store.put(delivered, r)) {
            try {
              await this.#audit(r, undefined, requestId, 'pairing_delivered', { name: r.name, token_name: r.token_name, granted_scopes: r.granted_scopes });
            } catch (err) {
              await this.#putQuietly(r, delivered);
              throw err;
            }
            return {
              status: 200,
              body: { pairing_id: id, status: 'approved', token_name: r.token_name, scopes: r.granted_scopes, sealed_token: sealed },
            };
          }
          r = await this.get(id);
        }
      } finally {
        await this.#store.unclaim(id);
      }
    }
    if (r.status === 'approved' || r.status === 'delivered') {
      throw openKmsError(ErrorCode.pairingDelivered, `the token of pairing ${id} was already delivered; it is never delivered twice`, {
        pairing_id: id,
        status: 'delivered',
      });
    }
    const code = r.status === 'denied' ? ErrorCode.pairingDenied : ErrorCode.pairingExpired;
    throw openKmsError(code, r.message ?? r.status, { pairing_id: id, status: r.status });
  }

  /**
   * Expires pending pairings past `expires_at`, and approved ones whose token was not fetched in time (that token is
   * revoked: nobody has it); forgets decided ones after the retention time.
   */
  async sweep(): Promise<void> {
    const now = this.#now();
    for (const r of await this.#store.all()) {
      if ((r.status === 'pending' || r.status === 'approved') && Date.parse(r.expires_at) <= now) {
        if (await this.#store.claimed(r.id)) continue; // being decided or delivered
        const undelivered = r.status === 'approved';
        await this.#finish(
          r,
          {
            status: 'expired',
            code: ErrorCode.pairingExpired,
            message: undelivered ? `the token was not fetched before ${r.expires_at}; it was revoked` : `not approved before ${r.expires_at}`,
          },
          'system',
          'pairing-expiry',
          'pairing_expired',
          undelivered ? { token_revoked: true } : {},
          // an undelivered token is revoked once the expiry is stored (nobody has it)
          () => {
            if (undelivered && r.token_name !== undefined) this.#revokeQuietly(r.token_name);
          },
        ).catch((err: unknown) =>
          this.#deps.log?.('error', { pairing_id: r.id, code: isOpenKmsError(err) ? err.code : 'internal_error' }, 'could not audit a pairing expiry'),
        );
      } else if (r.status !== 'pending' && r.status !== 'approved' && r.decided_at !== undefined) {
        const last = Date.parse(r.delivered_at ?? r.decided_at);
        if (last + (this.#deps.retainMs ?? 3_600_000) <= now) await this.#putQuietly(undefined, r);
      }
    }
  }

  /** Runs one operator decision on a pending pairing while holding its claim (fleet-wide: one decision at a time). */
  async #decide(id: string, work: (r: PairingRecord) => Promise<PairingRecord>): Promise<PairingRecord> {
    const before = await this.get(id);
    if (before.status !== 'pending') throw notPending(before);
    if (!(await this.#store.claim(id, 60_000))) throw notPending(before, 'being decided');
    try {
      const r = await this.get(id);
      if (r.status !== 'pending') throw notPending(r);
      return await work(r);
    } finally {
      await this.#store.unclaim(id);
    }
  }

  /** The approved grant: labels and scopes may only narrow what was asked (an empty label list asked for every key). */
  #narrow(r: PairingRecord, body: PairingApproveBody): { tokenScopes: string[]; narrowed: boolean } {
    const scopes = body.scopes === undefined ? [...r.scopes] : [...new Set(body.scopes)];
    scopes.forEach((s, i) => {
      if (!r.scopes.includes(s)) {
        throw openKmsError(ErrorCode.invalidRequest, `scope ${s} was not asked for (asked: ${r.scopes.join(', ')}); approval may only narrow`, {
          path: `scopes[${i}]`,
        });
      }
    });
    if (scopes.length === 0) throw openKmsError(ErrorCode.invalidRequest, 'a token needs at least one scope', { path: 'scopes' });
    let labels = body.labels === undefined ? [...r.labels] : [...new Set(body.labels)];
    if (body.labels !== undefined && !scopes.includes('sign') && labels.length > 0) {
      throw openKmsError(ErrorCode.invalidRequest, 'labels narrow the sign scope, which this approval does not grant', { path: 'labels' });
    }
    if (body.labels !== undefined && labels.length === 0 && r.labels.length > 0) {
      throw openKmsError(ErrorCode.invalidRequest, 'an empty label list means every key, which was not asked for; list the labels to grant', {
        path: 'labels',
      });
    }
    labels.forEach((l, i) => {
      if (r.labels.length > 0 && !r.labels.includes(l)) {
        throw openKmsError(ErrorCode.invalidRequest, `label ${l} was not asked for (asked: ${r.labels.join(', ')}); approval may only narrow`, {
          path: `labels[${i}]`,
        });
      }
    });
    if (!scopes.includes('sign')) labels = [];
    const known = new Set(this.#deps.labels());
    for (const l of labels)
      if (!known.has(l)) throw openKmsError(ErrorCode.unknownLabel, `no key labelled ${l} on this signer; narrow the labels`, { label: l });
    const tokenScopes = [
      ...(scopes.includes('sign') ? (labels.length > 0 ? labels.map((l) => `sign:${l}`) : ['sign']) : []),
      ...(scopes.includes('read') ? ['read'] : []),
    ];
    const narrowed = scopes.length < r.scopes.length || (scopes.includes('sign') && labels.length !== r.labels.length);
    return { tokenScopes, narrowed };
  }

  /** Denies or expires a pairing (compare-and-set: undefined when another instance changed it first); the ciphertext goes. */
  async #finish(
    r: PairingRecord,
    fields: { status: 'denied' | 'expired'; code: ErrorCode; message: string; decided_by?: string; wrong_codes?: number },
    actor: string,
    requestId: string,
    action: string,
    details: Record<string, unknown>,
    onStored?: () => void,
  ): Promise<PairingRecord | undefined> {
    const { sealed: _dropped, ...rest } = r;
    const next: PairingRecord = { ...rest, ...fields, decided_at: new Date(this.#now()).toISOString() };
    if (!(await this.#store.put(next, r))) return undefined;
    onStored?.();
    await this.#audit(next, actor, requestId, action, details);
    return next;
  }

  async #audit(r: PairingRecord, tokenName: string | undefined, requestId: string, action: string, details: Record<string, unknown>): Promise<void> {
    const record: AuditRecordInput = {
      request_id: requestId,
      // the agent's own steps (request, delivery) are unauthenticated: no token name
      ...(tokenName === undefined ? {} : { token_name: tokenName }),
      decision: 'admin',
      action,
      details: { pairing_id: r.id, public_key_sha256: publicKeyFingerprint(r.public_key_hex), ...details },
    };
    try {
      await this.#deps.audit.append(record, { durable: true });
    } catch (err) {
      throw isOpenKmsError(err) ? err : openKmsError(ErrorCode.auditWriteFailed, 'the audit record could not be made durable', {}, err);
    }
  }

  #revokeQuietly(name: string): void {
    try {
      TokenStore.load(this.#deps.tokenFile()).revoke(name);
    } catch (err) {
      this.#deps.log?.('error', { token_name: name, code: isOpenKmsError(err) ? err.code : 'internal_error' }, 'could not revoke an undelivered pairing token');
    }
  }

  async #putQuietly(next: PairingRecord | undefined, prev: PairingRecord): Promise<void> {
    try {
      await this.#store.put(next, prev, prev.id);
    } catch (err) {
      this.#deps.log?.('error', { code: isOpenKmsError(err) ? err.code : 'internal_error' }, 'could not write the pairing file');
    }
  }
}

function notPending(r: PairingRecord, why?: string): Error {
  return openKmsError(ErrorCode.pairingNotPending, `pairing ${r.id} is ${why ?? r.status}`, { pairing_id: r.id, status: r.status });
}
