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

/**
 * The accepted signatures of one key within one time slot (SLOT_MS), as the checkpoint stores them: how many, the
 * time of the latest, and what they counted against the windows per asset (transfers plus the fees the signer pays).
 */
interface CounterSlot {
  readonly label: string;
  /** ISO-8601: the time of the slot's latest signature. Restored, every signature of the slot gets this time. */
  readonly time: string;
  readonly count: number;
  readonly totals: readonly { readonly asset: string; readonly amount: string }[];
}

/** Before slots: one entry per accepted signature (read from older checkpoints; never written any more). */
interface CounterEvent {
  readonly label: string;
  readonly time: string;
  readonly totals: readonly { readonly asset: string; readonly amount: string }[];
}

/**
 * The checkpoint's payload: the accepted signatures of the last 24 h up to its anchor record, grouped in slots, so
 * that its size (and the checkpointer's memory) is bounded by keys × slots a day, not by the number of signatures.
 * `events` is the older form, one per signature; a signer that only knows `events` finds none in a new checkpoint
 * and rebuilds its counters from the log (a downgrade never undercounts).
 */
export interface CountersPayload {
  readonly slots?: readonly CounterSlot[];
  readonly events?: readonly CounterEvent[];
}

/**
 * A slot's length. A restored signature takes the time of its slot's latest, so after a restart it counts at most
 * this much longer than it would have without the restart (never shorter).
 */
export const SLOT_MS = 10_000;

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
 * anchor record present in the chain with the same mac) they are the checkpoint's slots (or older events) plus the allow records
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
      const records = checkpointRecords(checkpoint.payload, since);
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

/**
 * The signatures a checkpoint holds, as restore records: a slot of n signatures gives n records at the slot's time,
 * the first carrying the slot's totals. Throws on a payload without slots or events.
 */
function checkpointRecords(payload: CountersPayload | undefined, since: number): RestoreRecord[] {
  const records: RestoreRecord[] = [];
  const slots = payload?.slots;
  const events = payload?.events;
  if (Array.isArray(slots)) {
    for (const slot of slots) {
      if (!(Date.parse(slot.time) > since)) continue;
      if (!Number.isSafeInteger(slot.count) || slot.count < 1) throw new Error('a slot has no count');
      records.push({ time: slot.time, label: slot.label, decision: 'allow', intent: { totals: slot.totals } });
      for (let i = 1; i < slot.count; i++) records.push({ time: slot.time, label: slot.label, decision: 'allow' });
    }
    return records;
  }
  if (!Array.isArray(events)) throw new Error('payload has no slots');
  for (const e of events) {
    if (Date.parse(e.time) > since) records.push({ time: e.time, label: e.label, decision: 'allow', intent: { totals: e.totals } });
  }
  return records;
}

/** A slot while it is being filled. */
interface OpenSlot {
  readonly label: string;
  /** Milliseconds: the latest signature's time. */
  latest: number;
  count: number;
  readonly totals: Map<string, bigint>;
}

/**
 * Writes the counter checkpoint alongside the audit chain. The pipeline appends through `sink`, which adds every
 * accepted signature to its key's current slot when the log has assigned its record's seq (synchronously), so a
 * checkpoint anchored at the log's last seq holds exactly the accepted signatures up to it. Each signature is
 * stamped at append time, at or after its record's time, and a restored slot takes its latest stamp: a restored
 * signature leaves its window no earlier than its record would (never an undercount). Memory is one slot per key
 * per SLOT_MS of the last 24 h, whatever the signing rate.
 */
export class CounterCheckpointer {
  /** By `label` + slot number; insertion order is roughly time order (pruning scans them all). */
  readonly #slots = new Map<string, OpenSlot>();
  #writtenSeq = 0;
  #writing: Promise<boolean> | undefined;

  constructor(
    private readonly log: AuditLog,
    private readonly key: Uint8Array,
    initial: readonly RestoreRecord[],
    private readonly now: () => number = Date.now,
  ) {
    for (const r of initial) this.#note(r.label!, new Date(r.time).getTime(), recordedSpend(r.intent));
  }

  /** The audit sink the sign pipeline writes through. */
  readonly sink: AuditSink = {
    append: (input: AuditRecordInput, opts?: { durable?: boolean }) => {
      const before = this.log.lastSeq;
      const done = this.log.append(input, opts);
      if (input.decision === 'allow' && input.label !== undefined && this.log.lastSeq === before + 1)
        this.#note(input.label, this.now(), recordedSpend(input.intent as RecordedIntent | undefined));
      return done;
    },
  };

  /** How many slots are held (bounded by keys × a day's slots). */
  get slotCount(): number {
    return this.#slots.size;
  }

  #note(label: string, ms: number, spend: ReadonlyMap<string, bigint>): void {
    const id = `${Math.floor(ms / SLOT_MS)}\u0000${label}`;
    let slot = this.#slots.get(id);
    if (slot === undefined) this.#slots.set(id, (slot = { label, latest: ms, count: 0, totals: new Map() }));
    slot.latest = Math.max(slot.latest, ms);
    slot.count++;
    for (const [asset, amount] of spend) slot.totals.set(asset, (slot.totals.get(asset) ?? 0n) + amount);
  }

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
    // taken in the same tick as seq: every signature noted so far has its record at or before seq
    const slots: CounterSlot[] = [];
    for (const [id, slot] of this.#slots) {
      if (slot.latest <= since) {
        this.#slots.delete(id);
        continue;
      }
      slots.push({
        label: slot.label,
        time: new Date(slot.latest).toISOString(),
        count: slot.count,
        totals: [...slot.totals].map(([asset, amount]) => ({ asset, amount: amount.toString() })),
      });
    }
    await this.log.flush();
    await writeAuditCheckpoint<CountersPayload>(this.log.dir, this.key, { seq, mac, offset, payload: { slots } });
    this.#writtenSeq = seq;
    return true;
  }
}
