import type { TestSigner } from './test-signer.js';

/** Reading the Prometheus text exposition in tests. */

export type MetricLabels = Readonly<Record<string, string>>;

/**
 * The value of one sample: of the exposition text given, or scraped from a signer's GET /metrics.
 *
 * From text it is undefined when no sample matches. From a signer it is a number: 0 when the metric family is declared
 * (`# TYPE`) but no sample carries these labels yet (a labelled counter before its first increment), and it throws
 * when the family is not in the exposition at all, so a renamed metric fails the test instead of reading as 0.
 * `labels` must all match (the sample may have more); the string form is the exposition's `{k="v",…}`.
 */
export function metricValue(exposition: string, name: string, labels?: MetricLabels | string): number | undefined;
export function metricValue(s: TestSigner, name: string, labels?: MetricLabels | string): Promise<number>;
export function metricValue(source: string | TestSigner, name: string, labels: MetricLabels | string = {}): number | undefined | Promise<number> {
  const want = typeof labels === 'string' ? parseLabels(labels) : labels;
  if (typeof source === 'string') return sample(source, name, want);
  return source.request('GET', '/metrics', { token: source.signerToken }).then((res) => {
    if (res.status !== 200) throw new Error(`GET /metrics: ${res.status} ${res.text}`);
    const v = sample(res.text, name, want);
    if (v !== undefined) return v;
    if (!declared(res.text, name)) throw new Error(`no metric ${name} in the exposition (renamed?)`);
    return 0;
  });
}

/** The sum of every sample of `name` whose labels include `labels`. */
export function metricSum(exposition: string, name: string, labels: MetricLabels = {}): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith(name + '{') || line.startsWith(name + ' ')) {
      const v = sample(line, name, labels);
      if (v !== undefined) sum += v;
    }
  }
  return sum;
}

/** HSM sign commands seen by the signer's driver (Ed25519). */
export const hsmEddsaSigns = (s: TestSigner): Promise<number> => metricValue(s, 'openkms_hsm_command_duration_seconds_count', { command: 'signEddsa' });

/** HSM sign commands seen by the signer's driver (secp256k1). */
export const hsmEcdsaSigns = (s: TestSigner): Promise<number> => metricValue(s, 'openkms_hsm_command_duration_seconds_count', { command: 'signEcdsa' });

function sample(exposition: string, name: string, labels: MetricLabels): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = parseLabels(m[2] ?? '');
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) out[pair[1]!] = pair[2]!;
  return out;
}

/** Whether `# TYPE` declares the family of `name` (a histogram's `_count`/`_sum`/`_bucket` belong to it). */
function declared(exposition: string, name: string): boolean {
  const families = [name, name.replace(/_(count|sum|bucket)$/, '')];
  return exposition.split('\n').some((l) => families.some((f) => l.startsWith(`# TYPE ${f} `)));
}
