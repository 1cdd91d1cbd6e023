import {
  ErrorCode,
  openKmsError,
  type BackendHealth,
  type BackendKey,
  type Curve,
  type KeyBackend,
  type KeyRef,
  type Secp256k1Signature,
  type SignOptions,
  type SignProvenance,
} from '@openkms/core';

/** A key reference that names its backend (`[backends.<name>]`): what the key directory hands the router. */
export interface RoutedKeyRef extends KeyRef {
  readonly backend: string;
}

/** One running backend of the signer. */
export interface NamedBackend {
  readonly name: string;
  /** The plugin kind in config (`yubihsm`, `pkcs11`, …). */
  readonly kind: string;
  readonly backend: KeyBackend;
}

/** A backend's state, as `/health` reports it. */
export interface BackendStatus {
  readonly name: string;
  readonly kind: string;
  readonly up: boolean;
  readonly simulated: boolean;
}

/** A key a backend reports, with the backend's name. */
export interface DiscoveredKey extends BackendKey {
  readonly backend: string;
}

/** How long a listing of the backends' keys is reused (GET /keys must not walk every HSM on each call). */
const LIST_TTL_MS = 10_000;

/** How the router caches its backends' health (`/health`, the metrics timer). */
export interface RouterHealthOptions {
  /** How long a backend's answer is reused (default 1000 ms); a failed signature on it ends that early. */
  readonly ttlMs?: number;
  /** How long a caller waits for a check; a backend that has not answered by then counts as down (default 500 ms). */
  readonly waitMs?: number;
}

interface CachedHealth {
  at: number;
  status?: BackendStatus;
  pending?: Promise<BackendStatus>;
}

/**
 * The signer's key backends behind one KeyBackend: each call goes to the backend its key reference names, so one
 * backend down leaves the others' keys signing. Provenance carries the backend's name (audit records name it).
 */
export class KeyBackendRouter implements KeyBackend {
  readonly kind = 'router';
  private readonly byName = new Map<string, NamedBackend>();
  private listing: { at: number; keys: Promise<{ keys: DiscoveredKey[]; failed: string[] }> } | undefined;
  private readonly healthCache = new Map<string, CachedHealth>();
  private readonly healthTtlMs: number;
  private readonly healthWaitMs: number;

  constructor(
    backends: readonly NamedBackend[],
    private readonly onSign?: (backend: NamedBackend, curve: Curve, ok: boolean) => void,
    healthOptions: RouterHealthOptions = {},
  ) {
    for (const b of backends) this.byName.set(b.name, b);
    this.healthTtlMs = healthOptions.ttlMs ?? 1_000;
    this.healthWaitMs = healthOptions.waitMs ?? 500;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  get(name: string): NamedBackend | undefined {
    return this.byName.get(name);
  }

  private route(ref: KeyRef): { b: NamedBackend; ref: KeyRef } {
    const name = (ref as Partial<RoutedKeyRef>).backend ?? (this.byName.size === 1 ? [...this.byName.keys()][0] : undefined);
    const b = name === undefined ? undefined : this.byName.get(name);
    if (b === undefined) throw openKmsError(ErrorCode.keyNotFound, `no key backend named ${JSON.stringify(name ?? '')}`, { key_id: ref.id });
    return { b, ref: { id: ref.id } };
  }

  private options(b: NamedBackend, o: SignOptions | undefined): SignOptions {
    return { onProvenance: (p) => o?.onProvenance?.({ ...p, backend: p.backend ?? b.name }) };
  }

  private async counted<T>(b: NamedBackend, curve: Curve, work: () => Promise<T>): Promise<T> {
    try {
      const out = await work();
      this.onSign?.(b, curve, true);
      return out;
    } catch (err) {
      this.onSign?.(b, curve, false);
      // a failed call is news about the backend: the next /health asks it again
      this.healthCache.delete(b.name);
      throw err;
    }
  }

  async getPublicKey(key: KeyRef): Promise<Uint8Array> {
    const { b, ref } = this.route(key);
    return b.backend.getPublicKey(ref);
  }

  async signEd25519(key: KeyRef, message: Uint8Array, o?: SignOptions): Promise<Uint8Array> {
    const { b, ref } = this.route(key);
    return this.counted(b, 'ed25519', () => b.backend.signEd25519(ref, message, this.options(b, o)));
  }

  async signSecp256k1(key: KeyRef, digest: Uint8Array, o?: SignOptions): Promise<Secp256k1Signature> {
    const { b, ref } = this.route(key);
    return this.counted(b, 'secp256k1', () => b.backend.signSecp256k1(ref, digest, this.options(b, o)));
  }

  provenance(key: KeyRef): SignProvenance {
    const { b, ref } = this.route(key);
    return { ...(b.backend.provenance?.(ref) ?? { keyId: ref.id }), backend: b.name };
  }

  /** Every backend's keys (a backend that cannot list them is named in `failed`); reused for a few seconds. */
  discover(): Promise<{ keys: DiscoveredKey[]; failed: string[] }> {
    const now = Date.now();
    if (this.listing === undefined || now - this.listing.at > LIST_TTL_MS) {
      const keys = Promise.all(
        [...this.byName.values()].map(async (b) => {
          try {
            return { name: b.name, keys: (await b.backend.listKeys()).map((k) => ({ ...k, backend: b.name })) };
          } catch {
            return { name: b.name, keys: undefined };
          }
        }),
      ).then((all) => ({ keys: all.flatMap((a) => a.keys ?? []), failed: all.filter((a) => a.keys === undefined).map((a) => a.name) }));
      this.listing = { at: now, keys };
      // a failed listing is not reused
      void keys.then((r) => {
        if (r.failed.length > 0 && this.listing?.keys === keys) this.listing = undefined;
      });
    }
    return this.listing.keys;
  }

  async listKeys(): Promise<readonly BackendKey[]> {
    return (await this.discover()).keys;
  }

  /**
   * Each backend's state (a backend whose health check throws is down). Answers are reused for `ttlMs`, and
   * concurrent callers share one check per backend, so `/health` and the metrics timer cost the backends at most one
   * check a second; a check that takes longer than `waitMs` counts as down (it goes on, and its answer is kept).
   */
  async statuses(): Promise<BackendStatus[]> {
    return Promise.all([...this.byName.values()].map((b) => this.status(b)));
  }

  private async status(b: NamedBackend): Promise<BackendStatus> {
    const now = performance.now();
    let entry = this.healthCache.get(b.name);
    if (entry?.status !== undefined && entry.pending === undefined && now - entry.at < this.healthTtlMs) return entry.status;
    if (entry === undefined) {
      entry = { at: now };
      this.healthCache.set(b.name, entry);
    }
    const e = entry;
    if (e.pending === undefined) {
      const check: Promise<BackendStatus> = b.backend
        .health()
        .catch(() => ({ up: false, simulated: false }))
        .then((h) => {
          const status = { name: b.name, kind: b.kind, up: h.up, simulated: h.simulated };
          if (e.pending === check) {
            e.status = status;
            e.at = performance.now();
            e.pending = undefined;
          }
          return status;
        });
      e.pending = check;
    }
    const pending = e.pending;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<BackendStatus>((resolve) => {
      timer = setTimeout(() => resolve({ name: b.name, kind: b.kind, up: false, simulated: e.status?.simulated ?? false }), this.healthWaitMs);
    });
    try {
      return await Promise.race([pending, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Up when every backend is up; simulated when any is. */
  async health(): Promise<BackendHealth> {
    const all = await this.statuses();
    const detail: Record<string, string | number | boolean> = {};
    for (const s of all) detail[s.name] = s.up;
    return { up: all.every((s) => s.up), simulated: all.some((s) => s.simulated), detail };
  }

  async close(): Promise<void> {
    await Promise.all([...this.byName.values()].map((b) => b.backend.close().catch(() => undefined)));
  }
}
