import { useState } from 'preact/hooks';
import type { Api, Approval } from '../api.js';
import type { Session } from '../app.js';
import { ConfirmAction } from '../components/confirm-action.js';
import { describeIntent, timeText, untilText } from '../format.js';
import { usePoll } from '../use-poll.js';
import { PairingsSection } from './pairings-section.js';

/** Requests held for an operator's approval, with the decoded intent; approve or deny (admin or approve scope). */
export function ApprovalsPage({ api, session }: { api: Api; session: Session }) {
  const list = usePoll<Approval[]>(api, session.approver ? '/admin/approvals' : undefined);
  const pending = (list.data ?? []).filter((a) => a.status === 'pending');
  const decided = (list.data ?? []).filter((a) => a.status !== 'pending');
  return (
    <section aria-labelledby="approvals-title">
      <h1 id="approvals-title">Approvals</h1>
      {!session.approver && <p>Held requests are shown to tokens with admin scope or an approve scope; this token has neither.</p>}
      {list.error && (
        <p class="error" role="alert">
          {list.error}
        </p>
      )}
      {session.approver && (
        <>
          <h2>Waiting ({pending.length})</h2>
          {list.data && pending.length === 0 && <p>No request is waiting for an approval.</p>}
          <div class="cards">
            {pending.map((a) => (
              <ApprovalCard key={a.approval_id} api={api} approval={a} onChange={list.refresh} />
            ))}
          </div>
          {decided.length > 0 && (
            <>
              <h2>Recently decided</h2>
              <ul class="decided">
                {decided.map((a) => (
                  <li key={a.approval_id}>
                    <span class="mono">{a.approval_id}</span> {a.label}: <strong>{a.status}</strong>
                    {a.denied_by ? ` by ${a.denied_by}` : ''}
                    {a.code ? ` (${a.code})` : ''}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      <PairingsSection api={api} admin={session.admin} />
    </section>
  );
}

function ApprovalCard({ api, approval: a, onChange }: { api: Api; approval: Approval; onChange: () => void }) {
  const [reason, setReason] = useState('');
  const approvedBy = (a.approvals as readonly ({ name: string } | string)[]).map((x) => (typeof x === 'string' ? x : x.name));
  return (
    <article class="card" data-testid={`approval-${a.approval_id}`} aria-labelledby={`${a.approval_id}-title`}>
      <header class="card-head">
        <h3 id={`${a.approval_id}-title`}>
          {a.label} <span class="muted small mono">{a.approval_id}</span>
        </h3>
        <span class="pill pending">pending</span>
      </header>
      <p class="small">
        Asked by <strong>{a.token_name}</strong> at {timeText(a.created_at)}; expires {untilText(a.expires_at)}. Approvals {approvedBy.length} of {a.quorum}
        {approvedBy.length ? ` (${approvedBy.join(', ')})` : ''}.
      </p>
      <h4>What it does</h4>
      <ul class="intent">
        {describeIntent(a.intent).map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
      <h4>Why it waits</h4>
      <ul>
        {a.reasons.map((r, i) => (
          <li key={i}>{String(r.message ?? r.condition ?? '')}</li>
        ))}
      </ul>
      <div class="actions">
        <ConfirmAction
          label="Approve"
          question={`Approve ${a.label}'s request (it is signed when the quorum is met)?`}
          onConfirm={async () => {
            await api.post(`/admin/approvals/${encodeURIComponent(a.approval_id)}/approve`);
            onChange();
          }}
        />
        <label class="inline">
          Reason (optional)
          <input value={reason} maxLength={500} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
        <ConfirmAction
          label="Deny"
          question="Deny this request?"
          danger
          onConfirm={async () => {
            await api.post(`/admin/approvals/${encodeURIComponent(a.approval_id)}/deny`, reason ? { reason } : undefined);
            onChange();
          }}
        />
      </div>
    </article>
  );
}
