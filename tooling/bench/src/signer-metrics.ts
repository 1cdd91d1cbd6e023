// The signer's own stage figures, from two scrapes of GET /metrics (Prometheus text) around a load run.

export type Scrape = ReadonlyMap<string, number>;

export async function scrape(base: string, token: string): Promise<Scrape> {
  const res = await fetch(new URL('/metrics', base), { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** Δsum / Δcount of a histogram's series, in ms (NaN when nothing was observed). */
export function meanMs(before: Scrape, after: Scrape, name: string, labels: string): number {
  const d = (suffix: string): number => (after.get(`${name}_${suffix}${labels}`) ?? 0) - (before.get(`${name}_${suffix}${labels}`) ?? 0);
  const count = d('count');
  return count > 0 ? (d('sum') / count) * 1000 : NaN;
}

/** Mean ms of a histogram summed over several label sets (e.g. signEddsa and signEcdsa). */
export function meanMsOver(before: Scrape, after: Scrape, name: string, labelSets: readonly string[]): number {
  let sum = 0;
  let count = 0;
  for (const labels of labelSets) {
    sum += (after.get(`${name}_sum${labels}`) ?? 0) - (before.get(`${name}_sum${labels}`) ?? 0);
    count += (after.get(`${name}_count${labels}`) ?? 0) - (before.get(`${name}_count${labels}`) ?? 0);
  }
  return count > 0 ? (sum / count) * 1000 : NaN;
}

export interface StageMeans {
  readonly decode: number;
  readonly policy: number;
  readonly key_backend: number;
  /** key_backend: waiting for a free device session. */
  readonly queue_wait: number;
  /** key_backend: connector HTTP + secure channel (the command's round trip minus the device's time). */
  readonly transport: number;
  /** key_backend: inside the device (its own queue included), as the simulator measured it. */
  readonly device: number;
  /** key_backend: the rest (signature verification / normalisation, chain encoding). */
  readonly backend_other: number;
  readonly audit: number;
  /** The pipeline's total (decode → audit). */
  readonly total: number;
}

const STAGE = 'openkms_sign_stage_duration_seconds';
const SIGN_COMMANDS = ['{command="signEddsa"}', '{command="signEcdsa"}'];

export function stageMeans(before: Scrape, after: Scrape, deviceMsPerCommand: number): StageMeans {
  const stage = (s: string): number => meanMs(before, after, STAGE, `{stage="${s}"}`);
  const keyBackend = stage('key_backend');
  const queue = meanMsOver(before, after, 'openkms_hsm_queue_wait_seconds', SIGN_COMMANDS);
  const command = meanMsOver(before, after, 'openkms_hsm_command_duration_seconds', SIGN_COMMANDS);
  return {
    decode: stage('decode'),
    policy: stage('policy'),
    key_backend: keyBackend,
    queue_wait: queue,
    transport: command - deviceMsPerCommand,
    device: deviceMsPerCommand,
    backend_other: keyBackend - queue - command,
    audit: stage('audit'),
    total: stage('total'),
  };
}
