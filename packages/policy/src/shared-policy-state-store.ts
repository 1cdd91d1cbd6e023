import type { PolicyStateStore, SignEvent } from './policy-state-store.js';

/** What a shared store read of one key returns: a synchronous view of its windows and the version it was read at. */
export interface SharedStateSnapshot {
  /** Read-only view of the key's signatures and spend (only the read methods are used). */
  readonly view: PolicyStateStore;
  /** The key's version when it was read; `reserveIf` succeeds only while it is unchanged. */
  readonly version: string;
}

/**
 * A PolicyStateStore shared by several signer instances (fleet mode, e.g. @openkms/redis-store). The engine reads a
 * key's windows, decides locally with the same rules as with the in-memory store, and reserves with a
 * compare-and-set on the key's version: if another instance changed the key in between, nothing is reserved and the
 * engine decides again on a fresh read. Every method may reject (store unreachable): the engine then fails closed.
 */
export interface SharedPolicyStateStore {
  /** What the store is, as GET /policy names it (e.g. `redis`); default `shared`. */
  readonly kind?: string;
  /**
   * Reads the key's events with time > since (pending reservations whose lease ran out are dropped first). The view is
   * a snapshot the caller owns: the engine adds a batch's allowed events to it while it evaluates the batch, so it must
   * not be the store's own state.
   */
  load(label: string, since: number): Promise<SharedStateSnapshot>;
  /** Records a pending signature if the key is still at `version`; its id, or undefined on a conflict. */
  reserveIf(label: string, version: string, event: SignEvent): Promise<string | undefined>;
  /**
   * Records several pending signatures of one key if it is still at `version`, all or none (a batch of decisions);
   * their ids in order, or undefined on a conflict. Optional: without it the engine decides one request at a time.
   */
  reserveAllIf?(label: string, version: string, events: readonly SignEvent[]): Promise<string[] | undefined>;
  /** Records a pending signature unconditionally (a held approval restored at startup). */
  reserve(label: string, event: SignEvent): Promise<string>;
  /** Makes a pending signature permanent. */
  commit(id: string): Promise<void>;
  /** Forgets a pending signature. */
  release(id: string): Promise<void>;
  /** Keeps a pending signature from lapsing (it waits for an operator approval); it can still be committed or released. */
  hold(id: string): Promise<void>;
  /** Records an already committed signature (restore, rebuild). */
  add(label: string, event: SignEvent): Promise<void>;
}

/** How a Reservation finishes: the synchronous store, or a shared one (its promise is tracked, never thrown). */
export interface ReservationBackend {
  commit(id: string): void | Promise<void>;
  release(id: string): void | Promise<void>;
  hold?(id: string): void | Promise<void>;
}
