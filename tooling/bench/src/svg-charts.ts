// Hand-written SVG line charts (no dependency): a few series over a handful of x values.

export interface Series {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly dashed?: boolean;
  /** Index into the palette (series of one subject share a colour); default the series' position. */
  readonly color?: number;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xTicks: readonly number[];
  /** log10 y axis (latencies spanning orders of magnitude). */
  readonly yLog?: boolean;
  /** log2 x axis (concurrency 1, 8, 32, 128). */
  readonly xLog?: boolean;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22'];
const W = 760;
const H = 420;
const M = { left: 70, right: 230, top: 40, bottom: 55 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));

export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const pts = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y) && (!o.yLog || p.y > 0));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const tx = (x: number): number => (o.xLog ? Math.log2(x) : x);
  const xMin = tx(Math.min(...o.xTicks));
  const xMax = tx(Math.max(...o.xTicks));
  let yMin: number;
  let yMax: number;
  let yTicks: number[];
  if (o.yLog) {
    const lo = Math.floor(Math.log10(Math.min(...pts.map((p) => p.y), 1)));
    const hi = Math.ceil(Math.log10(Math.max(...pts.map((p) => p.y), 10)));
    yMin = lo;
    yMax = hi === lo ? lo + 1 : hi;
    yTicks = [];
    for (let e = lo; e <= yMax; e++) yTicks.push(10 ** e);
  } else {
    yMin = 0;
    const max = Math.max(...pts.map((p) => p.y), 1);
    const step = 10 ** Math.floor(Math.log10(max)) * (max / 10 ** Math.floor(Math.log10(max)) > 5 ? 2 : 1);
    yMax = Math.ceil(max / step) * step;
    yTicks = [];
    for (let v = 0; v <= yMax + 1e-9; v += step) yTicks.push(v);
  }
  const X = (x: number): number => M.left + (xMax === xMin ? pw / 2 : ((tx(x) - xMin) / (xMax - xMin)) * pw);
  const Y = (y: number): number => M.top + ph - (((o.yLog ? Math.log10(y) : y) - yMin) / (yMax - yMin)) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="22" font-size="15" font-weight="bold">${esc(o.title)}</text>`,
  ];
  for (const v of yTicks) {
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${Y(v)}" y2="${Y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${Y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  for (const v of o.xTicks) {
    out.push(`<line x1="${X(v)}" x2="${X(v)}" y1="${M.top}" y2="${M.top + ph}" stroke="#eee"/>`);
    out.push(`<text x="${X(v)}" y="${M.top + ph + 18}" text-anchor="middle">${v}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${M.left + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[(s.color ?? i) % COLORS.length]!;
    const ok = s.points.filter((p) => Number.isFinite(p.y) && (!o.yLog || p.y > 0));
    if (ok.length > 0) {
      const d = ok.map((p, j) => `${j === 0 ? 'M' : 'L'}${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      for (const p of ok) out.push(`<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="3" fill="${color}"/>`);
    }
    const ly = M.top + 10 + i * 18;
    out.push(
      `<line x1="${W - M.right + 15}" x2="${W - M.right + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    out.push(`<text x="${W - M.right + 46}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
