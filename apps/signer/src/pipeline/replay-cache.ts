/**
 * Signatures by (label, sha256 of the exact signed bytes), bounded in size and age. A hit is still decided by the
 * policy (a dry run: a disabled key never gets a cached signature) and returns the identical response without
 * touching the HSM or consuming budget.
 */
export class ReplayCache {
  private readonly entries = new Map<string, { body: Readonly<Record<string, unknown>>; signatureSha256: string; expires: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(label: string, digestHex: string): { body: Readonly<Record<string, unknown>>; signatureSha256: string } | undefined {
    const k = `${label}\u0000${digestHex}`;
    const hit = this.entries.get(k);
    if (!hit) return undefined;
    if (hit.expires <= this.now()) {
      this.entries.delete(k);
      return undefined;
    }
    return hit;
  }

  set(label: string, digestHex: string, body: Readonly<Record<string, unknown>>, signatureSha256: string): void {
    if (this.maxEntries === 0 || this.ttlMs === 0) return;
    const k = `${label}\u0000${digestHex}`;
    this.entries.delete(k);
    this.entries.set(k, { body, signatureSha256, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
