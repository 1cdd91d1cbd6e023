import type { Response } from 'express';

/** The response header of GET /policy and GET /policy/{label} that sums up the state store the usage was read from. */
export const STATE_STORE_HEADER = 'x-openkms-state-store';

interface ViewWithStore {
  readonly runtime?: { readonly state_store?: { readonly kind?: unknown; readonly reachable?: unknown }; readonly usage_unavailable?: unknown };
}

/**
 * Sets `x-openkms-state-store: kind=<memory|redis>; reachable=<true|false>; usage_unavailable=<n>` from the views of
 * one response (GET /policy is an array, so the summary of the whole response is a header; each view says the same
 * per key in `runtime`). reachable is false when any read of this response failed; n counts the views whose usage
 * is not the current state. No views (no key visible to the token): no header.
 */
export function setStateStoreHeader(res: Response, views: readonly unknown[]): void {
  const stores = (views as readonly ViewWithStore[]).map((v) => v.runtime?.state_store).filter((x) => x !== undefined);
  if (stores.length === 0) return;
  const kind = String(stores[0]!.kind);
  const reachable = stores.every((x) => x.reachable === true);
  const unavailable = (views as readonly ViewWithStore[]).filter((v) => v.runtime?.usage_unavailable === true).length;
  res.setHeader(STATE_STORE_HEADER, `kind=${kind}; reachable=${reachable}; usage_unavailable=${unavailable}`);
}
