/** What an entry costs beyond its body's JSON (the key, the digest and the Map's own bookkeeping), in bytes. */
const ENTRY_OVERHEAD_BYTES = 256;

interface ReplayEntry {
  readonly body: Readonly<Record<string, unknown>>;
  readonly signatureSha256: string;
  readonly expires: number;
  readonly bytes: number;
}

/**
 * Signatures by (label, sha256 of the exact signed bytes), bounded in number, in size and in age. A hit is still
 * decided by the policy (a dry run: a disabled key never gets a cached signature) and returns the identical response
 * without touching the HSM or consuming budget. Entries are kept in insertion order, which is expiry order: every
 * set first drops the expired ones from the front, so a quiet signer does not keep signatures past their TTL, then
 * evicts the oldest while the cache holds more than `maxEntries` or more than `maxBytes` of response JSON.
 */
export class ReplayCache {
  private readonly entries = new Map<string, ReplayEntry>();
  #bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxBytes: number = Infinity,
  ) {}

  get(label: string, digestHex: string): { body: Readonly<Record<string, unknown>>; signatureSha256: string } | undefined {
    const k = `${label}\u0000${digestHex}`;
    const hit = this.entries.get(k);
    if (!hit) return undefined;
    if (hit.expires <= this.now()) {
      this.#delete(k, hit);
      return undefined;
    }
    return hit;
  }

  set(label: string, digestHex: string, body: Readonly<Record<string, unknown>>, signatureSha256: string): void {
    if (this.maxEntries === 0 || this.ttlMs === 0) return;
    const k = `${label}\u0000${digestHex}`;
    const previous = this.entries.get(k);
    if (previous) this.#delete(k, previous);
    const now = this.now();
    for (const [key, e] of this.entries) {
      if (e.expires > now) break;
      this.#delete(key, e);
    }
    const bytes = JSON.stringify(body).length + k.length + signatureSha256.length + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.maxBytes) return;
    this.entries.set(k, { body, signatureSha256, expires: now + this.ttlMs, bytes });
    this.#bytes += bytes;
    while (this.entries.size > this.maxEntries || this.#bytes > this.maxBytes) {
      const [oldest, e] = this.entries.entries().next().value as [string, ReplayEntry];
      this.#delete(oldest, e);
    }
  }

  #delete(k: string, e: ReplayEntry): void {
    this.entries.delete(k);
    this.#bytes -= e.bytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The estimated size of what the cache holds (response JSON plus a fixed overhead per entry), in bytes. */
  get bytes(): number {
    return this.#bytes;
  }
}
