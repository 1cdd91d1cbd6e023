import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { openKmsError } from '@openkms/core';
import type { SignEvent } from '@openkms/policy';
import { FLEET_MARKER, type FleetMarker } from './fleet-marker.js';
import { stateUnavailable } from './state-unavailable.js';

/** One accepted signature to count again: its key, time (ms) and spend per asset. */
export interface RebuildEvent extends SignEvent {
  readonly label: string;
}

export interface RebuildResult {
  /** Signatures counted back into the windows. */
  readonly signatures: number;
  /** Redis keys of the old counters deleted first (only with `force`, or left over from an interrupted rebuild). */
  readonly deletedKeys: number;
}

/**
 * ARGV: prefix, label, id, time, then asset, amount pairs. Adds one committed signature (the committed branch of the
 * reserve script, without its marker check: the marker is written last, in the same transaction).
 */
const ADD_COMMITTED_SCRIPT = `
local p, label, id, time = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local k = p .. 'k:' .. label .. ':'
redis.call('INCR', k .. 'v')
redis.call('ZADD', k .. 'signs', time, id)
for i = 5, #ARGV, 2 do
  local a = ARGV[i]
  redis.call('SADD', k .. 'assets', a)
  redis.call('ZADD', k .. 'a:' .. a, time, id .. '|' .. ARGV[i + 1])
end
return 1
`;

/**
 * `openkms state rebuild`: puts a fleet's policy counters back into Redis from the accepted signatures of the last
 * 24 h read from every instance's audit log. Refused while the fleet marker is present (the counters are live: adding
 * the logs again would count every signature twice) unless `force`, which replaces them. Steps: the marker is deleted
 * (every instance refuses to sign from then on), the old counters and pending reservations are deleted, then every
 * signature and the new marker are written in one MULTI/EXEC transaction (all or nothing). An interrupted rebuild
 * leaves no marker, so the instances keep refusing and it can simply be run again.
 */
export async function rebuildFleetState(redis: Redis, prefix: string, events: readonly RebuildEvent[], o: { force?: boolean } = {}): Promise<RebuildResult> {
  const markerKey = prefix + FLEET_MARKER;
  try {
    if ((await redis.exists(markerKey)) === 1 && o.force !== true) {
      throw openKmsError(
        'invalid_request',
        `the fleet state under prefix ${prefix} is present (marker ${markerKey}); rebuild only after Redis lost it, or pass --force to replace the counters`,
        { path: 'state.redis' },
      );
    }
    await redis.del(markerKey);
    let deletedKeys = 0;
    for (const pattern of [`${escapeGlob(prefix)}k:*`, `${escapeGlob(prefix)}r:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) deletedKeys += await redis.del(...keys);
      } while (cursor !== '0');
    }
    deletedKeys += await redis.del(`${prefix}pending`);
    const tx = redis.multi();
    for (const e of events) {
      const args = [prefix, e.label, `rebuild.${randomUUID()}`, String(e.time)];
      for (const [asset, amount] of e.spend) if (amount > 0n) args.push(asset, amount.toString());
      tx.eval(ADD_COMMITTED_SCRIPT, 0, ...args);
    }
    const marker: FleetMarker = { created_at: new Date().toISOString(), created_by: 'rebuild', rebuilt_signatures: events.length };
    tx.set(markerKey, JSON.stringify(marker));
    const replies = await tx.exec();
    const failed = replies?.find(([err]) => err !== null);
    if (replies === null || failed !== undefined) throw failed?.[0] ?? new Error('transaction aborted');
    return { signatures: events.length, deletedKeys };
  } catch (err) {
    throw stateUnavailable(err, 'rebuild the fleet state');
  }
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
