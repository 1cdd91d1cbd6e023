import type { Api, KeyEntry, PolicyEntry } from '../api.js';
import type { Session } from '../app.js';
import { BudgetBar } from '../components/budget-bar.js';
import { ConfirmAction } from '../components/confirm-action.js';
import { CopyText } from '../components/copy-text.js';
import { describePolicy, formatAmount, percentOf, timeText, untilText, usageState, usageText } from '../format.js';
import { usePoll } from '../use-poll.js';

const WINDOWS: Record<string, { name: string; limit: string }> = {
  per_minute: { name: 'Signatures this minute', limit: 'max_signs_per_minute' },
  per_hour: { name: 'Signatures this hour', limit: 'max_signs_per_hour' },
  per_day: { name: 'Signatures in 24 h', limit: 'max_signs_per_day' },
};

export function KeysPage({ api, session }: { api: Api; session: Session }) {
  const keys = usePoll<KeyEntry[]>(api, '/keys');
  const policies = usePoll<PolicyEntry[]>(api, '/policy');
  const refresh = () => {
    keys.refresh();
    policies.refresh();
  };
  const globalEnabled = policies.data?.[0]?.runtime.global_enabled;
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">Keys</h1>
      {(keys.error || policies.error) && (
        <p class="error" role="alert">
          {keys.error ?? policies.error}
        </p>
      )}
      {globalEnabled !== undefined && (
        <div class={`global ${globalEnabled ? '' : 'off'}`} data-testid="global-switch">
          <span>
            Global signing: <strong>{globalEnabled ? 'enabled' : 'DISABLED (kill switch): no key signs'}</strong>
          </span>
          {session.admin &&
            (globalEnabled ? (
              <ConfirmAction
                label="Stop all signing"
                question="Stop every key from signing?"
                danger
                onConfirm={async () => {
                  await api.post('/admin/disable');
                  refresh();
                }}
              />
            ) : (
              <ConfirmAction
                label="Resume all signing"
                question="Let keys sign again (each within its policy)?"
                onConfirm={async () => {
                  await api.post('/admin/enable');
                  refresh();
                }}
              />
            ))}
        </div>
      )}
      {!keys.data && !keys.error && <p>Loading…</p>}
      <div class="cards">
        {(keys.data ?? []).map((k) => {
          const p = policies.data?.find((x) => x.label === k.label);
          return <KeyCard key={`${k.backend}:${k.label ?? k.key_id}`} api={api} session={session} entry={k} policy={p} onChange={refresh} />;
        })}
      </div>
    </section>
  );
}

function KeyCard({ api, session, entry, policy, onChange }: { api: Api; session: Session; entry: KeyEntry; policy?: PolicyEntry; onChange: () => void }) {
  if (entry.label === null) {
    return (
      <article class="card unmapped">
        <h2>Unmapped key {String(entry.key_id)}</h2>
        <p class="muted">Held by backend {entry.backend} but named by no label: it has no policy and never signs.</p>
      </article>
    );
  }
  const label = entry.label;
  const chain = entry.chain ?? '';
  const keyOn = policy ? policy.runtime.key_switch_enabled : entry.enabled;
  const usage = policy ? usageState(policy.runtime) : ({ kind: 'live' } as const);
  return (
    <article class="card" data-testid={`key-${label}`} aria-labelledby={`key-${label}-title`}>
      <header class="card-head">
        <h2 id={`key-${label}-title`}>{label}</h2>
        <span class={`pill ${entry.enabled ? 'on' : 'off'}`} data-testid="key-state">
          {entry.enabled ? 'signing' : 'not signing'}
        </span>
      </header>
      <dl class="facts">
        <dt>Chain</dt>
        <dd>{chain}</dd>
        <dt>Backend</dt>
        <dd>
          {entry.backend} (key {String(entry.key_id)})
        </dd>
        <dt>Address</dt>
        <dd>{entry.address ? <CopyText value={entry.address} label={`address of ${label}`} /> : <span class="muted">unavailable</span>}</dd>
        <dt>Kill switch</dt>
        <dd>
          {keyOn ? 'off (key may sign)' : 'ON (key disabled)'}
          {session.admin &&
            (keyOn ? (
              <ConfirmAction
                label={`Disable ${label}`}
                question={`Stop ${label} from signing?`}
                danger
                onConfirm={async () => {
                  await api.post(`/admin/keys/${encodeURIComponent(label)}/disable`);
                  onChange();
                }}
              />
            ) : (
              <ConfirmAction
                label={`Enable ${label}`}
                question={`Let ${label} sign again?`}
                onConfirm={async () => {
                  await api.post(`/admin/keys/${encodeURIComponent(label)}/enable`);
                  onChange();
                }}
              />
            ))}
        </dd>
      </dl>
      {policy && (
        <>
          <h3>Budgets</h3>
          {usage.kind !== 'live' && (
            <p class="error" role="status" data-testid={`usage-unavailable-${label}`}>
              Usage unavailable: the signer could not read this key's usage from its state store
              {policy.runtime.state_store ? ` (${policy.runtime.state_store.kind})` : ''}
              {usage.kind === 'stale' ? `; the figures below were read at ${timeText(usage.readAt)} and may be out of date.` : '.'} Signing this key is refused
              until it can.
            </p>
          )}
          <div class="budgets">
            {Object.entries(policy.runtime.sign_counts).map(([w, c]) => {
              // the limit as configured (the wire's `limit` says 0 for "none", as the original openKMS did)
              const limit = policy.policy[WINDOWS[w]?.limit ?? ''];
              return typeof limit !== 'number' ? null : (
                <BudgetBar
                  key={w}
                  name={WINDOWS[w]?.name ?? w}
                  used={usageText(usage, String(c.used))}
                  limit={String(limit)}
                  percent={usage.kind === 'unavailable' ? 0 : limit === 0 ? 100 : Math.min(100, (c.used / limit) * 100)}
                  {...(c.resets_at ? { note: `oldest frees ${untilText(c.resets_at)}` } : {})}
                />
              );
            })}
            {policy.runtime.spend.map((x) =>
              x.cap === null ? (
                <p key={x.asset} class="small">
                  {usageText(usage, formatAmount(chain, x.asset, x.spent))} spent in 24 h (no window cap)
                </p>
              ) : (
                <BudgetBar
                  key={x.asset}
                  name={`Spent in 24 h (${x.asset})`}
                  used={usageText(usage, formatAmount(chain, x.asset, x.spent))}
                  limit={formatAmount(chain, x.asset, x.cap)}
                  percent={usage.kind === 'unavailable' ? 0 : percentOf(x.spent, x.cap)}
                  {...(x.resets_at && x.frees_at_reset ? { note: `${formatAmount(chain, x.asset, x.frees_at_reset)} frees ${untilText(x.resets_at)}` } : {})}
                />
              ),
            )}
          </div>
          <h3>Policy</h3>
          <ul class="policy">
            {describePolicy(chain, policy.policy).map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
          <p class="muted small mono">Policy version {policy.policy_version}</p>
        </>
      )}
    </article>
  );
}
