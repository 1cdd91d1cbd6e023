import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  isOpenKmsError,
  openKmsError,
  type BackendHealth,
  type BackendKey,
  type GenerateKeyRequest,
  type KeyBackend,
  type KeyBackendContext,
  type KeyRef,
  type Secp256k1Signature,
  type SignOptions,
  type SignProvenance,
} from '@openkms/core';
import { readSecretFile, resolveConfigPath, withRetry } from '@openkms/backend-kit';
import { vaultRequest, VaultTransportError, type VaultResponse } from './vault-http.js';
import type { VaultOptions } from './vault-options.js';

export interface VaultBackendOverrides {
  /** First backoff delay on 429 / 5xx (ms). Default 100. */
  readonly retryBaseDelayMs?: number;
}

export interface VaultBackend extends KeyBackend {
  readonly kind: 'vault';
  generateKey(request: GenerateKeyRequest): Promise<BackendKey>;
  provenance(key: KeyRef): SignProvenance;
}

interface KeyInfo {
  readonly publicKey: Uint8Array;
  /** The transit key version this backend signs with (the latest when first read): its public key is the key's identity. */
  readonly version: number;
}

/** Transit key names openKMS accepts: no `.` / `..` (they would change the URL path), no `/`. */
const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** HTTP status → a retry is worth it (rate limit quota, sealed / standby / overloaded, gateway). */
const retryableStatus = (status: number): boolean => status === 429 || status === 500 || status === 502 || status === 503 || status === 504;

class VaultStatusError extends Error {
  constructor(
    readonly status: number,
    readonly operation: string,
    /** Retry-After (ms) when Vault sent one (rate-limit quotas do). */
    readonly retryAfterMs?: number,
  ) {
    super(`Vault answered ${status} to ${operation}`);
    this.name = 'VaultStatusError';
  }
}

/** The openKMS KeyBackend over HashiCorp Vault's transit engine (ed25519 keys), token or AppRole auth. */
export function createVaultBackend(options: VaultOptions, context: KeyBackendContext, overrides: VaultBackendOverrides = {}): VaultBackend {
  const base = new URL(options.address.endsWith('/') ? options.address : `${options.address}/`);
  const timeoutMs = options.timeout_ms ?? 10_000;
  const maxAttempts = options.max_attempts ?? 4;
  const mount = options.transit_mount ?? 'transit';
  const device = `vault:${base.host}`;
  const ca = options.ca_file !== undefined ? readCa(resolveConfigPath(context.configDir, options.ca_file)) : undefined;
  const tokenFile = options.token_file !== undefined ? resolveConfigPath(context.configDir, options.token_file) : undefined;
  const secretIdFile = options.approle ? resolveConfigPath(context.configDir, options.approle.secret_id_file) : undefined;
  if (!tokenFile && !options.approle) throw openKmsError('config_invalid', 'vault backend needs token_file or approle', { backend: context.name });
  // fail at start-up on a missing or group-readable secret file, not at the first signature
  if (tokenFile) readSecretFile(tokenFile, 'token_file');
  if (secretIdFile) readSecretFile(secretIdFile, 'approle.secret_id_file');

  let token: string | undefined;
  let tokenExpiresAt = Infinity;
  let closed = false;
  let up: boolean | undefined;
  const keys = new Map<string, KeyInfo>();

  const setUp = (value: boolean): void => {
    if (up === value) return;
    up = value;
    context.onEvent?.({ type: value ? 'up' : 'down' });
  };

  const headers = (withToken: string | undefined): Record<string, string> => ({
    ...(withToken !== undefined ? { 'x-vault-token': withToken } : {}),
    ...(options.namespace !== undefined ? { 'x-vault-namespace': options.namespace } : {}),
  });

  async function send(
    operation: string,
    method: 'GET' | 'POST' | 'LIST',
    path: string,
    signal: AbortSignal,
    body?: unknown,
    auth = true,
  ): Promise<VaultResponse> {
    const started = performance.now();
    try {
      const res = await vaultRequest(base, method, path, {
        headers: headers(auth ? await currentToken(signal) : undefined),
        body,
        ...(ca ? { ca } : {}),
        signal,
      });
      const ok = res.status >= 200 && res.status < 300;
      context.onEvent?.({ type: 'command', operation, durationMs: performance.now() - started, ok, ...(ok ? {} : { error: `http_${res.status}` }) });
      return res;
    } catch (err) {
      context.onEvent?.({
        type: 'command',
        operation,
        durationMs: performance.now() - started,
        ok: false,
        error: err instanceof VaultTransportError ? err.code : 'error',
      });
      throw err;
    }
  }

  /** The token to send: the token file's (re-read after a refusal), or an AppRole login's (renewed before it expires). */
  async function currentToken(signal: AbortSignal): Promise<string> {
    if (token !== undefined && Date.now() < tokenExpiresAt) return token;
    if (tokenFile) {
      token = readSecretFile(tokenFile, 'token_file');
      tokenExpiresAt = Infinity;
      return token;
    }
    const approle = options.approle!;
    const secretId = readSecretFile(secretIdFile!, 'approle.secret_id_file');
    const res = await send(
      'approle_login',
      'POST',
      `v1/auth/${approle.mount ?? 'approle'}/login`,
      signal,
      { role_id: approle.role_id, secret_id: secretId },
      false,
    );
    if (res.status !== 200) throw new VaultStatusError(res.status, 'approle_login');
    const auth = (res.json as { auth?: { client_token?: unknown; lease_duration?: unknown } } | undefined)?.auth;
    if (typeof auth?.client_token !== 'string' || auth.client_token.length === 0) throw new VaultStatusError(502, 'approle_login');
    token = auth.client_token;
    const ttl = typeof auth.lease_duration === 'number' && auth.lease_duration > 0 ? auth.lease_duration : 0;
    tokenExpiresAt = ttl > 0 ? Date.now() + ttl * 800 : Infinity; // renew at 80 % of the TTL
    return token;
  }

  /**
   * One Vault operation under one deadline: retried with backoff on 429 / 5xx / network faults; a 403 drops the token
   * and tries once more with a fresh one (rotated token file, expired AppRole token). Returns the 2xx response;
   * `acceptStatus` lets a caller take e.g. a 404 itself.
   */
  async function call(
    operation: string,
    method: 'GET' | 'POST' | 'LIST',
    path: string,
    ctx: Record<string, string> = {},
    body?: unknown,
    acceptStatus: readonly number[] = [],
    deadlineMs = timeoutMs,
  ): Promise<VaultResponse> {
    if (closed) throw openKmsError('backend_unavailable', 'Vault backend is closed', { backend: context.name });
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), deadlineMs);
    let reauthenticated = false;
    try {
      return await withRetry(
        async () => {
          let res = await send(operation, method, path, deadline.signal, body);
          if (res.status === 403 && !reauthenticated) {
            reauthenticated = true;
            token = undefined;
            res = await send(operation, method, path, deadline.signal, body);
          }
          if ((res.status >= 200 && res.status < 300) || acceptStatus.includes(res.status)) {
            setUp(true);
            return res;
          }
          const retryAfter = Number(res.headers['retry-after']);
          throw new VaultStatusError(res.status, operation, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined);
        },
        { maxAttempts, baseDelayMs: overrides.retryBaseDelayMs ?? 100, maxDelayMs: 2000 },
        (err) => {
          if (deadline.signal.aborted) return { retry: false };
          if (err instanceof VaultTransportError) return { retry: true };
          if (!(err instanceof VaultStatusError) || !retryableStatus(err.status)) return { retry: false };
          return err.retryAfterMs !== undefined ? { retry: true, afterMs: err.retryAfterMs } : { retry: true };
        },
        (err) =>
          context.onEvent?.({
            type: 'retry',
            operation,
            error: err instanceof VaultStatusError ? `http_${err.status}` : err instanceof VaultTransportError ? err.code : 'error',
          }),
      );
    } catch (err) {
      const c = { backend: context.name, operation, ...ctx };
      if (deadline.signal.aborted) {
        setUp(false);
        throw openKmsError('backend_timeout', 'Vault did not answer in time', { ...c, timeout_ms: deadlineMs });
      }
      if (isOpenKmsError(err)) throw err;
      if (err instanceof VaultTransportError) {
        setUp(false);
        throw openKmsError('backend_unavailable', 'Vault is unreachable', { ...c, error_code: err.code });
      }
      if (err instanceof VaultStatusError) {
        const s = { ...c, vault_status: err.status, ...(err.operation !== operation ? { failed_step: err.operation } : {}) };
        if (retryableStatus(err.status)) {
          setUp(false);
          throw openKmsError(
            'backend_unavailable',
            err.status === 429 ? 'Vault kept rate-limiting the request' : 'Vault is unavailable (sealed, standby or failing)',
            s,
          );
        }
        if (err.operation === 'approle_login' || err.status === 401 || err.status === 403)
          throw openKmsError('backend_error', 'Vault refused the credentials or the permission (check the token / AppRole and its policy)', s);
        if (err.status === 404) throw openKmsError('key_not_found', 'Vault key not found', s);
        throw openKmsError('backend_error', 'Vault request failed', s);
      }
      throw openKmsError('backend_error', 'Vault request failed', c);
    } finally {
      clearTimeout(timer);
    }
  }

  function keyName(key: KeyRef): string {
    if (typeof key?.id !== 'string' || !KEY_NAME.test(key.id))
      throw openKmsError('invalid_request', 'Vault key name must be 1–128 of [A-Za-z0-9_.-], starting with a letter or digit');
    return key.id;
  }

  async function keyInfo(name: string): Promise<KeyInfo> {
    const cached = keys.get(name);
    if (cached) return cached;
    const res = await call('read_key', 'GET', `v1/${mount}/keys/${name}`, { key_id: name });
    const data = (res.json as { data?: { type?: unknown; latest_version?: unknown; keys?: Record<string, { public_key?: unknown }> } } | undefined)?.data;
    if (data?.type !== 'ed25519')
      throw openKmsError('key_not_found', 'the Vault transit key is not an ed25519 key', {
        backend: context.name,
        key_id: name,
        key_type: typeof data?.type === 'string' ? data.type : null,
      });
    const version = data.latest_version;
    const encoded = typeof version === 'number' ? data.keys?.[String(version)]?.public_key : undefined;
    const publicKey = typeof encoded === 'string' ? Buffer.from(encoded, 'base64') : undefined;
    if (typeof version !== 'number' || !publicKey || publicKey.length !== 32)
      throw openKmsError('backend_error', 'Vault returned a malformed transit key', { backend: context.name, key_id: name });
    const info = { publicKey: new Uint8Array(publicKey), version };
    keys.set(name, info);
    return info;
  }

  return {
    kind: 'vault',

    async listKeys(): Promise<readonly BackendKey[]> {
      const res = await call('list_keys', 'GET', `v1/${mount}/keys?list=true`, {}, undefined, [404]); // 404: no key yet
      const names = (res.json as { data?: { keys?: unknown } } | undefined)?.data?.keys;
      const out: BackendKey[] = [];
      for (const name of Array.isArray(names) ? names : []) {
        if (typeof name !== 'string' || !KEY_NAME.test(name) || (options.key_prefix !== undefined && !name.startsWith(options.key_prefix))) continue;
        let info: KeyInfo;
        try {
          info = await keyInfo(name);
        } catch (err) {
          if (isOpenKmsError(err) && err.code === 'key_not_found') continue; // another key type, or deleted meanwhile
          throw err;
        }
        out.push({ id: name, curve: 'ed25519', publicKey: info.publicKey.slice(), backendLabel: name });
      }
      return out.sort((a, b) => a.id.localeCompare(b.id));
    },

    /**
     * Creates a transit key of type ed25519 named `<key_prefix><label>` (so discovery lists it). Transit's create is a
     * no-op on an existing name, so the name is checked first and a taken one is refused (conflict).
     */
    async generateKey(request: GenerateKeyRequest): Promise<BackendKey> {
      if (request.curve !== 'ed25519')
        throw openKmsError('invalid_request', 'the vault backend creates ed25519 keys only (transit has no secp256k1)', {
          backend: context.name,
          curve: request.curve,
        });
      const name = `${options.key_prefix ?? ''}${request.label}`;
      if (typeof request.label !== 'string' || !KEY_NAME.test(name))
        throw openKmsError('invalid_request', 'Vault key name (key_prefix + label) must be 1–128 of [A-Za-z0-9_.-], starting with a letter or digit', {
          backend: context.name,
        });
      const existing = await call('read_key', 'GET', `v1/${mount}/keys/${name}`, { key_id: name }, undefined, [404]);
      if (existing.status !== 404)
        throw openKmsError('conflict', `the Vault transit mount already holds a key named ${name}`, {
          backend: context.name,
          key_id: name,
          reason: 'object_exists',
        });
      await call('create_key', 'POST', `v1/${mount}/keys/${name}`, { key_id: name }, { type: 'ed25519', exportable: false, allow_plaintext_backup: false });
      keys.delete(name);
      const info = await keyInfo(name);
      return { id: name, curve: 'ed25519', publicKey: info.publicKey.slice(), backendLabel: name };
    },

    async getPublicKey(key: KeyRef): Promise<Uint8Array> {
      return (await keyInfo(keyName(key))).publicKey.slice();
    },

    async signEd25519(key: KeyRef, message: Uint8Array, signOptions?: SignOptions): Promise<Uint8Array> {
      const name = keyName(key);
      if (!(message instanceof Uint8Array)) throw openKmsError('invalid_request', 'Ed25519 message must be bytes');
      const info = await keyInfo(name);
      const res = await call(
        'sign',
        'POST',
        `v1/${mount}/sign/${name}`,
        { key_id: name },
        { input: Buffer.from(message).toString('base64'), key_version: info.version },
      );
      const encoded = (res.json as { data?: { signature?: unknown } } | undefined)?.data?.signature;
      const match = typeof encoded === 'string' ? /^vault:v(\d+):([A-Za-z0-9+/=]+)$/.exec(encoded) : null;
      const signature = match ? new Uint8Array(Buffer.from(match[2]!, 'base64')) : undefined;
      let ok = false;
      try {
        ok = !!signature && Number(match![1]) === info.version && signature.length === 64 && ed25519.verify(signature, message, info.publicKey);
      } catch {
        ok = false;
      }
      if (!ok || !signature)
        throw openKmsError('signature_verification_failed', 'Vault returned an Ed25519 signature that does not verify', {
          backend: context.name,
          key_id: name,
        });
      signOptions?.onProvenance?.({ keyId: name, device });
      return signature;
    },

    async signSecp256k1(key: KeyRef): Promise<Secp256k1Signature> {
      throw openKmsError('invalid_request', 'the vault backend signs ed25519 only (transit has no secp256k1; see @openkms/vault README)', {
        backend: context.name,
        key_id: typeof key?.id === 'string' ? key.id : null,
        curve: 'secp256k1',
      });
    },

    provenance(key: KeyRef): SignProvenance {
      return { keyId: key.id, device, backend: context.name };
    },

    async health(): Promise<BackendHealth> {
      try {
        // 200 active, 429 unsealed standby, 472/473 DR / performance standby: each serves (or forwards) requests
        const res = await call('sys_health', 'GET', 'v1/sys/health', {}, undefined, [429, 472, 473], Math.min(timeoutMs, 3000));
        await currentToken(AbortSignal.timeout(Math.min(timeoutMs, 3000)));
        return { up: true, simulated: false, detail: { address: base.origin, vault_status: res.status } };
      } catch (err) {
        setUp(false);
        return { up: false, simulated: false, detail: { address: base.origin, error: isOpenKmsError(err) ? err.code : 'backend_error' } };
      }
    },

    async close(): Promise<void> {
      closed = true;
      token = undefined;
    },
  };
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw openKmsError('config_invalid', 'cannot read the ca_file', { option: 'ca_file', path, error: (err as NodeJS.ErrnoException).code ?? 'read_failed' });
  }
}
