import type { PolicyStateStore } from './policy-state-store.js';

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
  readonly #store: PolicyStateStore;
  #state: ReservationState = 'pending';

  constructor(store: PolicyStateStore, label: string, id: string) {
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
    this.#store.commit(this.id);
  }

  release(): void {
    if (this.#state !== 'pending') return;
    this.#state = 'released';
    this.#store.release(this.id);
  }
}
