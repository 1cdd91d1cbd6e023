import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_FILE_NAME, openAuditLog, writeAuditCheckpoint, type AuditLog } from '@openkms/audit';
import { CounterCheckpointer, restoreCounters, SLOT_MS, type CountersPayload } from './counter-checkpoint.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const HOUR = 3600_000;
const T0 = Date.parse('2026-11-30T00:00:00Z');

async function setup(start = T0): Promise<{ dir: string; key: Uint8Array; log: AuditLog; clock: { ms: number }; cp: CounterCheckpointer }> {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-checkpoint-'));
  dirs.push(dir);
  const key = randomBytes(32);
  const clock = { ms: start };
  const log = await openAuditLog({ dir, key, now: () => new Date(clock.ms) });
  return { dir, key, log, clock, cp: new CounterCheckpointer(log, key, [], () => clock.ms) };
}

const allow = (label: string, amount: bigint) => ({
  decision: 'allow' as const,
  label,
  intent: { totals: [{ asset: 'native', amount: amount.toString() }], totals_complete: true } as never,
});

/** The restored records summed per label: how many signatures, the native spend, and the earliest restored time. */
function summarise(records: readonly { label?: string; time: string | Date | number; intent?: unknown }[]) {
  const out = new Map<string, { count: number; spent: bigint; earliest: number }>();
  for (const r of records) {
    const row = out.get(r.label!) ?? { count: 0, spent: 0n, earliest: Infinity };
    row.count++;
    for (const t of (r.intent as { totals?: { amount: string }[] } | undefined)?.totals ?? []) row.spent += BigInt(t.amount);
    row.earliest = Math.min(row.earliest, new Date(r.time).getTime());
    out.set(r.label!, row);
  }
  return out;
}

test('the checkpointer holds one slot per key and time slot, however many signatures; restore gives them all back', async () => {
  const { dir, key, log, clock, cp } = await setup();
  // 6 hours at 5 signatures a second over two keys: 108,000 signatures
  const times: Record<string, number[]> = { a: [], b: [] };
  let spentA = 0n;
  for (let i = 0; i < 108_000; i++) {
    clock.ms = T0 + i * 200;
    const label = i % 2 === 0 ? 'a' : 'b';
    const amount = BigInt(1 + (i % 7));
    if (label === 'a') spentA += amount;
    cp.sink.append(allow(label, amount));
    times[label]!.push(clock.ms);
    if (i % 20_000 === 0) await cp.write();
  }
  assert.equal(cp.slotCount, 2 * Math.ceil((6 * HOUR) / SLOT_MS), 'one slot per key per SLOT_MS');
  assert.equal(await cp.write(), true);
  const payload = JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE_NAME), 'utf8')).payload as CountersPayload;
  assert.equal(payload.slots?.length, cp.slotCount);
  assert.equal(payload.events, undefined);
  await log.close();

  const restored = await restoreCounters(dir, key, clock.ms);
  assert.equal(restored.source, 'checkpoint');
  assert.equal(restored.recordsRead, 0);
  const sums = summarise(restored.records);
  assert.equal(sums.get('a')?.count, 54_000);
  assert.equal(sums.get('b')?.count, 54_000);
  assert.equal(sums.get('a')?.spent, spentA);
  // never earlier than the signature it stands for: a restored slot takes the time of its latest signature
  assert.ok(sums.get('a')!.earliest >= T0 && sums.get('a')!.earliest < T0 + SLOT_MS);
  for (const slot of payload.slots!) {
    const latest = Date.parse(slot.time);
    const inSlot = times[slot.label]!.filter((t) => Math.floor(t / SLOT_MS) === Math.floor(latest / SLOT_MS));
    assert.equal(latest, Math.max(...inSlot));
  }
});

test('slots older than 24 hours are dropped from memory and from the checkpoint', async () => {
  const { dir, key, log, clock, cp } = await setup();
  for (let i = 0; i < 100; i++) {
    clock.ms = T0 + i * 1000;
    cp.sink.append(allow('a', 10n));
  }
  clock.ms = T0 + 24 * HOUR + 50_000; // the first half of those signatures have left the window
  cp.sink.append(allow('a', 1n));
  await cp.write();
  assert.ok(cp.slotCount <= 6, `slots held: ${cp.slotCount}`);
  await log.close();
  const sums = summarise((await restoreCounters(dir, key, clock.ms)).records);
  // the slot that straddles the cut keeps all of its signatures (counted longer, never less)
  assert.ok(sums.get('a')!.count >= 51 && sums.get('a')!.count <= 60, String(sums.get('a')!.count));
});

test('a checkpoint written before slots (one event per signature) is still read', async () => {
  const { dir, key, log, clock } = await setup();
  log.append(allow('a', 5n));
  log.append(allow('a', 7n));
  await log.flush();
  const events = [
    { label: 'a', time: new Date(clock.ms).toISOString(), totals: [{ asset: 'native', amount: '5' }] },
    { label: 'a', time: new Date(clock.ms).toISOString(), totals: [{ asset: 'native', amount: '7' }] },
  ];
  await writeAuditCheckpoint<CountersPayload>(dir, key, { seq: log.lastSeq, mac: log.lastMac, offset: log.lastOffset, payload: { events } });
  await log.close();
  const restored = await restoreCounters(dir, key, clock.ms + 1000);
  assert.equal(restored.source, 'checkpoint');
  assert.deepEqual(summarise(restored.records).get('a'), { count: 2, spent: 12n, earliest: clock.ms });
});

test('a slot without a count makes the checkpoint unusable: the counters come from the log', async () => {
  const { dir, key, log, clock } = await setup();
  log.append(allow('a', 5n));
  await log.flush();
  const slots = [{ label: 'a', time: new Date(clock.ms).toISOString(), count: 0, totals: [] }];
  await writeAuditCheckpoint<CountersPayload>(dir, key, { seq: log.lastSeq, mac: log.lastMac, offset: log.lastOffset, payload: { slots } });
  await log.close();
  const restored = await restoreCounters(dir, key, clock.ms + 1000);
  assert.equal(restored.source, 'log');
  assert.match(String(restored.problem), /count/);
  assert.equal(summarise(restored.records).get('a')?.count, 1);
});
