// Which sections of pnpm bench run: all by default; `--only fleet,softhsm` (or BENCH_ONLY=fleet,softhsm) runs those
// alone, e.g. `pnpm bench --only fleet`.

export const BENCH_SECTIONS = ['floors', 'zero', 'rss', 'realistic', 'cold', 'softhsm', 'fleet'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

/** The sections named by `--only a,b` / `--only=a,b` or else by `env` (BENCH_ONLY); undefined: every section. */
export function selectedSections(argv: readonly string[], env: string | undefined): BenchSection[] | undefined {
  let raw: string | undefined;
  const at = argv.indexOf('--only');
  if (at >= 0) {
    raw = argv[at + 1];
    if (raw === undefined || raw.startsWith('--')) throw new Error(`--only needs a list of sections: ${BENCH_SECTIONS.join(', ')}`);
  } else {
    raw = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? env;
  }
  if (raw === undefined || raw.trim() === '') return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !(BENCH_SECTIONS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown bench section(s) ${unknown.join(', ')}; the sections are ${BENCH_SECTIONS.join(', ')}`);
  return BENCH_SECTIONS.filter((s) => names.includes(s));
}
