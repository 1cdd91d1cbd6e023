import {
  readAuditCheckpoint,
  readAuditRecords,
  readAuditRecordsAfter,
  writeAuditCheckpoint,
  type AuditLog,
  type AuditRecord,
  type AuditRecordInput,
} from '@openkms/audit';
import { isOpenKmsError } from '@openkms/core';
import { recordedSpend, type RecordedIntent, type RestoreRecord } from '@openkms/policy';
import type { AuditSink } from '../pipeline/ports.js';

const DAY_MS = 24 * 3600 * 1000;

/** One accepted signature as the checkpoint stores it. */
interface CounterEvent {
  readonly label: string;
  /** ISO-8601. */
  readonly time: string;
  /** What the signature counted against the windows per asset: transfers plus the fees the signer pays. */
  readonly totals: readonly { readonly asset: string; readonly amount: string }[];
}

/** The checkpoint's payload: every accepted signature of the last 24 h up to its anchor record. */
export interface CountersPayload {
  readonly events: readonly CounterEvent[];
}

export interface RestoredCounters {
  /** Where the counters came from: the checkpoint plus the records after it, or the log (no or bad checkpoint). */
  readonly source: 'checkpoint' | 'log';
  /** The accepted signatures of the last 24 h, in the shape PolicyEngine.restore takes. */
  readonly records: readonly RestoreRecord[];
  /** Audit records read from the log. */
  readonly recordsRead: number;
  /** Why the checkpoint was not used (source 'log' with a checkpoint present). */
  readonly problem?: string;
}

function toRestoreRecord(r: AuditRecord): RestoreRecord | undefined {
  if (r.decision !== 'allow' || r.label === undefined) return undefined;
  return { time: r.time, label: r.label, decision: r.decision, ...(r.intent ? { intent: r.intent } : {}) };
}

/**
 * The accepted signatures of the last 24 h, for the policy counters. With a valid checkpoint (HMAC verified, its
 * anchor record present in the chain with the same mac) they are the checkpoint's events plus the allow records
 * after the anchor, so startup reads only the end of the log whatever its size. A missing checkpoint, or one that
 * fails any check, falls back to reading the last 25 h of the log (as before checkpoints existed); `problem` says why.
 * Either way the counters are never below what was signed: every allow record after the anchor is counted.
 */
export async function restoreCounters(dir: string, key: Uint8Array, now = Date.now()): Promise<RestoredCounters> {
  const since = now - DAY_MS;
  const { checkpoint, problem: readProblem } = await readAuditCheckpoint<CountersPayload>(dir, key);
  let problem = readProblem;
  if (checkpoint !== undefined) {
    try {
      const events = checkpoint.payload?.events;
      if (!Array.isArray(events)) throw new Error('payload has no events');
      const records: RestoreRecord[] = [];
      for (const e of events) {
        if (Date.parse(e.time) > since) records.push({ time: e.time, label: e.label, decision: 'allow', intent: { totals: e.totals } });
      }
      let recordsRead = 0;
      for await (const r of readAuditRecordsAfter(dir, key, checkpoint)) {
        recordsRead++;
        const rr = toRestoreRecord(r);
        if (rr !== undefined) records.push(rr);
      }
      return { source: 'checkpoint', records, recordsRead };
    } catch (err) {
      problem = isOpenKmsError(err) ? err.message : `unusable payload (${(err as Error).message})`;
    }
  }
  const records: RestoreRecord[] = [];
  let recordsRead = 0;
  for await (const r of readAuditRecords(dir, { since: new Date(now - 25 * 3600 * 1000), key })) {
    recordsRead++;
    const rr = toRestoreRecord(r);
    if (rr !== undefined) records.push(rr);
  }
  return { source: 'log', records, recordsRead, ...(problem === undefined ? {} : { problem }) };
}

interface NotedEvent extends CounterEvent {
  readonly seq: number;
  readonly ms: number;
}

/**
 * Writes the counter checkpoint alongside the audit chain. The pipeline appends through `sink`, which notes every
 * accepted signature with the seq its record got (assigned synchronously by the log), so a checkpoint anchored at
 * seq S holds exactly the accepted signatures of records ≤ S. Each event is stamped at append time, at or after
 * its record's time: a restored event leaves its window no earlier than the record would (never an undercount).
 */
export class CounterCheckpointer {
  #events: NotedEvent[];
  #writtenSeq = 0;
  #writing: Promise<boolean> | undefined;

  constructor(
    private readonly log: AuditLog,
    private readonly key: Uint8Array,
    initial: readonly RestoreRecord[],
    private readonly now: () => number = Date.now,
  ) {
    this.#events = initial.map((r) => {
      const ms = new Date(r.time).getTime();
      const totals = spendTotals(r.intent);
      return { seq: 0, ms, time: new Date(ms).toISOString(), label: r.label!, totals };
    });
  }

  /** The audit sink the sign pipeline writes through. */
  readonly sink: AuditSink = {
    append: (input: AuditRecordInput, opts?: { durable?: boolean }) => {
      const before = this.log.lastSeq;
      const done = this.log.append(input, opts);
      if (input.decision === 'allow' && input.label !== undefined && this.log.lastSeq === before + 1) {
        const ms = this.now();
        const totals = spendTotals(input.intent as RecordedIntent | undefined);
        this.#events.push({ seq: this.log.lastSeq, ms, time: new Date(ms).toISOString(), label: input.label, totals });
      }
      return done;
    },
  };

  /**
   * Writes a checkpoint covering every record appended so far (after making them durable). Resolves false when
   * there was nothing new to cover. Concurrent calls share one write.
   */
  write(): Promise<boolean> {
    this.#writing ??= this.#write().finally(() => {
      this.#writing = undefined;
    });
    return this.#writing;
  }

  async #write(): Promise<boolean> {
    const seq = this.log.lastSeq;
    const mac = this.log.lastMac;
    const offset = this.log.lastOffset;
    if (seq === 0 || offset === 0 || seq === this.#writtenSeq) return false;
    const since = this.now() - DAY_MS;
    this.#events = this.#events.filter((e) => e.ms > since);
    const events = this.#events.filter((e) => e.seq <= seq).map(({ label, time, totals }) => ({ label, time, totals }));
    await this.log.flush();
    await writeAuditCheckpoint<CountersPayload>(this.log.dir, this.key, { seq, mac, offset, payload: { events } });
    this.#writtenSeq = seq;
    return true;
  }
}

/**
 * An accepted signature's spend per asset as the policy counted it: its transfers plus the fees the signer pays
 * (recordedSpend). The checkpoint stores this sum as the event's `totals`, so a restart restores the fees too.
 */
function spendTotals(intent: RecordedIntent | null | undefined): { asset: string; amount: string }[] {
  return [...recordedSpend(intent)].map(([asset, amount]) => ({ asset, amount: amount.toString() }));
}
