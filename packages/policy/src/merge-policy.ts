import type { KeyPolicy, PolicyOverlay } from './key-policy.js';
import { parsePolicy } from './parse-policy.js';

/** Fields whose value is an asset → amount map: overlays merge them per asset instead of replacing them. */
const CAP_MAPS = new Set(['per_tx_caps', 'window_caps', 'fee_caps']);

/**
 * Merges a validated patch onto a stored overlay (JSON merge-patch semantics): a field set to `null` is removed from
 * the overlay, cap maps merge per asset (an asset set to `null` is removed), everything else replaces.
 * The result never contains `null`; an empty result means "no overlay".
 */
export function mergeOverlay(current: PolicyOverlay | undefined, patch: PolicyOverlay): PolicyOverlay {
  const out: Record<string, unknown> = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      delete out[key];
    } else if (CAP_MAPS.has(key)) {
      const caps: Record<string, unknown> = { ...((out[key] as Record<string, unknown> | undefined) ?? {}) };
      for (const [asset, amount] of Object.entries(value as Record<string, string | null>)) {
        if (amount === null) delete caps[asset];
        else caps[asset] = amount;
      }
      if (Object.keys(caps).length === 0) delete out[key];
      else out[key] = caps;
    } else {
      out[key] = value;
    }
  }
  return out as PolicyOverlay;
}

/**
 * The effective policy: the config policy with the overlay applied (scalars and lists replace, cap maps merge per
 * asset). An overlay can tighten or loosen a policy, but it cannot remove a cap the config sets (only replace it).
 */
export function applyOverlay(base: KeyPolicy, overlay: PolicyOverlay | undefined, path: string): KeyPolicy {
  if (overlay === undefined || Object.keys(overlay).length === 0) return base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === undefined || value === null) continue;
    merged[key] = CAP_MAPS.has(key) ? { ...(merged[key] as Record<string, string>), ...(value as Record<string, string>) } : value;
  }
  return parsePolicy(merged, path);
}
