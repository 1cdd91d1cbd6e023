import type { Redis } from 'ioredis';
import { STATE_LOST_REPLY, stateUnavailable } from './state-unavailable.js';

/**
 * The fleet marker `<prefix>fleet`: written once when a fleet's state is first created in Redis (and again by
 * `openkms state rebuild`). Every decision's state read and every reservation checks it inside its script (see
 * lua-scripts.ts): when Redis answers but the marker is gone, its data was lost (FLUSHALL, a restart without
 * persistence, a new server) and signing fails closed with `state_lost` instead of starting again from zero counters.
 */
export const FLEET_MARKER = 'fleet';

/** The Lua line that refuses a script when the marker is missing (`p` is the key prefix). */
export const MARKER_CHECK = `if redis.call('EXISTS', p .. '${FLEET_MARKER}') == 0 then return redis.error_reply('${STATE_LOST_REPLY} the fleet marker is missing') end`;

/** What a fleet marker holds (for operators reading Redis). */
export interface FleetMarker {
  readonly created_at: string;
  /** The instance that created it, or "rebuild". */
  readonly created_by: string;
  /** Accepted signatures counted back from the audit logs (rebuild only). */
  readonly rebuilt_signatures?: number;
}

/**
 * How this instance finds the fleet: `joined` (the marker is there), `created` (no marker and this instance never
 * joined this fleet before: a new fleet, the marker is written now), `lost` (no marker although this instance joined
 * before: Redis lost the fleet's data; nothing is signed until `openkms state rebuild`).
 */
export type FleetMarkerStatus = 'joined' | 'created' | 'lost';

export async function checkFleetMarker(redis: Redis, prefix: string, o: { instanceId: string; joinedBefore: boolean }): Promise<FleetMarkerStatus> {
  try {
    if ((await redis.exists(prefix + FLEET_MARKER)) === 1) return 'joined';
    if (o.joinedBefore) return 'lost';
    const marker: FleetMarker = { created_at: new Date().toISOString(), created_by: o.instanceId };
    // several instances of a new fleet starting at once: one creates it, the others join it
    const set = await redis.set(prefix + FLEET_MARKER, JSON.stringify(marker), 'NX');
    return set === 'OK' ? 'created' : 'joined';
  } catch (err) {
    throw stateUnavailable(err, 'read the fleet marker');
  }
}
