/**
 * Fixed one-minute windows for an unauthenticated route: a count per client address and one overall. The map of
 * addresses is cleared each window, so it holds at most the addresses of one minute.
 */
export class PairingRateLimit {
  #window = -1;
  #overall = 0;
  readonly #perIp = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request; returns which limit it exceeds (and the seconds until the window ends), or undefined. */
  take(ip: string, limits: { perIpPerMinute: number; perMinute: number }): { limit: 'per_ip' | 'overall'; retryAfterSecs: number } | undefined {
    const now = this.now();
    const window = Math.floor(now / 60_000);
    if (window !== this.#window) {
      this.#window = window;
      this.#overall = 0;
      this.#perIp.clear();
    }
    const retryAfterSecs = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
    if (this.#overall >= limits.perMinute) return { limit: 'overall', retryAfterSecs };
    const mine = this.#perIp.get(ip) ?? 0;
    if (mine >= limits.perIpPerMinute) return { limit: 'per_ip', retryAfterSecs };
    this.#overall++;
    this.#perIp.set(ip, mine + 1);
    return undefined;
  }
}
