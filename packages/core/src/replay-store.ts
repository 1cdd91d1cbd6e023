/**
 * Where a signer keeps its recent signatures by (label, digest of the exact signed bytes) and the requests signing
 * right now, so that the same bytes sent again (or twice at once, to one instance or several) get ONE signature and
 * consume the budget once. In one process this is an in-memory cache and a map of in-flight requests; a fleet shares
 * it (e.g. Redis: a claim key set if absent, with a lease, then the result under the same key).
 *
 * Life of a request: `join` either returns the recent result (a replay), or waits while another request holds the
 * claim on these bytes, or hands out the claim. The claim's holder decides and signs, then `complete`s the claim with
 * the result (waiters get it as a replay) or `abandon`s it (refused, failed, held for an approval: one waiter takes
 * the claim over and decides for itself). A claim whose holder died lapses after its lease; a waiter then takes over.
 */
export interface ReplayStore {
  /** The recent result for these bytes, if any; never waits (explain's dry run). */
  get(label: string, digestHex: string): Promise<ReplayEntry | undefined>;
  /**
   * The recent result, or the claim to sign these bytes (waiting while someone else holds it). Rejects with
   * `deadline_exceeded` when `deadline` (epoch ms) passes while waiting, with `state_unavailable` when a shared store
   * cannot be reached (nothing may be signed without the claim).
   */
  join(label: string, digestHex: string, deadline: number): Promise<ReplayJoin>;
  /** Stores a result signed without a claim (an approved request); never throws. */
  remember(label: string, digestHex: string, entry: ReplayEntry): Promise<void>;
}

/** What a replay answers with: the signature's response body (no secret: the signature and the signed transaction). */
export interface ReplayEntry {
  readonly body: Readonly<Record<string, unknown>>;
  /** For the replay's audit record. */
  readonly signatureSha256: string;
}

export type ReplayJoin = { readonly cached: ReplayEntry; readonly claim?: undefined } | { readonly claim: ReplayClaim; readonly cached?: undefined };

/** The right to sign given bytes now; every other request for them waits for its outcome. */
export interface ReplayClaim {
  /** Stores the result for the replay TTL and hands it to the waiters; never throws (a fault lets the claim lapse). */
  complete(entry: ReplayEntry): Promise<void>;
  /** Gives the claim up without a result: a waiter takes it over. Never throws; calling it after complete does nothing. */
  abandon(): Promise<void>;
}
