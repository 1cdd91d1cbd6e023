import { readRecordFile, writeRecordFile, type RecordFileKind } from './record-file.js';

/** A fleet this instance has joined: its key prefix in Redis, and when it first joined. */
export interface FleetMembership {
  readonly key_prefix: string;
  readonly joined_at: string;
}

/**
 * The fleet membership file beside the runtime state file: `<state file>.fleet.json`. It lets an instance tell a new
 * fleet (no marker in Redis, never joined: it creates the marker) from a lost one (no marker, but joined before:
 * `state_lost` until `openkms state rebuild`).
 */
export function fleetMembershipFileOf(stateFile: string): string {
  return `${stateFile}.fleet.json`;
}

const FLEET_FILE: RecordFileKind<FleetMembership> = {
  name: 'fleet membership file',
  field: 'fleets',
  forbiddenMode: 0o022,
  isRecord: (x) => typeof x.key_prefix === 'string' && !Number.isNaN(Date.parse(String(x.joined_at))),
};

/** Whether this instance joined the fleet under `keyPrefix` before (a malformed file stops the start: config_invalid). */
export function hasJoinedFleet(file: string, keyPrefix: string): boolean {
  return readRecordFile(file, FLEET_FILE).some((f) => f.key_prefix === keyPrefix);
}

/** Notes that this instance joined the fleet under `keyPrefix` (once). */
export function recordFleetJoined(file: string, keyPrefix: string, now = new Date()): void {
  const fleets = readRecordFile(file, FLEET_FILE);
  if (fleets.some((f) => f.key_prefix === keyPrefix)) return;
  writeRecordFile(file, FLEET_FILE, [...fleets, { key_prefix: keyPrefix, joined_at: now.toISOString() }]);
}
