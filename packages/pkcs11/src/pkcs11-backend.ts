import { ed25519 } from '@noble/curves/ed25519.js';
import {
  ErrorCode,
  openKmsError,
  type BackendHealth,
  type BackendKey,
  type Curve,
  type GenerateKeyRequest,
  type KeyBackend,
  type KeyBackendEvent,
  type KeyRef,
  type Secp256k1Signature,
  type SignOptions,
  type SignProvenance,
} from '@openkms/core';
import type * as Pkcs11Js from 'pkcs11js';
import { randomBytes } from 'node:crypto';
import { CKM_EC_EDWARDS_KEY_PAIR_GEN, CKM_EDDSA, curveOf, ED25519_EC_PARAMS, publicKeyFromEcPoint, SECP256K1_EC_PARAMS } from './ec-key-attributes.js';
import { isConnectionLost, toOpenKmsError } from './pkcs11-errors.js';
import { normalizeSecp256k1Signature } from './secp256k1-signature.js';

type Lib = typeof Pkcs11Js;
type Handle = Buffer;

export interface Pkcs11BackendOptions {
  /** Path of the PKCS#11 module (.so), e.g. /usr/lib/softhsm/libsofthsm2.so or /opt/cloudhsm/lib/libcloudhsm_pkcs11.so. */
  readonly module: string;
  /** The token's label (CKA_LABEL of the token, as `softhsm2-util --show-slots` or `pkcs11-tool -L` shows it). */
  readonly tokenLabel: string;
  /** The user PIN (read from its 0600 file by the plugin; never logged or put in an error). */
  readonly pin: string;
  /** Sessions kept open for signing (1–32). Default 4. */
  readonly poolSize?: number;
  /** Deadline of one signing call, session wait included (ms). Default 5000. */
  readonly timeoutMs?: number;
  readonly onEvent?: (event: KeyBackendEvent) => void;
}

export interface Pkcs11Backend extends KeyBackend {
  readonly kind: 'pkcs11';
}

interface ResolvedKey {
  readonly handle: Handle;
  readonly curve: Curve;
  readonly publicKey: Uint8Array;
}

interface Connection {
  readonly p11: Pkcs11Js.PKCS11;
  readonly lib: Lib;
  readonly slot: Handle;
  readonly sessions: Handle[];
  readonly free: Handle[];
  readonly waiters: ((s: Handle) => void)[];
  readonly keys: Map<string, Promise<ResolvedKey>>;
}

/** One loaded and initialised module per path, shared by the backends that use it (C_Initialize is per process). */
const modules = new Map<string, { p11: Pkcs11Js.PKCS11; lib: Lib; users: number }>();

async function openModule(path: string): Promise<{ p11: Pkcs11Js.PKCS11; lib: Lib }> {
  const known = modules.get(path);
  if (known) {
    known.users++;
    return known;
  }
  // the native addon is loaded only when a PKCS#11 backend is configured
  // (an optional dependency: a machine without a C++ toolchain installs the signer without it)
  let imported: Lib & { default?: Lib };
  try {
    imported = (await import('pkcs11js')) as Lib & { default?: Lib };
  } catch {
    throw openKmsError(
      ErrorCode.backendUnavailable,
      'the PKCS#11 backend needs the pkcs11js native addon, which is not installed (it is built from source at install time and needs a C++ toolchain: install one, then run pnpm install again)',
      { module: 'pkcs11js' },
    );
  }
  const lib = imported.default ?? imported;
  const p11 = new lib.PKCS11();
  p11.load(path);
  try {
    // C_SignAsync runs on libuv's thread pool, several sessions at once: the module must lock (without
    // CKF_OS_LOCKING_OK, C_Initialize(NULL) tells it the application is single-threaded; SoftHSM2 then runs without
    // mutexes and crashed the signer with SIGSEGV under concurrent signing)
    p11.C_Initialize({ flags: lib.CKF_OS_LOCKING_OK });
  } catch (err) {
    if (!/CKR_CRYPTOKI_ALREADY_INITIALIZED/.test(String((err as Error).message))) throw err;
  }
  const entry = { p11, lib, users: 1 };
  modules.set(path, entry);
  return entry;
}

function releaseModule(path: string): void {
  const entry = modules.get(path);
  if (!entry || --entry.users > 0) return;
  modules.delete(path);
  try {
    entry.p11.C_Finalize();
    entry.p11.close();
  } catch {
    // already gone
  }
}

/**
 * A KeyBackend over a PKCS#11 token: a pool of sessions logged in with the user PIN, CKM_EDDSA over the raw message for
 * ed25519 and CKM_ECDSA over the digest for secp256k1 (normalised to low-S compact + recovery id and verified against
 * the public key), keys found by CKA_LABEL (`key_id = "<label>"`) or CKA_ID (`key_id = "id:<hex>"`). The token is
 * opened on first use; a lost token or session fails closed (backend_unavailable) and is reopened on the next call.
 */
export function createPkcs11Backend(options: Pkcs11BackendOptions): Pkcs11Backend {
  const poolSize = options.poolSize ?? 4;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let conn: Promise<Connection> | undefined;
  let closed = false;
  let mod: Promise<{ p11: Pkcs11Js.PKCS11; lib: Lib }> | undefined;

  const emit = (e: KeyBackendEvent) => {
    try {
      options.onEvent?.(e);
    } catch {
      // a metrics sink never breaks signing
    }
  };

  async function open(): Promise<Connection> {
    mod ??= openModule(options.module).catch((err: unknown) => {
      mod = undefined;
      throw err;
    });
    const { p11, lib } = await mod;
    const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === options.tokenLabel);
    if (slot === undefined) {
      throw openKmsError(ErrorCode.backendUnavailable, `no PKCS#11 token labelled ${JSON.stringify(options.tokenLabel)} is present`, {
        token_label: options.tokenLabel,
        retry_after_secs: 1,
      });
    }
    const sessions: Handle[] = [];
    try {
      for (let i = 0; i < poolSize; i++) sessions.push(p11.C_OpenSession(slot, lib.CKF_SERIAL_SESSION));
      try {
        p11.C_Login(sessions[0]!, lib.CKU_USER, options.pin);
      } catch (err) {
        if (!/CKR_USER_ALREADY_LOGGED_IN/.test(String((err as Error).message))) throw err;
      }
    } catch (err) {
      for (const s of sessions) closeSession(p11, s);
      throw err;
    }
    emit({ type: 'up', device: options.tokenLabel });
    return { p11, lib, slot, sessions, free: [...sessions], waiters: [], keys: new Map() };
  }

  function closeSession(p11: Pkcs11Js.PKCS11, s: Handle): void {
    try {
      p11.C_CloseSession(s);
    } catch {
      // already closed
    }
  }

  async function connection(): Promise<Connection> {
    if (closed) throw openKmsError(ErrorCode.backendUnavailable, 'PKCS#11 backend is closed', {});
    conn ??= open().catch((err: unknown) => {
      conn = undefined;
      throw toOpenKmsError(err, 'open');
    });
    return conn;
  }

  /** Drops a connection whose token, session or login is gone: the next call opens the token again. */
  function lost(c: Connection, err: unknown): void {
    if (!isConnectionLost(err)) return;
    void conn?.then((current) => {
      if (current !== c) return;
      conn = undefined;
      for (const s of c.sessions) closeSession(c.p11, s);
      emit({ type: 'down', device: options.tokenLabel, error: 'connection_lost' });
    });
  }

  function acquire(c: Connection, deadline: number): Promise<Handle> {
    const s = c.free.pop();
    if (s !== undefined) return Promise.resolve(s);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          const i = c.waiters.indexOf(take);
          if (i >= 0) c.waiters.splice(i, 1);
          reject(openKmsError(ErrorCode.backendTimeout, 'no PKCS#11 session became free in time', { pool_size: poolSize }));
        },
        Math.max(0, deadline - Date.now()),
      );
      const take = (h: Handle) => {
        clearTimeout(timer);
        resolve(h);
      };
      c.waiters.push(take);
    });
  }

  function release(c: Connection, s: Handle): void {
    const waiter = c.waiters.shift();
    if (waiter) waiter(s);
    else c.free.push(s);
  }

  /** Runs `fn` on a pooled session within the deadline; faults are mapped fail-closed and reported as events. */
  async function withSession<T>(operation: string, fn: (c: Connection, s: Handle) => Promise<T> | T): Promise<T> {
    const started = performance.now();
    const deadline = Date.now() + timeoutMs;
    let c: Connection | undefined;
    try {
      c = await connection();
      const s = await acquire(c, deadline);
      const work = Promise.resolve().then(() => fn(c!, s));
      // the session returns to the pool only once the module is done with it, even after a timeout
      void work.then(
        () => release(c!, s),
        () => release(c!, s),
      );
      let timer: NodeJS.Timeout | undefined;
      const out = await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(openKmsError(ErrorCode.backendTimeout, `PKCS#11 ${operation} did not finish in time`, { operation, timeout_ms: timeoutMs })),
            Math.max(0, deadline - Date.now()),
          );
        }),
      ]).finally(() => clearTimeout(timer));
      emit({ type: 'command', operation, durationMs: performance.now() - started, ok: true });
      return out;
    } catch (err) {
      const e = toOpenKmsError(err, operation);
      if (c) lost(c, err);
      emit({ type: 'command', operation, durationMs: performance.now() - started, ok: false, error: String(e.context.pkcs11 ?? e.code) });
      throw e;
    }
  }

  function attrs(c: Connection, s: Handle, h: Handle, types: number[]): Map<number, Buffer> {
    const out = new Map<number, Buffer>();
    for (const a of c.p11.C_GetAttributeValue(
      s,
      h,
      types.map((type) => ({ type })),
    ))
      if (a.value !== undefined) out.set(a.type, a.value as Buffer);
    return out;
  }

  function find(c: Connection, s: Handle, template: Pkcs11Js.Template): Handle[] {
    c.p11.C_FindObjectsInit(s, template);
    try {
      const found: Handle[] = [];
      for (;;) {
        const batch = c.p11.C_FindObjects(s, 64);
        found.push(...batch);
        if (batch.length < 64) return found;
      }
    } finally {
      c.p11.C_FindObjectsFinal(s);
    }
  }

  const ulong = (b: Buffer | undefined) => (b === undefined ? -1 : b.length >= 4 ? b.readUInt32LE(0) : -1);

  /** The private key object of `keyId` with its curve and the public key from the matching public key object. */
  function lookup(c: Connection, s: Handle, keyId: string): ResolvedKey {
    const { lib } = c;
    const selector: Pkcs11Js.Template = keyId.startsWith('id:')
      ? [{ type: lib.CKA_ID, value: Buffer.from(keyId.slice(3), 'hex') }]
      : [{ type: lib.CKA_LABEL, value: keyId }];
    const privs = find(c, s, [{ type: lib.CKA_CLASS, value: lib.CKO_PRIVATE_KEY }, ...selector]);
    if (privs.length === 0) throw openKmsError(ErrorCode.keyNotFound, 'no private key with this id on the token', { key_id: keyId.slice(0, 64) });
    if (privs.length > 1)
      throw openKmsError(ErrorCode.backendError, 'several private keys carry this id on the token; use "id:<hex>"', { key_id: keyId.slice(0, 64) });
    return describe(c, s, privs[0]!, keyId);
  }

  function describe(c: Connection, s: Handle, handle: Handle, keyId: string): ResolvedKey {
    const { lib } = c;
    const a = attrs(c, s, handle, [lib.CKA_KEY_TYPE, lib.CKA_EC_PARAMS, lib.CKA_ID, lib.CKA_LABEL]);
    const curve = curveOf(ulong(a.get(lib.CKA_KEY_TYPE)), a.get(lib.CKA_EC_PARAMS) ?? Buffer.alloc(0));
    if (curve === undefined) throw openKmsError(ErrorCode.keyNotFound, 'the key is not an ed25519 or secp256k1 key', { key_id: keyId.slice(0, 64) });
    const id = a.get(lib.CKA_ID);
    const pubSelector: Pkcs11Js.Template =
      id && id.length > 0 ? [{ type: lib.CKA_ID, value: id }] : [{ type: lib.CKA_LABEL, value: a.get(lib.CKA_LABEL) ?? Buffer.alloc(0) }];
    const pubs = find(c, s, [{ type: lib.CKA_CLASS, value: lib.CKO_PUBLIC_KEY }, ...pubSelector]);
    for (const p of pubs) {
      const point = attrs(c, s, p, [lib.CKA_EC_POINT]).get(lib.CKA_EC_POINT);
      const publicKey = point ? publicKeyFromEcPoint(curve, point) : undefined;
      if (publicKey) return { handle, curve, publicKey };
    }
    throw openKmsError(ErrorCode.keyNotFound, 'no public key object (CKA_EC_POINT) matches the private key', { key_id: keyId.slice(0, 64) });
  }

  async function key(keyId: string): Promise<ResolvedKey> {
    const c = await connection();
    let k = c.keys.get(keyId);
    if (k === undefined) {
      k = withSession('C_FindObjects', (cc, s) => lookup(cc, s, keyId));
      c.keys.set(keyId, k);
      k.catch(() => c.keys.delete(keyId));
    }
    return k;
  }

  function wantCurve(k: ResolvedKey, curve: Curve, keyId: string): void {
    if (k.curve !== curve) throw openKmsError(ErrorCode.backendError, `key is not a ${curve} key`, { key_id: keyId.slice(0, 64), curve: k.curve });
  }

  const provenance = (ref: KeyRef): SignProvenance => ({ device: options.tokenLabel, keyId: ref.id });

  return {
    kind: 'pkcs11',

    async listKeys(): Promise<readonly BackendKey[]> {
      return withSession('C_FindObjects', (c, s) => {
        const { lib } = c;
        const privs = find(c, s, [
          { type: lib.CKA_CLASS, value: lib.CKO_PRIVATE_KEY },
          { type: lib.CKA_SIGN, value: true },
        ]);
        const named = privs.map((h) => {
          const a = attrs(c, s, h, [lib.CKA_LABEL, lib.CKA_ID]);
          return { h, label: a.get(lib.CKA_LABEL)?.toString('utf8') ?? '', id: a.get(lib.CKA_ID) ?? Buffer.alloc(0) };
        });
        const out: BackendKey[] = [];
        for (const n of named) {
          const unique = n.label !== '' && named.filter((m) => m.label === n.label).length === 1;
          const keyId = unique ? n.label : n.id.length > 0 ? `id:${n.id.toString('hex')}` : undefined;
          if (keyId === undefined) continue;
          try {
            const k = describe(c, s, n.h, keyId);
            out.push({ id: keyId, curve: k.curve, publicKey: k.publicKey, ...(n.label ? { backendLabel: n.label } : {}) });
          } catch {
            // not a key openKMS can sign with (another curve, no public key object): not listed
          }
        }
        return out;
      });
    },

    async getPublicKey(ref: KeyRef): Promise<Uint8Array> {
      return (await key(ref.id)).publicKey;
    },

    /**
     * C_GenerateKeyPair in the token (a read-write session of its own): a token key pair, the private half sensitive,
     * not extractable, sign-only, labelled `label` with a random CKA_ID. A label already on the token is refused (keys
     * are addressed by label).
     */
    async generateKey(request: GenerateKeyRequest): Promise<BackendKey> {
      if (!/^[\x20-\x7e]{1,64}$/.test(request.label))
        throw openKmsError(ErrorCode.invalidRequest, 'a PKCS#11 key label is 1-64 printable ASCII characters', {});
      const c = await connection();
      const { p11, lib } = c;
      const taken = await withSession('C_FindObjects', (cc, s) =>
        find(cc, s, [
          { type: lib.CKA_CLASS, value: lib.CKO_PRIVATE_KEY },
          { type: lib.CKA_LABEL, value: request.label },
        ]),
      );
      if (taken.length > 0)
        throw openKmsError(ErrorCode.conflict, `the token already holds a key labelled ${request.label}`, { label: request.label, reason: 'object_exists' });
      const started = performance.now();
      let s: Handle | undefined;
      try {
        s = p11.C_OpenSession(c.slot, lib.CKF_SERIAL_SESSION | lib.CKF_RW_SESSION);
        const ed = request.curve === 'ed25519';
        const id = Buffer.from(randomBytes(8));
        const common = [
          { type: lib.CKA_TOKEN, value: true },
          { type: lib.CKA_LABEL, value: request.label },
          { type: lib.CKA_ID, value: id },
        ];
        p11.C_GenerateKeyPair(
          s,
          { mechanism: ed ? CKM_EC_EDWARDS_KEY_PAIR_GEN : lib.CKM_EC_KEY_PAIR_GEN },
          [...common, { type: lib.CKA_EC_PARAMS, value: Buffer.from(ed ? ED25519_EC_PARAMS : SECP256K1_EC_PARAMS) }, { type: lib.CKA_VERIFY, value: true }],
          [
            ...common,
            { type: lib.CKA_PRIVATE, value: true },
            { type: lib.CKA_SENSITIVE, value: true },
            { type: lib.CKA_EXTRACTABLE, value: false },
            { type: lib.CKA_SIGN, value: true },
          ],
        );
        options.onEvent?.({ type: 'command', operation: 'C_GenerateKeyPair', durationMs: performance.now() - started, ok: true });
      } catch (err) {
        const e = toOpenKmsError(err, 'C_GenerateKeyPair');
        options.onEvent?.({
          type: 'command',
          operation: 'C_GenerateKeyPair',
          durationMs: performance.now() - started,
          ok: false,
          error: String(e.context.pkcs11 ?? e.code),
        });
        throw e;
      } finally {
        if (s) closeSession(p11, s);
      }
      const k = await key(request.label);
      return { id: request.label, curve: k.curve, publicKey: k.publicKey, backendLabel: request.label };
    },

    async signEd25519(ref: KeyRef, message: Uint8Array, o?: SignOptions): Promise<Uint8Array> {
      const k = await key(ref.id);
      wantCurve(k, 'ed25519', ref.id);
      const signature = await withSession('C_Sign', async (c, s) => {
        c.p11.C_SignInit(s, { mechanism: CKM_EDDSA }, k.handle);
        return new Uint8Array(await c.p11.C_SignAsync(s, Buffer.from(message), Buffer.alloc(64)));
      });
      if (signature.length !== 64 || !ed25519.verify(signature, message, k.publicKey))
        throw openKmsError(ErrorCode.signatureVerificationFailed, 'the ed25519 signature from the token does not verify against the key', {
          key_id: ref.id.slice(0, 64),
        });
      o?.onProvenance?.(provenance(ref));
      return signature;
    },

    async signSecp256k1(ref: KeyRef, digest: Uint8Array, o?: SignOptions): Promise<Secp256k1Signature> {
      if (digest.length !== 32) throw openKmsError(ErrorCode.invalidRequest, 'secp256k1 digest must be 32 bytes', { length: digest.length });
      const k = await key(ref.id);
      wantCurve(k, 'secp256k1', ref.id);
      const raw = await withSession('C_Sign', async (c, s) => {
        c.p11.C_SignInit(s, { mechanism: c.lib.CKM_ECDSA }, k.handle);
        return new Uint8Array(await c.p11.C_SignAsync(s, Buffer.from(digest), Buffer.alloc(80)));
      });
      const out = normalizeSecp256k1Signature(raw, digest, k.publicKey);
      o?.onProvenance?.(provenance(ref));
      return out;
    },

    provenance,

    async health(): Promise<BackendHealth> {
      try {
        const c = await connection();
        const info = c.p11.C_GetTokenInfo(c.slot);
        return {
          up: true,
          simulated: false,
          detail: { token_label: options.tokenLabel, manufacturer: info.manufacturerID.trim(), model: info.model.trim(), sessions: c.sessions.length },
        };
      } catch (err) {
        const e = toOpenKmsError(err, 'health');
        return { up: false, simulated: false, detail: { token_label: options.tokenLabel, error: String(e.context.pkcs11 ?? e.code) } };
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const c = await conn?.catch(() => undefined);
      if (c) for (const s of c.sessions) closeSession(c.p11, s);
      conn = undefined;
      if (await mod?.then(() => true).catch(() => false)) releaseModule(options.module);
    },
  };
}
