/**
 * Where the signer keeps records that outlive a request (pending approvals, pairings): this process and a file
 * beside the state file (memory mode, file-record-store.ts), or the fleet's Redis (fleet mode, fleet-record-store.ts)
 * so that any instance can list, decide and finish a record another instance created.
 *
 * Changes are compare-and-set: `put(next, prev)` stores `next` only while the stored record is still `prev` (the
 * object this store returned), so two deciders never both win. A claim marks work that must run once (signing an
 * approved request, making a pairing's token): in fleet mode it lapses after its time to live if the instance dies.
 */
export interface RecordStore<T extends { readonly id: string }> {
  /** True when the records are shared with other instances (fleet mode). */
  readonly shared: boolean;
  /** Every record kept. */
  all(): Promise<T[]>;
  get(id: string): Promise<T | undefined>;
  /**
   * Stores `next` (undefined: deletes the record `prev`) if the stored record is still `prev` (undefined: none with
   * that id). Resolves false when it changed meanwhile; rejects when it cannot be stored (`state_write_failed`,
   * `state_unavailable`), leaving the stored record as it was.
   */
  put(next: T | undefined, prev: T | undefined, id?: string): Promise<boolean>;
  /** Takes the exclusive claim on a record for `ttlMs`; false when it is already claimed. */
  claim(id: string, ttlMs: number): Promise<boolean>;
  unclaim(id: string): Promise<void>;
  claimed(id: string): Promise<boolean>;
}
