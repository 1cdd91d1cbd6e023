import type { Activity, Api } from '../api.js';
import { ActivityChart } from '../components/activity-chart.js';
import { usePoll } from '../use-poll.js';

const OK = new Set(['allow', 'replay']);

/** Sign activity per minute and key (the signer's own counters since it started), refusal reasons, HSM latency. */
export function ActivityPage({ api }: { api: Api }) {
  const activity = usePoll<Activity>(api, '/admin/activity', 5000);
  const minutes = activity.data?.minutes ?? [];
  const labels = [...new Set(minutes.flatMap((m) => Object.keys(m.keys)))].sort();
  const reasons = new Map<string, number>();
  const latency = new Map<string, { calls: number; sum: number; max: number }>();
  for (const m of minutes) {
    for (const [label, k] of Object.entries(m.keys)) {
      for (const [code, n] of Object.entries(k.reasons)) reasons.set(`${label}\u0000${code}`, (reasons.get(`${label}\u0000${code}`) ?? 0) + n);
      if (k.backend_calls > 0) {
        const l = latency.get(label) ?? { calls: 0, sum: 0, max: 0 };
        l.calls += k.backend_calls;
        l.sum += (k.backend_ms_avg ?? 0) * k.backend_calls;
        l.max = Math.max(l.max, k.backend_ms_max ?? 0);
        latency.set(label, l);
      }
    }
  }
  return (
    <section aria-labelledby="activity-title">
      <h1 id="activity-title">Activity</h1>
      <p class="muted">
        The last {activity.data?.window_minutes ?? 60} minutes, from the signer's own counters (since it started). Green: signed; red: refused.
      </p>
      {activity.error && (
        <p class="error" role="alert">
          {activity.error}
        </p>
      )}
      {activity.data && labels.length === 0 && <p>No sign request in this window.</p>}
      {labels.map((label) => {
        const points = minutes.map((m) => {
          const k = m.keys[label];
          let ok = 0;
          let refused = 0;
          for (const [d, n] of Object.entries(k?.decisions ?? {})) {
            if (OK.has(d)) ok += n;
            else if (d !== 'pending') refused += n;
          }
          return { minute: m.minute, ok, refused };
        });
        const total = points.reduce((a, p) => ({ ok: a.ok + p.ok, refused: a.refused + p.refused }), { ok: 0, refused: 0 });
        return (
          <article class="card wide" key={label} data-testid={`activity-${label}`}>
            <h2>{label}</h2>
            <p class="small">
              {total.ok} signed, {total.refused} refused in the window.
            </p>
            <ActivityChart title={`${label}: signatures and refusals per minute`} points={points} />
          </article>
        );
      })}
      <h2>Refusal reasons</h2>
      {reasons.size === 0 ? (
        <p>None in this window.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Code</th>
                <th scope="col">Count</th>
              </tr>
            </thead>
            <tbody>
              {[...reasons.entries()]
                .sort((a, b) => b[1] - a[1])
                .map(([k, n]) => {
                  const [label, code] = k.split('\u0000');
                  return (
                    <tr key={k}>
                      <td>{label}</td>
                      <td class="mono">{code}</td>
                      <td>{n}</td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </div>
      )}
      <h2>HSM latency</h2>
      {latency.size === 0 ? (
        <p>No signing call in this window.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Signing calls</th>
                <th scope="col">Average</th>
                <th scope="col">Slowest</th>
              </tr>
            </thead>
            <tbody>
              {[...latency.entries()].map(([label, l]) => (
                <tr key={label}>
                  <td>{label}</td>
                  <td>{l.calls}</td>
                  <td>{(l.sum / l.calls).toFixed(1)} ms</td>
                  <td>{l.max.toFixed(1)} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
