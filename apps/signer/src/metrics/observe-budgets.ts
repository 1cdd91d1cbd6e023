import type { PolicyEngine } from '@openkms/policy';
import type { SignerMetrics } from './signer-metrics.js';

/**
 * Refreshes the budget gauges (`openkms_budget_spent` / `openkms_budget_remaining` per key and asset) from the policy
 * engine. With the in-memory store this is synchronous and copies no window (the store's running totals). In fleet
 * mode the gauges show the fleet's shared counters: each key's windows are read from Redis (the same read a decision
 * makes), so every instance reports the same figures, whichever instance signed. A key whose shared state cannot be
 * read keeps its last gauges (the scrape still answers).
 */
export function observeBudgets(metrics: SignerMetrics, engine: PolicyEngine, labels: readonly string[]): void | Promise<void> {
  if (engine.shared === undefined) {
    for (const label of labels) {
      let spend;
      try {
        spend = engine.budgets(label);
      } catch {
        continue; // a label the engine does not know (yet): nothing to report
      }
      for (const s of spend) set(metrics, label, s.asset, s.spent, s.remaining);
    }
    return;
  }
  return Promise.all(
    labels.map(async (label) => {
      let view;
      try {
        if (!engine.hasKey(label)) return;
        view = await engine.viewAsync(label);
      } catch {
        return;
      }
      for (const s of view.runtime.spend) set(metrics, label, s.asset, BigInt(s.spent), s.remaining === null ? null : BigInt(s.remaining));
    }),
  ).then(() => undefined);
}

function set(metrics: SignerMetrics, label: string, asset: string, spent: bigint, remaining: bigint | null): void {
  metrics.budgetUsed.set({ label, asset }, Number(spent));
  if (remaining !== null) metrics.budgetRemaining.set({ label, asset }, Number(remaining));
}
