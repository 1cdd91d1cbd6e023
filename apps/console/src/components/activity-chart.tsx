/** Signatures and refusals per minute as an SVG bar chart (attributes only: no inline style, CSP-safe). */
export function ActivityChart({ title, points }: { title: string; points: readonly { minute: string; ok: number; refused: number }[] }) {
  const width = 600;
  const height = 120;
  const pad = 18;
  const max = Math.max(1, ...points.map((p) => p.ok + p.refused));
  const bw = (width - pad) / Math.max(1, points.length);
  const scale = (n: number) => (n / max) * (height - pad);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      <line x1={pad} y1={height - pad} x2={width} y2={height - pad} class="axis" />
      <text x={0} y={10} class="tick">
        {max}
      </text>
      <text x={0} y={height - pad} class="tick">
        0
      </text>
      {points.map((p, i) => {
        const x = pad + i * bw + 1;
        const hOk = scale(p.ok);
        const hRef = scale(p.refused);
        return (
          <g key={p.minute}>
            <title>{`${new Date(p.minute).toLocaleTimeString(undefined, { hour12: false })}: ${p.ok} signed, ${p.refused} refused`}</title>
            {hOk > 0 && <rect x={x} y={height - pad - hOk} width={Math.max(1, bw - 2)} height={hOk} class="bar-ok" />}
            {hRef > 0 && <rect x={x} y={height - pad - hOk - hRef} width={Math.max(1, bw - 2)} height={hRef} class="bar-refused" />}
          </g>
        );
      })}
      <text x={pad} y={height - 4} class="tick">
        {points[0] ? new Date(points[0].minute).toLocaleTimeString(undefined, { hour12: false, hour: '2-digit', minute: '2-digit' }) : ''}
      </text>
      <text x={width - 40} y={height - 4} class="tick">
        now
      </text>
    </svg>
  );
}
