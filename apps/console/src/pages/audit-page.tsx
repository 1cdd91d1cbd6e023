import { useState } from 'preact/hooks';
import type { Api, AuditPage as Page, AuditRecord } from '../api.js';
import { timeText } from '../format.js';
import { usePoll } from '../use-poll.js';

const DECISIONS = ['allow', 'deny', 'replay', 'error', 'auth_failure', 'admin', 'shed', 'pending'];

interface Filters {
  label: string;
  decision: string;
  code: string;
  until: string;
}

function queryOf(f: Filters, before: number | undefined): string {
  const q = new URLSearchParams();
  if (f.label) q.set('label', f.label);
  if (f.decision) q.set('decision', f.decision);
  if (f.code) q.set('code', f.code);
  if (f.until) {
    const t = new Date(f.until);
    if (!Number.isNaN(t.getTime())) q.set('until', t.toISOString());
  }
  if (before !== undefined) q.set('before', String(before));
  q.set('limit', '50');
  return `/admin/audit?${q.toString()}`;
}

/** The audit trail, newest first, one page at a time (the signer reads it from the end of the log). */
export function AuditPage({ api }: { api: Api }) {
  const [draft, setDraft] = useState<Filters>({ label: '', decision: '', code: '', until: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  // cursors of the pages before this one (newest page: empty)
  const [cursors, setCursors] = useState<number[]>([]);
  const before = cursors[cursors.length - 1];
  // the newest page is polled live; older pages do not change
  const page = usePoll<Page>(api, queryOf(filters, before), before === undefined ? 2000 : 60_000);
  const [selected, setSelected] = useState<AuditRecord | undefined>(undefined);
  const set = (k: keyof Filters) => (e: Event) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });
  const v = page.data?.verification;
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([]);
          setSelected(undefined);
          setFilters(draft);
        }}
      >
        <label>
          Label
          <input name="label" value={draft.label} onInput={set('label')} maxLength={64} />
        </label>
        <label>
          Decision
          <select name="decision" value={draft.decision} onChange={set('decision')}>
            <option value="">any</option>
            {DECISIONS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label>
          Code
          <input name="code" value={draft.code} onInput={set('code')} maxLength={64} placeholder="e.g. per_tx_cap_exceeded" />
        </label>
        <label>
          Until
          <input name="until" type="datetime-local" value={draft.until} onInput={set('until')} />
        </label>
        <button type="submit">Apply filters</button>
      </form>
      {v && (
        <p class={`verify ${v.ok ? 'ok' : 'bad'}`} data-testid="verification" role={v.ok ? undefined : 'alert'}>
          {v.ok
            ? `Chain verified on this page: ${v.macs_checked} record MACs checked, ${v.records_linked} links between records read checked.`
            : `Verification problem: ${v.problem?.message ?? 'unknown'}${v.problem?.seq !== undefined ? ` (seq ${v.problem.seq})` : ''}.`}{' '}
          <span class="muted">The whole chain from its start: openkms audit verify.</span>
        </p>
      )}
      {page.error && (
        <p class="error" role="alert">
          {page.error}
        </p>
      )}
      <div class="table-wrap">
        <table class="audit" data-testid="audit-table">
          <caption class="sr-only">Audit records, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Seq</th>
              <th scope="col">Time</th>
              <th scope="col">Decision</th>
              <th scope="col">Code</th>
              <th scope="col">Label</th>
              <th scope="col">Token</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {(page.data?.records ?? []).map((r) => (
              <tr key={r.seq} class={selected?.seq === r.seq ? 'selected' : ''} data-seq={r.seq}>
                <td>
                  <button type="button" class="link" onClick={() => setSelected(r)} aria-label={`Show record ${r.seq}`}>
                    {r.seq}
                  </button>
                </td>
                <td>{timeText(r.time)}</td>
                <td>
                  <span class={`pill d-${r.decision}`}>{r.decision}</span>
                </td>
                <td class="mono">{r.reason_code ?? r.action ?? ''}</td>
                <td>{r.label ?? ''}</td>
                <td>{r.token_name ?? ''}</td>
                <td class="reason">{r.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.data && page.data.records.length === 0 && <p>No record matches.</p>}
      <div class="pager">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors([])}>
          Newest
        </button>
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={!page.data?.next_before} onClick={() => page.data?.next_before && setCursors([...cursors, page.data.next_before])}>
          Older
        </button>
      </div>
      {selected && (
        <section class="detail" aria-labelledby="record-title">
          <h2 id="record-title">Record {selected.seq}</h2>
          <button type="button" onClick={() => setSelected(undefined)}>
            Close
          </button>
          <pre data-testid="record-detail">{JSON.stringify(selected, null, 2)}</pre>
        </section>
      )}
    </section>
  );
}
