import type { ReservationBackend } from './shared-policy-state-store.js';

export type ReservationState = 'pending' | 'committed' | 'released';

/**
 * The budget an allowed decision holds (one sign count, and the spend of each asset) until the signer knows
 * whether signing worked: `commit()` after a signature was produced (and audited), `release()` if it failed.
 * The first call wins; later calls are no-ops. A reservation that is never finished keeps its budget until it
 * leaves the windows (fail closed), and is not restored after a restart.
 */
export class Reservation {
  readonly id: string;
  readonly label: string;
  readonly #store: ReservationBackend;
  #state: ReservationState = 'pending';
  /** The last store call's promise (a shared store): settles when the store has it. */
  settled: Promise<void> = Promise.resolve();

  constructor(store: ReservationBackend, label: string, id: string) {
    this.#store = store;
    this.label = label;
    this.id = id;
  }

  get state(): ReservationState {
    return this.#state;
  }

  commit(): void {
    if (this.#state !== 'pending') return;
    this.#state = 'committed';
    this.#track(this.#store.commit(this.id));
  }

  release(): void {
    if (this.#state !== 'pending') return;
    this.#state = 'released';
    this.#track(this.#store.release(this.id));
  }

  /** Keeps a pending reservation from lapsing in a shared store (it waits for an operator approval). */
  hold(): void {
    if (this.#state !== 'pending') return;
    this.#track(this.#store.hold?.(this.id));
  }

  #track(result: void | Promise<void>): void {
    // a shared store retries on its own and lets a lease lapse as a last resort: the caller never waits on it
    if (result instanceof Promise) this.settled = result.catch(() => undefined);
  }
}
