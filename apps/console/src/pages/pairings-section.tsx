import { useState } from 'preact/hooks';
import type { Api, Pairing } from '../api.js';
import { ConfirmAction } from '../components/confirm-action.js';
import { timeText, untilText } from '../format.js';
import { usePoll } from '../use-poll.js';

/**
 * Agent pairing requests (admin scope): what the agent asked for, and approve with the code the agent's operator
 * read out (the signer checks it; the console never sees it), or deny. The token is delivered to the agent, never here.
 */
export function PairingsSection({ api, admin }: { api: Api; admin: boolean }) {
  const list = usePoll<Pairing[]>(api, admin ? '/admin/pairing' : undefined);
  const pending = (list.data ?? []).filter((p) => p.status === 'pending');
  return (
    <section class="pairings" aria-labelledby="pairings-title">
      <h2 id="pairings-title">Agent pairings ({pending.length})</h2>
      {!admin && <p class="muted">Pairing requests are shown to tokens with admin scope.</p>}
      {list.error && (
        <p class="error" role="alert">
          {list.error}
        </p>
      )}
      {admin && list.data && pending.length === 0 && <p>No agent is waiting for a token.</p>}
      <div class="cards">
        {pending.map((p) => (
          <PairingCard key={p.pairing_id} api={api} pairing={p} onChange={list.refresh} />
        ))}
      </div>
    </section>
  );
}

function PairingCard({ api, pairing: p, onChange }: { api: Api; pairing: Pairing; onChange: () => void }) {
  const [code, setCode] = useState('');
  const codeId = `${p.pairing_id}-code`;
  return (
    <article class="card" data-testid={`pairing-${p.pairing_id}`} aria-labelledby={`${p.pairing_id}-title`}>
      <header class="card-head">
        <h3 id={`${p.pairing_id}-title`}>
          {p.name} <span class="muted small mono">{p.pairing_id}</span>
        </h3>
        <span class="pill pending">pending</span>
      </header>
      <p class="small">
        Asked from {p.remote} at {timeText(p.created_at)}; expires {untilText(p.expires_at)}.
      </p>
      <ul>
        <li>Scopes: {p.scopes.join(', ')}</li>
        <li>Keys: {p.labels.length ? p.labels.join(', ') : 'all'}</li>
        <li>
          Agent key fingerprint (SHA-256): <span class="mono small">{p.public_key_sha256}</span>
        </li>
        {p.wrong_codes > 0 && <li class="error">{p.wrong_codes} wrong code(s) entered</li>}
      </ul>
      <div class="actions">
        <label class="inline" for={codeId}>
          Code the agent shows
        </label>
        <input id={codeId} value={code} maxLength={32} autocomplete="off" onInput={(e) => setCode((e.target as HTMLInputElement).value)} />
        <ConfirmAction
          label="Approve"
          question={`Create a token for ${p.name} with ${p.scopes.join(', ')} and deliver it to the agent?`}
          onConfirm={async () => {
            await api.post(`/admin/pairing/${encodeURIComponent(p.pairing_id)}/approve`, { code });
            onChange();
          }}
        />
        <ConfirmAction
          label="Deny"
          question="Deny this pairing request?"
          danger
          onConfirm={async () => {
            await api.post(`/admin/pairing/${encodeURIComponent(p.pairing_id)}/deny`);
            onChange();
          }}
        />
      </div>
    </article>
  );
}
