import { isOpenKmsError, openKmsError } from '@openkms/core';
import { recordedSpend, type RecordedIntent } from './recorded-spend.js';
import type { ErrorCode, Intent, PolicyAliases } from '@openkms/core';
import { approvalReasons, type ApprovalReason } from './approval-policy.js';
import { compilePolicy } from './compiled-policy.js';
import type { CompiledPolicy } from './compiled-policy.js';
import type { Decision } from './decision.js';
import { DAY_MS, RATE_WINDOWS, evaluatePolicy, spendTotals } from './evaluate-policy.js';
import type { KeyPolicy, PolicyOverlay } from './key-policy.js';
import { applyOverlay, mergeOverlay } from './merge-policy.js';
import { parsePolicy, parsePolicyOverlay } from './parse-policy.js';
import type { PolicyProblem } from './policy-ids.js';
import { MemoryPolicyStateStore } from './policy-state-store.js';
import type { PolicyStateStore, SignEvent } from './policy-state-store.js';
import { KeyQueue, type KeyQueueOutcome } from './key-queue.js';
import { Reservation } from './reservation.js';
import { RuntimeState } from './runtime-state.js';
import type { SharedPolicyStateStore } from './shared-policy-state-store.js';

/** One configured key as the engine sees it. `policy` may be raw (TOML-derived) or already parsed. */
export interface PolicyKeyConfig {
  readonly chain: string;
  readonly policy: KeyPolicy | Readonly<Record<string, unknown>>;
  /** Chain-specific spellings accepted in the policy and in PATCH overlays (from the key's chain plugin). */
  readonly aliases?: PolicyAliases;
  /**
   * Extra checks of an effective policy (config ⊕ overlay), e.g. the chain plugin's checks of asset ids and addresses
   * (see `checkPolicyIds`). Any problem stops construction and reload (`config_invalid`) and refuses a PATCH
   * (`invalid_request`), with the dotted path of the first problem and every problem's message in `context.errors`.
   */
  readonly validate?: (policy: KeyPolicy, path: string) => readonly PolicyProblem[];
}

export interface PolicyEngineOptions {
  readonly keys: Readonly<Record<string, PolicyKeyConfig>>;
  /** Sign counts and rolling spend. Default: a new MemoryPolicyStateStore. */
  readonly state?: PolicyStateStore;
  /**
   * Fleet mode: sign counts and rolling spend shared with other signer instances. When set, `authorizeAsync` reads
   * and reserves there (compare-and-set per key) and `state` is not used for decisions.
   */
  readonly shared?: SharedPolicyStateStore;
  /** Kill switches and overlays. Default: RuntimeState.inMemory(). */
  readonly runtime?: RuntimeState;
  /** Milliseconds since the epoch. Default: Date.now. */
  readonly now?: () => number;
  /**
   * Fleet mode: called each time a reservation's compare-and-set found the key's shared version moved (another
   * instance, a release or a lapse changed the key between the read and the reservation) and the decisions are taken
   * again on a fresh read (the signer's `openkms_state_cas_retries_total`).
   */
  readonly onCasRetry?: (label: string) => void;
}

/** Options of one fleet-mode decision. */
export interface DecideOptions {
  /**
   * The request's deadline (ms since the epoch, wall clock): a decision still waiting behind earlier decisions on
   * the same key then gives up with `deadline_exceeded` (one that has started runs to its end).
   */
  readonly deadline?: number;
}

export interface AuthorizeResult {
  readonly decision: Decision;
  /** Present exactly when the decision allows: commit it after signing, release it if signing fails. */
  readonly reservation?: Reservation;
}

/** A durable audit record of a decision, as far as restore needs it. */
export interface RestoreRecord {
  readonly time: string | Date | number;
  /** Required on `allow` records (optional in the type so audit records can be passed as they are). */
  readonly label?: string;
  /** Only `allow` counts (not `deny`, not `replay`). */
  readonly decision: string;
  /**
   * The amounts moved. `totals` (per asset, as bounded audit records store them) is used when present; otherwise
   * `transfers` (records written before records were bounded); plus the fees the signer paid (`fees` whose payer
   * is `signer`), which counted when the signature was allowed. An allow record whose totals or fees are marked
   * incomplete cannot be restored safely and throws `config_invalid` (see recordedSpend).
   */
  readonly intent?: RecordedIntent | null;
}

export interface RestoreSummary {
  /** Records that were counted (allow, inside the 24 h window). */
  readonly counted: number;
  /** Records that were read but did not count. */
  readonly ignored: number;
}

export interface SignCountView {
  readonly limit: number | null;
  readonly used: number;
  readonly window_secs: number;
  /** When the oldest signature counted in this window leaves it (ISO 8601), or null if the window is empty. */
  readonly resets_at: string | null;
  /**
   * Seconds until this window admits one more signature: 0 when a slot is free now (or there is no limit), else
   * when the next slot frees (the value a 429 from this window carries in Retry-After).
   */
  readonly retry_after_secs: number;
}

export interface SpendView {
  readonly asset: string;
  readonly spent: string;
  readonly cap: string | null;
  readonly remaining: string | null;
  /** When the oldest spend still in the rolling window expires (ISO 8601), or null if nothing is spent. */
  readonly resets_at: string | null;
  /** Seconds until `resets_at` (at least 1), or null if nothing is spent. */
  readonly retry_after_secs: number | null;
  /** The amount that leaves the window at `resets_at` (the oldest spend), or null if nothing is spent. */
  readonly frees_at_reset: string | null;
  /** What will remain of the cap once the oldest spend has left (at `resets_at`); null without a cap or spend. */
  readonly remaining_at_reset: string | null;
}

/** What GET /policy/{label} shows (the signer adds chain and address). */
export interface PolicyView {
  readonly label: string;
  readonly effective_enabled: boolean;
  readonly policy_version: string;
  readonly policy: KeyPolicy;
  readonly runtime: {
    readonly global_enabled: boolean;
    readonly key_switch_enabled: boolean;
    readonly sign_counts: { readonly per_minute: SignCountView; readonly per_hour: SignCountView; readonly per_day: SignCountView };
    readonly spend: readonly SpendView[];
    /**
     * True when the key's usage could not be read now from the state the decisions use (fleet mode, the shared
     * store did not answer): `sign_counts` and `spend` are then the figures last read at `usage_read_at`, or zeros
     * that mean nothing when it is null. Signing that key fails closed meanwhile.
     */
    readonly usage_unavailable: boolean;
    /** When the figures shown were read (ISO 8601): now when live; null when they were never read. */
    readonly usage_read_at: string | null;
    /** The stable code of the read's fault (`state_unavailable`, `state_lost`) when `usage_unavailable`. */
    readonly usage_error?: string;
    /** Where the usage lives: this process's memory, or a store shared by a fleet; reachable on this read or not. */
    readonly state_store: StateStoreHealth;
  };
}

/** The state store a key's usage was read from, as GET /policy shows it. */
export interface StateStoreHealth {
  /** `memory` (this process), or the shared store's kind (e.g. `redis`). */
  readonly kind: string;
  /** False when the last read of it (for this view) failed. Always true in memory. */
  readonly reachable: boolean;
}

/** How a view's usage was read: live or not, when (ms; null: never), from which store, the fault's code. */
interface UsageRead {
  readonly usageUnavailable: boolean;
  readonly readAt: number | null;
  readonly store: StateStoreHealth;
  readonly error?: string;
}

interface KeyEntry {
  readonly chain: string;
  readonly policy: KeyPolicy;
  readonly aliases?: PolicyAliases;
  readonly validate?: PolicyKeyConfig['validate'];
}

interface CacheEntry {
  readonly config: KeyPolicy;
  readonly revision: number;
  readonly compiled: CompiledPolicy;
}

/**
 * The policy engine: decides on intents, reserves budgets, explains decisions, shows runtime usage.
 * All decision methods are synchronous; `authorize` checks and reserves in one turn of the event loop, so
 * concurrent requests can never overshoot a limit.
 */
export class PolicyEngine {
  readonly state: PolicyStateStore;
  readonly runtime: RuntimeState;
  readonly shared: SharedPolicyStateStore | undefined;
  readonly #now: () => number;
  #keys: ReadonlyMap<string, KeyEntry>;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #lastViews = new Map<string, { readonly view: PolicyStateStore; readonly readAt: number }>();
  /** Fleet mode: each key's decisions on this instance, one batch at a time (see authorizeAsync). */
  readonly #decisions: KeyQueue<Intent, AuthorizeResult>;
  readonly #onCasRetry: ((label: string) => void) | undefined;
  #casRetries = 0;

  constructor(options: PolicyEngineOptions) {
    this.#keys = parseKeys(options.keys);
    this.state = options.state ?? new MemoryPolicyStateStore();
    this.runtime = options.runtime ?? RuntimeState.inMemory();
    this.shared = options.shared;
    this.#now = options.now ?? Date.now;
    this.#onCasRetry = options.onCasRetry;
    const batches = options.shared?.reserveAllIf !== undefined;
    this.#decisions = new KeyQueue((label, intents) => this.#decideShared(label, intents), {
      shareError: isStoreFault,
      maxBatch: batches ? MAX_BATCH : 1,
    });
    // the stored overlays must apply cleanly to the config policies and pass the chain's checks
    for (const [label, entry] of this.#keys) checkEffective(label, entry, this.runtime.getOverlay(label));
  }

  /** Labels of the configured keys. */
  labels(): string[] {
    return [...this.#keys.keys()];
  }

  hasKey(label: string): boolean {
    return this.#keys.has(label);
  }

  /**
   * Decides, and on allow reserves one sign count and the spend of every transferred asset.
   * Throws `unknown_label` for a label that is not configured.
   */
  authorize(label: string, intent: Intent): AuthorizeResult {
    const now = this.#now();
    this.state.prune(now - DAY_MS);
    const decision = this.#evaluate(label, intent, now);
    if (!decision.allowed) return { decision };
    const id = this.state.reserve(label, { time: now, spend: spendTotals(intent) });
    return { decision, reservation: new Reservation(this.state, label, id) };
  }

  /** `authorize` on whichever store is configured: synchronous in memory, a promise with a shared store. */
  decide(label: string, intent: Intent, options?: DecideOptions): AuthorizeResult | Promise<AuthorizeResult> {
    return this.shared === undefined ? this.authorize(label, intent) : this.authorizeAsync(label, intent, options);
  }

  /**
   * `authorize` for either store: synchronous with the in-memory store; with a shared store, a read of the key's
   * windows, the same evaluation, and a compare-and-set reservation, decided again on a fresh read whenever another
   * instance changed the key in between. A store fault rejects (the caller fails closed).
   *
   * The decisions of one key run through a queue on this instance (decisions on other keys do not wait): one batch at
   * a time, made of the requests that arrived while the previous batch ran. A batch is one state read, the requests
   * evaluated in arrival order on it (each allowed one counted before the next is evaluated, as with the in-memory
   * store), and one compare-and-set reserving all the allowed ones at once (or none: the whole batch is decided again
   * on a fresh read). An instance thus never makes its own compare-and-sets conflict; only other instances' writes
   * can. A request waiting for its batch gives up at `options.deadline` (`deadline_exceeded`); when a batch fails on a
   * store fault (`state_unavailable`, `state_lost`), the requests waiting behind it fail with the same error at once.
   */
  async authorizeAsync(label: string, intent: Intent, options: DecideOptions = {}): Promise<AuthorizeResult> {
    if (this.shared === undefined) return this.authorize(label, intent);
    this.#compiled(label); // unknown_label before any round trip
    return this.#decisions.submit(label, intent, options.deadline);
  }

  /** Compare-and-set conflicts met by this engine's fleet-mode decisions so far (each batch decided again). */
  get casRetries(): number {
    return this.#casRetries;
  }

  async #decideShared(label: string, intents: readonly Intent[]): Promise<KeyQueueOutcome<AuthorizeResult>[]> {
    const shared = this.shared!;
    for (let attempt = 0; ; attempt++) {
      const now = this.#now();
      const { view, version } = await shared.load(label, now - DAY_MS);
      const outcomes: KeyQueueOutcome<AuthorizeResult>[] = [];
      const events: SignEvent[] = [];
      const allowed: number[] = [];
      for (const intent of intents) {
        let decision: Decision;
        try {
          decision = this.#evaluate(label, intent, now, view);
        } catch (error) {
          outcomes.push({ ok: false, error });
          continue;
        }
        if (decision.allowed) {
          const event = { time: now, spend: spendTotals(intent) };
          // the next requests of the batch are evaluated with this one counted
          view.add(label, event);
          events.push(event);
          allowed.push(outcomes.length);
        }
        outcomes.push({ ok: true, value: { decision } });
      }
      if (events.length === 0) return outcomes;
      const ids = events.length === 1 ? await reserveOne(shared, label, version, events[0]!) : await shared.reserveAllIf!(label, version, events);
      if (ids !== undefined) {
        allowed.forEach((at, j) => {
          const { decision } = (outcomes[at] as { value: AuthorizeResult }).value;
          outcomes[at] = { ok: true, value: { decision, reservation: new Reservation(shared, label, ids[j]!) } };
        });
        return outcomes;
      }
      this.#casRetries++;
      this.#onCasRetry?.(label);
      if (attempt >= MAX_CAS_ATTEMPTS) {
        throw openKmsError('state_unavailable', 'the shared policy state is too contended for this key right now; retry', { label, attempts: attempt + 1 });
      }
      // another instance changed the key between the read and the reservation: back off a little, decide again
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 + attempt * 2)));
    }
  }

  /** `explain` on the shared store's current windows (the in-memory store's without one). */
  async explainAsync(label: string, intent: Intent): Promise<Decision> {
    if (this.shared === undefined) return this.explain(label, intent);
    const now = this.#now();
    const { view } = await this.shared.load(label, now - DAY_MS);
    return this.#evaluate(label, intent, now, view);
  }

  /**
   * `view` on the shared store's current windows. While the shared store does not answer, the view says so
   * (`usage_unavailable`, `state_store.reachable` false, the fault's code) and shows the windows last read for this
   * key with the time they were read (`usage_read_at`; null and zeros when never read): reads answer degraded and
   * labelled, decisions fail closed.
   */
  async viewAsync(label: string): Promise<PolicyView> {
    const shared = this.shared;
    if (shared === undefined) return this.view(label);
    this.#compiled(label);
    const kind = shared.kind ?? 'shared';
    const readAt = this.#now();
    try {
      const { view } = await shared.load(label, readAt - DAY_MS);
      this.#lastViews.set(label, { view, readAt });
      return this.view(label, view, { usageUnavailable: false, readAt, store: { kind, reachable: true } });
    } catch (err) {
      const last = this.#lastViews.get(label);
      return this.view(label, last?.view ?? new MemoryPolicyStateStore(), {
        usageUnavailable: true,
        readAt: last?.readAt ?? null,
        store: { kind, reachable: false },
        error: isOpenKmsError(err) ? err.code : 'state_unavailable',
      });
    }
  }

  /** The approval conditions the intent meets under the key's effective `approval` table (empty: none). */
  approvalReasons(label: string, intent: Intent): ApprovalReason[] {
    return approvalReasons(this.#compiled(label).policy.approval, intent);
  }

  /**
   * Reserves a sign count and the given spend at `time` for a request that is waiting for its approval (a pending
   * approval restored after a restart). Commit it once the request is signed, release it when it is not.
   */
  reserveFor(label: string, time: number, spend: ReadonlyMap<string, bigint>): Reservation {
    if (this.shared !== undefined) return pendingSharedReservation(this.shared, label, time, spend);
    const id = this.state.reserve(label, { time, spend });
    return new Reservation(this.state, label, id);
  }

  /** Dry run: the same decision `authorize` would make now, with every rule's verdict, consuming nothing. */
  explain(label: string, intent: Intent): Decision {
    return this.#evaluate(label, intent, this.#now());
  }

  /** The effective policy (config ⊕ overlay). */
  effectivePolicy(label: string): KeyPolicy {
    return this.#compiled(label).policy;
  }

  /** SHA-256 (hex) of the canonical effective policy JSON; goes into audit records. */
  policyVersion(label: string): string {
    return this.#compiled(label).version;
  }

  /**
   * The key's effective policy and runtime usage, JSON-safe. `usage` says how the usage was read (default: live,
   * from this process's memory, now).
   */
  view(label: string, state: PolicyStateStore = this.state, usage?: UsageRead): PolicyView {
    const compiled = this.#compiled(label);
    const now = this.#now();
    const read: UsageRead = usage ?? { usageUnavailable: false, readAt: now, store: { kind: 'memory', reachable: true } };
    const policy = compiled.policy;
    const globalEnabled = this.runtime.isGlobalEnabled();
    const keySwitch = this.runtime.isKeyEnabled(label);
    const counts = Object.fromEntries(
      RATE_WINDOWS.map((w) => {
        // a count and two binary searches: no copy of the window's sign times
        const since = now - w.ms;
        const limit = policy[w.field];
        const used = state.signCount(label, since);
        // the (used - limit + 1)-th oldest signature has to leave the window before the next one is allowed
        const blocking = limit !== undefined && used >= limit ? state.signTimeAt(label, since, used - limit) : undefined;
        const oldest = used === 0 ? undefined : state.signTimeAt(label, since, 0);
        const view: SignCountView = {
          limit: limit ?? null,
          used,
          window_secs: w.ms / 1000,
          resets_at: oldest === undefined ? null : new Date(oldest + w.ms).toISOString(),
          retry_after_secs: blocking === undefined ? 0 : Math.max(1, Math.ceil((blocking + w.ms - now) / 1000)),
        };
        return [w.view, view];
      }),
    ) as unknown as PolicyView['runtime']['sign_counts'];
    const assets = new Set(compiled.windowCaps.keys());
    for (const asset of state.spentAssets(label, now - DAY_MS)) assets.add(asset);
    const spend = [...assets].sort().map((asset): SpendView => {
      const entries = state.spends(label, asset, now - DAY_MS);
      const spent = entries.reduce((s, e) => s + e.amount, 0n);
      const cap = compiled.windowCaps.get(asset);
      const oldest = entries[0];
      const left = (after: bigint) => (cap === undefined ? null : (cap > after ? cap - after : 0n).toString());
      return {
        asset,
        spent: spent.toString(),
        cap: cap === undefined ? null : cap.toString(),
        remaining: left(spent),
        resets_at: oldest === undefined ? null : new Date(oldest.time + DAY_MS).toISOString(),
        retry_after_secs: oldest === undefined ? null : Math.max(1, Math.ceil((oldest.time + DAY_MS - now) / 1000)),
        frees_at_reset: oldest === undefined ? null : oldest.amount.toString(),
        remaining_at_reset: oldest === undefined ? null : left(spent - oldest.amount),
      };
    });
    return {
      label,
      effective_enabled: globalEnabled && keySwitch && policy.enabled,
      policy_version: compiled.version,
      policy,
      runtime: {
        global_enabled: globalEnabled,
        key_switch_enabled: keySwitch,
        sign_counts: counts,
        spend,
        usage_unavailable: read.usageUnavailable,
        usage_read_at: read.readAt === null ? null : new Date(read.readAt).toISOString(),
        ...(read.error !== undefined ? { usage_error: read.error } : {}),
        state_store: read.store,
      },
    };
  }

  /**
   * What is spent of each asset in the rolling 24 h window and what is left of its cap (null without one): the
   * `spend` part of `view` without the reset times, for the budget metrics after every signature. It copies no
   * window (the store's running totals), so its cost does not grow with the number of signatures in the window.
   */
  budgets(label: string): { readonly asset: string; readonly spent: bigint; readonly remaining: bigint | null }[] {
    const compiled = this.#compiled(label);
    const since = this.#now() - DAY_MS;
    const assets = new Set(compiled.windowCaps.keys());
    for (const asset of this.state.spentAssets(label, since)) assets.add(asset);
    return [...assets].sort().map((asset) => {
      const spent = this.state.spent(label, asset, since);
      const cap = compiled.windowCaps.get(asset);
      return { asset, spent, remaining: cap === undefined ? null : cap > spent ? cap - spent : 0n };
    });
  }

  /**
   * Rebuilds sign counts and rolling spend from the durable audit records of accepted signatures (call at startup,
   * before serving). Only `allow` records inside the last 24 h count; pending reservations of a crashed process are
   * not in the records and so are rightly forgotten. A record with an unreadable time or amount throws
   * `config_invalid` (it is never counted as zero) and nothing is restored.
   */
  async restore(records: Iterable<RestoreRecord> | AsyncIterable<RestoreRecord>): Promise<RestoreSummary> {
    const since = this.#now() - DAY_MS;
    const events: { label: string; time: number; spend: Map<string, bigint> }[] = [];
    let ignored = 0;
    let n = 0;
    for await (const record of records) {
      const where = `audit record #${n++}`;
      if (record === null || typeof record !== 'object' || record.decision !== 'allow') {
        ignored++;
        continue;
      }
      const time = record.time instanceof Date ? record.time.getTime() : typeof record.time === 'number' ? record.time : Date.parse(String(record.time));
      if (!Number.isFinite(time)) throw openKmsError('config_invalid', `${where} has an unreadable time`, { path: 'time', record: n - 1 });
      if (typeof record.label !== 'string' || record.label === '')
        throw openKmsError('config_invalid', `${where} has no label`, { path: 'label', record: n - 1 });
      if (time <= since) {
        ignored++;
        continue;
      }
      let spend: Map<string, bigint>;
      try {
        spend = recordedSpend(record.intent);
      } catch (err) {
        const path = isOpenKmsError(err) ? String(err.context?.path ?? '') : '';
        const what =
          path === 'totals_complete' ? 'has incomplete totals' : path === 'fees' ? 'has an incomplete fee list' : 'has an unreadable transfer amount';
        throw openKmsError('config_invalid', `${where} ${what}`, { path: `intent.${path}`, record: n - 1 });
      }
      events.push({ label: record.label, time, spend });
    }
    // all or nothing: a bad record anywhere leaves the state untouched
    for (const e of events) this.state.add(e.label, { time: e.time, spend: e.spend });
    return { counted: events.length, ignored };
  }

  /**
   * Replaces the key configuration (e.g. on SIGHUP). Counters, spend, kill switches and overlays are kept.
   * An invalid configuration throws `config_invalid` (with context.path) and leaves the running one untouched.
   */
  reload(keys: Readonly<Record<string, PolicyKeyConfig>>): void {
    const next = parseKeys(keys);
    // the overlays must still apply cleanly to the new config policies (and pass the chain's checks)
    for (const [label, entry] of next) checkEffective(label, entry, this.runtime.getOverlay(label));
    this.#keys = next;
    this.#cache.clear();
  }

  /**
   * Merges a PATCH body onto the key's overlay (see `RuntimeState.setOverlay`) after checking it: the key's chain
   * aliases are folded, and the resulting effective policy must pass the key's `validate` (asset ids, addresses…).
   * A bad patch throws `invalid_request` with `context.path` relative to the patch; nothing is changed then.
   */
  patchOverlay(label: string, patch: unknown): PolicyOverlay {
    const key = this.#keys.get(label);
    if (key === undefined) throw openKmsError('unknown_label', `no key labelled ${label}`, { label });
    const asRequestError = <T>(f: () => T): T => {
      try {
        return f();
      } catch (err) {
        if (isOpenKmsError(err) && err.code === 'config_invalid') throw openKmsError('invalid_request', err.message, err.context);
        throw err;
      }
    };
    const parsed = asRequestError(() => parsePolicyOverlay(patch, '', key.aliases === undefined ? {} : { aliases: key.aliases }));
    const next = mergeOverlay(this.runtime.getOverlay(label), parsed);
    asRequestError(() => {
      const effective = applyOverlay(key.policy, next, '');
      throwProblems('invalid_request', key.validate?.(effective, '') ?? []);
    });
    return this.runtime.setOverlay(label, parsed);
  }

  #evaluate(label: string, intent: Intent, now: number, state: PolicyStateStore = this.state): Decision {
    const compiled = this.#compiled(label);
    const key = this.#keys.get(label)!;
    return evaluatePolicy(
      {
        label,
        chain: key.chain,
        compiled,
        globalEnabled: this.runtime.isGlobalEnabled(),
        keySwitchOn: this.runtime.isKeyEnabled(label),
        now,
        signCount: (windowMs) => state.signCount(label, now - windowMs),
        signTimeAt: (windowMs, index) => state.signTimeAt(label, now - windowMs, index) ?? now,
        spent: (asset) => state.spent(label, asset, now - DAY_MS),
        spends: (asset) => state.spends(label, asset, now - DAY_MS),
      },
      intent,
    );
  }

  #compiled(label: string): CompiledPolicy {
    const key = this.#keys.get(label);
    if (key === undefined) throw openKmsError('unknown_label', `no key labelled ${label}`, { label });
    const revision = this.runtime.revision;
    const cached = this.#cache.get(label);
    if (cached !== undefined && cached.config === key.policy && cached.revision === revision) return cached.compiled;
    const effective = applyOverlay(key.policy, this.runtime.getOverlay(label), `keys.${label}.policy`);
    const compiled = compilePolicy(effective);
    this.#cache.set(label, { config: key.policy, revision, compiled });
    return compiled;
  }
}

/** Compare-and-set rounds before a contended shared reservation gives up (fails closed with state_unavailable). */
const MAX_CAS_ATTEMPTS = 200;

/** Requests of one key decided together in fleet mode (one state read, one compare-and-set). */
const MAX_BATCH = 64;

async function reserveOne(shared: SharedPolicyStateStore, label: string, version: string, event: SignEvent): Promise<string[] | undefined> {
  const id = await shared.reserveIf(label, version, event);
  return id === undefined ? undefined : [id];
}

/** A shared store's fault: the decisions waiting behind the one that met it share it (see authorizeAsync). */
function isStoreFault(err: unknown): boolean {
  return isOpenKmsError(err) && (err.code === 'state_unavailable' || err.code === 'state_lost');
}

/**
 * A restored held approval's reservation in a shared store: reserved in the background (reserveFor is synchronous);
 * commit/release wait for it. A failed reserve leaves nothing to finish.
 */
function pendingSharedReservation(shared: SharedPolicyStateStore, label: string, time: number, spend: ReadonlyMap<string, bigint>): Reservation {
  const id = shared.reserve(label, { time, spend }).then(async (rid) => {
    await shared.hold(rid);
    return rid;
  });
  id.catch(() => undefined);
  const later = (f: (rid: string) => Promise<void>) => id.then(f, () => undefined);
  return new Reservation({ commit: () => later((rid) => shared.commit(rid)), release: () => later((rid) => shared.release(rid)) }, label, 'pending-restore');
}

function parseKeys(keys: Readonly<Record<string, PolicyKeyConfig>>): Map<string, KeyEntry> {
  if (typeof keys !== 'object' || keys === null) throw openKmsError('config_invalid', 'keys: must be a table', { path: 'keys' });
  const out = new Map<string, KeyEntry>();
  for (const [label, cfg] of Object.entries(keys)) {
    if (typeof cfg !== 'object' || cfg === null) throw openKmsError('config_invalid', `keys.${label}: must be a table`, { path: `keys.${label}` });
    if (typeof cfg.chain !== 'string' || cfg.chain === '') {
      throw openKmsError('config_invalid', `keys.${label}.chain: must be a non-empty string`, { path: `keys.${label}.chain` });
    }
    const path = `keys.${label}.policy`;
    const policy = parsePolicy(cfg.policy ?? {}, path, cfg.aliases === undefined ? {} : { aliases: cfg.aliases });
    throwProblems('config_invalid', cfg.validate?.(policy, path) ?? []);
    out.set(label, {
      chain: cfg.chain,
      policy,
      ...(cfg.aliases === undefined ? {} : { aliases: cfg.aliases }),
      ...(cfg.validate === undefined ? {} : { validate: cfg.validate }),
    });
  }
  return out;
}

/** The config policy with the stored overlay applied must parse and pass the key's checks. */
function checkEffective(label: string, entry: KeyEntry, overlay: PolicyOverlay | undefined): void {
  if (overlay === undefined) return;
  const path = `keys.${label}.policy`;
  const effective = applyOverlay(entry.policy, overlay, path);
  const problems = entry.validate?.(effective, path) ?? [];
  throwProblems(
    'config_invalid',
    problems.map((p) => ({ ...p, message: `${p.message} (with the runtime overlay of ${label})` })),
  );
}

/** Throws the first problem (its path in context.path), every message in context.errors. */
export function throwProblems(code: ErrorCode, problems: readonly PolicyProblem[]): void {
  if (problems.length === 0) return;
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  throw openKmsError(code, `${first.message}${more}`, { path: first.path, errors: problems.map((p) => p.message) });
}
