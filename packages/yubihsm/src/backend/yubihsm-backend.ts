import { performance } from 'node:perf_hooks';
import {
  openKmsError,
  type BackendHealth,
  type BackendKey,
  type Curve,
  type KeyBackend,
  type KeyOrigin,
  type KeyRef,
  type Secp256k1Signature,
  type SignOptions,
  type SignProvenance,
} from '@openkms/core';
import { Algorithm } from '../protocol/algorithm.js';
import { domainMask, type Domains } from '../protocol/domains.js';
import { describeOrigin } from '../protocol/origin.js';
import { DeviceErrorCode } from '../protocol/device-error-code.js';
import { YubiHsmDeviceError, YubiHsmProtocolError } from '../protocol/errors.js';
import { maxSessionPayloadLength } from '../protocol/frame.js';
import { MAX_FRAME_SIZE } from '../protocol/limits.js';
import { passwordToAuthKey } from '../protocol/password-key.js';
import type { BackoffOptions } from '../pool/backoff.js';
import type { YubiHsmEventListener } from '../pool/yubihsm-event.js';
import { YubiHsmPool } from '../pool/yubihsm-pool.js';
import { verifyEd25519 } from '../signature/ed25519-signature.js';
import { compressSecp256k1PublicKey, normalizeSecp256k1Signature } from '../signature/secp256k1-signature.js';
import { createHttpTransport, type ConnectorTlsOptions } from '../transport/http-transport.js';
import type { Transport } from '../transport/transport.js';
import { isAvailabilityError, toOpenKmsError } from './error-mapping.js';
import { formatKeyId, parseKeyId } from './key-ref.js';

/** A device: a connector URL (HTTP or HTTPS) or a ready transport (e.g. in-process simulator). */
export type YubiHsmConnectorConfig =
  { readonly url: string; readonly tls?: ConnectorTlsOptions; readonly name?: string } | { readonly transport: Transport; readonly name?: string };

export interface YubiHsmBackendOptions {
  /** One entry per device; devices should hold the same keys (signing is spread across them). */
  readonly connectors: readonly YubiHsmConnectorConfig[];
  readonly authKeyId: number;
  /** The auth key's password: a string (its UTF-8 bytes) or raw bytes (a ceremony-derived password). */
  readonly password: string | Uint8Array;
  /** Sessions per device (1–16). Default 2. */
  readonly poolSize?: number;
  /** Deadline per call, queue wait included. Default 5000 ms. */
  readonly commandTimeoutMs?: number;
  /** Keepalive Echo after this much idle time. Default 15 000 ms; 0 disables. */
  readonly keepaliveMs?: number;
  /** Reconnect backoff per device (default 250 ms doubling to 2 s). */
  readonly reconnect?: { readonly initialMs?: number; readonly maxMs?: number };
  /** While a device is down, a call at least this long after the last attempt probes it on demand. Default 500 ms. */
  readonly onDemandProbeMs?: number;
  /**
   * health(): how long it waits for the background probes before answering from the last known state (default
   * 150 ms), how often it probes a device at most (default 1000 ms), and how long a running command may take before
   * the device counts as not serving (stalled; default 1000 ms).
   */
  readonly health?: { readonly waitMs?: number; readonly probeIntervalMs?: number; readonly stallMs?: number };
  /** Only list keys in these domains. Default: every domain the auth key sees. */
  readonly domains?: Domains;
  readonly onEvent?: YubiHsmEventListener;
  /**
   * Whether a device that identifies as the openKMS simulator may serve. Default true (driver default); the signer
   * passes its `backend.yubihsm.allow_simulated` value. When false, such a device is refused on every connect and
   * reconnect (it stays down with lastError `simulated_not_allowed`) and calls fail with backend_unavailable.
   */
  readonly allowSimulated?: boolean;
  /** Tests: session clock, host-challenge randomness, device idle timeout and expiry margin. */
  readonly now?: () => number;
  readonly randomBytes?: (n: number) => Uint8Array;
  readonly idleTimeoutMs?: number;
  readonly expiryMarginMs?: number;
}

export interface YubiHsmDeviceStats {
  readonly name: string;
  readonly up: boolean;
  readonly state: 'unknown' | 'up' | 'down';
  readonly serial?: number;
  readonly simulated: boolean;
  readonly sessions: number;
  readonly queueDepth: number;
  readonly lastError?: string;
}

export interface YubiHsmStats {
  readonly devices: readonly YubiHsmDeviceStats[];
}

export interface YubiHsmBackend extends KeyBackend {
  readonly kind: 'yubihsm2';
  /** One pool per device, in configuration order (for diagnostics and admin commands on this auth key). */
  readonly pools: readonly YubiHsmPool[];
  /** Connects every device that is not up yet; resolves once each has answered or failed. */
  connect(): Promise<void>;
  stats(): YubiHsmStats;
  provenance(key: KeyRef): SignProvenance;
}

interface KeyInfo {
  readonly curve: Curve;
  readonly publicKey: Uint8Array;
}

/** Largest SignEddsa payload (id + message) any device accepts; firmware before 2.4 is refused per device. */
const MAX_ED25519_PAYLOAD = maxSessionPayloadLength(MAX_FRAME_SIZE);

const CURVE_BY_ALGORITHM: ReadonlyMap<number, Curve> = new Map([
  [Algorithm.ed25519, 'ed25519'],
  [Algorithm.eck256, 'secp256k1'],
]);

/** The openKMS KeyBackend over one or more YubiHSM2 devices. */
export function createYubiHsmBackend(options: YubiHsmBackendOptions): YubiHsmBackend {
  if (options.connectors.length === 0) throw openKmsError('config_invalid', 'yubihsm backend needs at least one connector');
  if (!Number.isInteger(options.authKeyId) || options.authKeyId < 1 || options.authKeyId > 0xfffe)
    throw openKmsError('config_invalid', 'authKeyId must be 1–0xfffe');
  if (!(typeof options.password === 'string' || options.password instanceof Uint8Array) || options.password.length === 0)
    throw openKmsError('config_invalid', 'password must be a non-empty string or byte array');
  const authKey = passwordToAuthKey(options.password);
  const domainFilter = options.domains === undefined ? undefined : domainMask(options.domains);
  const timeoutMs = options.commandTimeoutMs ?? 5000;

  const ownedTransports: Transport[] = [];
  const pools = options.connectors.map((c, i) => {
    let transport: Transport;
    if ('transport' in c) transport = c.transport;
    else {
      transport = createHttpTransport({ url: c.url, ...(c.tls ? { tls: c.tls } : {}), timeoutMs, ...(c.name ? { name: c.name } : {}) });
      ownedTransports.push(transport);
    }
    const reconnect: BackoffOptions = {
      ...(options.reconnect?.initialMs !== undefined ? { initialMs: options.reconnect.initialMs } : {}),
      ...(options.reconnect?.maxMs !== undefined ? { maxMs: options.reconnect.maxMs } : {}),
    };
    return new YubiHsmPool({
      transport,
      name: c.name ?? (options.connectors.length > 1 && 'transport' in c ? `${transport.name}#${i}` : transport.name),
      authKeyId: options.authKeyId,
      authKey,
      commandTimeoutMs: timeoutMs,
      reconnect,
      ...(options.onDemandProbeMs !== undefined ? { onDemandProbeMs: options.onDemandProbeMs } : {}),
      ...(options.poolSize !== undefined ? { size: options.poolSize } : {}),
      ...(options.keepaliveMs !== undefined ? { keepaliveMs: options.keepaliveMs } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.allowSimulated !== undefined ? { allowSimulated: options.allowSimulated } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.randomBytes ? { randomBytes: options.randomBytes } : {}),
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      ...(options.expiryMarginMs !== undefined ? { expiryMarginMs: options.expiryMarginMs } : {}),
    });
  });

  const keys = new Map<number, KeyInfo>();
  const lastDevice = new Map<number, string>();
  let roundRobin = 0;
  let closed = false;

  const deviceLabel = (p: YubiHsmPool): string => (p.description ? String(p.description.serial) : p.name);
  const healthWaitMs = options.health?.waitMs ?? 150;
  const probeIntervalMs = options.health?.probeIntervalMs ?? 1000;
  const stallMs = options.health?.stallMs ?? 1000;
  const lastProbe = new Map<YubiHsmPool, number>();

  /** Seconds until some device would be tried again: what a refusal's Retry-After says (at least 1). */
  const retryAfterSecs = (): number => {
    const ms = Math.min(...pools.map((p) => (p.closed ? Infinity : p.retryInMs)));
    return Number.isFinite(ms) ? Math.max(1, Math.ceil(ms / 1000)) : 1;
  };
  const serving = (p: YubiHsmPool): boolean => p.state === 'up' && p.busyForMs <= stallMs;

  /** Runs `fn` on the least busy available device, failing over to the next on availability errors. */
  async function onDevice<T>(what: string, fn: (pool: YubiHsmPool) => Promise<T>): Promise<{ value: T; pool: YubiHsmPool }> {
    if (closed) throw openKmsError('backend_unavailable', 'YubiHSM2 backend is closed');
    const start = roundRobin++ % pools.length;
    const order = pools
      .map((p, i) => ({ p, rank: (i - start + pools.length) % pools.length }))
      .filter(({ p }) => !p.refusing)
      .sort((a, b) => a.p.queueDepth - b.p.queueDepth || a.rank - b.rank)
      .map(({ p }) => p);
    if (order.length === 0) {
      throw openKmsError('backend_unavailable', 'no YubiHSM2 device is available', {
        operation: what,
        devices: pools.length,
        retry_after_secs: retryAfterSecs(),
      });
    }
    let lastErr: unknown;
    for (const pool of order) {
      try {
        return { value: await fn(pool), pool };
      } catch (err) {
        if (!isAvailabilityError(err)) throw toOpenKmsError(err, { operation: what, device: deviceLabel(pool) });
        lastErr = err;
      }
    }
    const e = toOpenKmsError(lastErr, { operation: what, devices_tried: order.length });
    throw e.code === 'backend_unavailable' ? openKmsError(e.code, e.message, { ...e.context, retry_after_secs: retryAfterSecs() }, lastErr) : e;
  }

  async function fetchKey(pool: YubiHsmPool, id: number): Promise<KeyInfo> {
    const pk = await pool.getPublicKey(id);
    const curve = CURVE_BY_ALGORITHM.get(pk.algorithm);
    if (!curve) throw openKmsError('key_not_found', 'the object is not an ed25519 or secp256k1 key', { key_id: formatKeyId(id), algorithm: pk.algorithm });
    let publicKey: Uint8Array;
    try {
      publicKey = curve === 'ed25519' ? checkLength(pk.publicKey, 32) : compressSecp256k1PublicKey(pk.publicKey);
    } catch {
      throw openKmsError('backend_error', 'the device returned a malformed public key', { key_id: formatKeyId(id) });
    }
    const info = { curve, publicKey };
    keys.set(id, info);
    return info;
  }

  async function keyInfo(id: number): Promise<KeyInfo> {
    return keys.get(id) ?? (await onDevice('getPublicKey', (pool) => fetchKey(pool, id))).value;
  }

  function expectCurve(info: KeyInfo, curve: Curve, id: number): void {
    if (info.curve !== curve) throw openKmsError('invalid_request', `key is not a ${curve} key`, { key_id: formatKeyId(id), curve: info.curve });
  }

  const backend: YubiHsmBackend = {
    kind: 'yubihsm2',
    pools,

    async connect() {
      await Promise.all(pools.filter((p) => p.state !== 'up' && !p.refusing).map((p) => p.connect().catch(() => undefined)));
    },

    async listKeys(): Promise<readonly BackendKey[]> {
      const { value } = await onDevice('listKeys', async (pool) => {
        const out: BackendKey[] = [];
        for (const algorithm of [Algorithm.ed25519, Algorithm.eck256]) {
          const entries = await pool.listObjects({ type: 'asymmetric-key', algorithm, ...(domainFilter !== undefined ? { domains: domainFilter } : {}) });
          for (const e of entries) {
            let info: KeyInfo;
            let label: string;
            let origin: number;
            try {
              const objectInfo = await pool.getObjectInfo(e.id, 'asymmetric-key');
              label = objectInfo.label;
              origin = objectInfo.origin;
              info = await fetchKey(pool, e.id);
            } catch (err) {
              if (err instanceof YubiHsmDeviceError && err.code === DeviceErrorCode.OBJECT_NOT_FOUND) continue; // deleted meanwhile
              throw err;
            }
            out.push({
              id: formatKeyId(e.id),
              curve: info.curve,
              publicKey: info.publicKey,
              ...(label ? { backendLabel: label } : {}),
              origin: keyOrigin(origin),
              // every asymmetric key can be attested by the device's attestation key (SignAttestationCertificate)
              attestation: true,
            });
          }
        }
        return out.sort((a, b) => a.id.localeCompare(b.id));
      });
      return value;
    },

    async getPublicKey(key: KeyRef): Promise<Uint8Array> {
      const id = parseKeyId(key.id);
      return (await keyInfo(id)).publicKey.slice();
    },

    async signEd25519(key: KeyRef, message: Uint8Array, options?: SignOptions): Promise<Uint8Array> {
      const id = parseKeyId(key.id);
      if (!(message instanceof Uint8Array)) throw openKmsError('invalid_request', 'Ed25519 message must be bytes');
      // SignEddsa carries the whole message (id(2) ‖ message) in one device frame; no device can take more.
      if (2 + message.length > MAX_ED25519_PAYLOAD)
        throw openKmsError('invalid_request', `Ed25519 message too large for the YubiHSM2 (max ${MAX_ED25519_PAYLOAD - 2} bytes)`, {
          key_id: formatKeyId(id),
          message_bytes: message.length,
          max_message_bytes: MAX_ED25519_PAYLOAD - 2,
        });
      const info = await keyInfo(id);
      expectCurve(info, 'ed25519', id);
      const { value: signature, pool } = await onDevice('signEd25519', (p) => p.signEddsa(id, message));
      if (!verifyEd25519(signature, message, info.publicKey)) {
        throw openKmsError('signature_verification_failed', 'the YubiHSM2 returned an Ed25519 signature that does not verify', {
          key_id: formatKeyId(id),
          device: deviceLabel(pool),
        });
      }
      lastDevice.set(id, deviceLabel(pool));
      options?.onProvenance?.({ keyId: formatKeyId(id), device: deviceLabel(pool) });
      return signature;
    },

    async signSecp256k1(key: KeyRef, digest: Uint8Array, options?: SignOptions): Promise<Secp256k1Signature> {
      const id = parseKeyId(key.id);
      if (!(digest instanceof Uint8Array) || digest.length !== 32) throw openKmsError('invalid_request', 'secp256k1 digest must be 32 bytes');
      const info = await keyInfo(id);
      expectCurve(info, 'secp256k1', id);
      const { value: der, pool } = await onDevice('signSecp256k1', (p) => p.signEcdsa(id, digest));
      try {
        const out = normalizeSecp256k1Signature(der, digest, info.publicKey);
        lastDevice.set(id, deviceLabel(pool));
        options?.onProvenance?.({ keyId: formatKeyId(id), device: deviceLabel(pool) });
        return { signature: out.signature, recovery: out.recovery };
      } catch (err) {
        const reason = err instanceof YubiHsmProtocolError ? err.reason : 'internal';
        throw openKmsError('signature_verification_failed', 'the YubiHSM2 returned a secp256k1 signature that does not verify', {
          key_id: formatKeyId(id),
          device: deviceLabel(pool),
          reason,
        });
      }
    },

    provenance(key: KeyRef): SignProvenance {
      let id: number | undefined;
      try {
        id = parseKeyId(key.id);
      } catch {
        id = undefined;
      }
      const device =
        (id !== undefined ? lastDevice.get(id) : undefined) ?? pools.find((p) => p.state === 'up' && p.description)?.description?.serial.toString();
      return { keyId: key.id, ...(device !== undefined ? { device } : {}) };
    },

    /**
     * Answers from the last known state within about `health.waitMs`: probes run in the background (at most one per
     * device per `health.probeIntervalMs`; a probe that fails or times out takes the device down), and a device whose
     * current command has run longer than `health.stallMs` counts as not serving.
     */
    async health(): Promise<BackendHealth> {
      const now = performance.now();
      const probes: Promise<boolean>[] = [];
      for (const p of pools) {
        if (p.closed || now - (lastProbe.get(p) ?? -Infinity) < probeIntervalMs) continue;
        lastProbe.set(p, now);
        probes.push(p.probe());
      }
      if (probes.length > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(probes), new Promise<void>((r) => (timer = setTimeout(r, healthWaitMs)))]);
        clearTimeout(timer);
      }
      const up = pools.filter(serving);
      const simulated = pools.some((p) => p.description?.simulated === true);
      const detail: Record<string, string | number | boolean> = {
        devices: pools.length,
        devices_up: up.length,
        serials: up.map((p) => p.description?.serial ?? '?').join(','),
        sessions: pools.reduce((n, p) => n + p.sessionCount, 0),
      };
      pools.forEach((p, i) => {
        detail[`device_${i}`] =
          `${p.name} ${p.state}${p.state === 'up' && !serving(p) ? ' stalled' : ''}${p.description ? ` serial=${p.description.serial} fw=${p.description.firmware}` : ''}${p.description?.simulated ? ' simulated' : ''}${p.lastError ? ` error=${p.lastError}` : ''}`;
      });
      return { up: up.length > 0, simulated, detail };
    },

    stats(): YubiHsmStats {
      return {
        devices: pools.map((p) => ({
          name: p.name,
          up: p.state === 'up',
          state: p.state,
          ...(p.description ? { serial: p.description.serial } : {}),
          simulated: p.description?.simulated === true,
          sessions: p.sessionCount,
          queueDepth: p.queueDepth,
          ...(p.lastError ? { lastError: p.lastError } : {}),
        })),
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(pools.map((p) => p.close()));
      await Promise.all(ownedTransports.map((t) => t.close?.()));
    },
  };
  return backend;
}

/** GetObjectInfo origin → the BackendKey origin (a key restored from a wrap is imported-wrapped, whatever it was before). */
export function keyOrigin(origin: number): KeyOrigin {
  const o = describeOrigin(origin);
  return o.wrapped ? 'imported-wrapped' : o.generated ? 'generated' : 'imported';
}

function checkLength(bytes: Uint8Array, n: number): Uint8Array {
  if (bytes.length !== n) throw new YubiHsmProtocolError('malformed_frame', `expected ${n} bytes`);
  return bytes;
}
