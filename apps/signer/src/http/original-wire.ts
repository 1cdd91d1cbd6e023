import type { KeyConfig } from '../config/signer-config.js';

/**
 * Fields the original Rust openKMS's clients read, added beside ours (nothing of ours is renamed or removed).
 * See README "Migrating from the Rust openKMS" for how each maps onto our semantics.
 */

/** Our `key_id` ("0x0101") as the original's integer `object_id` (257). */
export function objectIdOf(keyId: string): number {
  return Number.parseInt(keyId, 16);
}

type Json = Record<string, unknown>;

interface ViewLike {
  readonly effective_enabled: boolean;
  readonly policy: Json;
  readonly runtime: {
    readonly key_switch_enabled: boolean;
    readonly sign_counts: Record<string, { limit: number | null; used: number; window_secs: number }>;
    readonly spend: readonly { asset: string; spent: string; cap: string | null }[];
  } & Json;
}

const DAY_SECS = 86_400;

/**
 * A policy view (ours) with the original's fields: `object_id` (integer), `key_id`, `derivation_path`;
 * `policy.per_tx_cap_lamports` / `daily_cap_lamports` (the native-asset caps as configured);
 * `runtime.effective_enabled`, `runtime.enabled_override` (false while our kill switch is off, else null: our switch
 * only ever disables); every `sign_counts.*.limit` an integer (0 = no limit, the original's reading of 0);
 * `runtime.daily_spend` as `{token, day_unix, spent, cap}` — our rolling 24 h window, so `day_unix` is the window's
 * start (now − 24 h), not a UTC midnight.
 */
export function withOriginalPolicyFields(input: Json, key: KeyConfig, nowMs: number): Json {
  const view = input as unknown as ViewLike;
  const policy = view.policy as { per_tx_caps?: Record<string, string>; window_caps?: Record<string, string> } & Json;
  const perTx = policy.per_tx_caps?.native;
  const daily = policy.window_caps?.native;
  const windowStart = Math.floor(nowMs / 1000) - DAY_SECS;
  const runtime = view.runtime;
  return {
    ...input,
    object_id: objectIdOf(key.keyId),
    key_id: key.keyId,
    derivation_path: key.derivationPath ?? null,
    policy: {
      ...policy,
      ...(perTx === undefined ? {} : { per_tx_cap_lamports: perTx }),
      ...(daily === undefined ? {} : { daily_cap_lamports: daily }),
    },
    runtime: {
      ...runtime,
      effective_enabled: view.effective_enabled,
      enabled_override: runtime.key_switch_enabled ? null : false,
      sign_counts: Object.fromEntries(Object.entries(runtime.sign_counts).map(([w, c]) => [w, { ...c, limit: c.limit ?? 0 }])),
      daily_spend: runtime.spend.map((x) => ({ token: x.asset, day_unix: windowStart, spent: x.spent, cap: x.cap })),
    },
  };
}

/**
 * The admin policy snapshot (the original's `policy_source`, `baseline_policy`, `policy`, `runtime`) beside our
 * `overlay`: the config file's policy, the effective one and where it comes from.
 */
export function adminPolicySnapshot(label: string, baseline: unknown, view: Json, overlay: Record<string, unknown>): Json {
  return {
    label,
    policy_source: Object.keys(overlay).length > 0 ? 'config+overlay' : 'config',
    baseline_policy: baseline,
    policy: view.policy,
    runtime: view.runtime,
    overlay,
  };
}
