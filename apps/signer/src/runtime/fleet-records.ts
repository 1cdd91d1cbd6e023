import { Reservation } from '@openkms/policy';
import { APPROVALS_FILE } from '../approvals/approval-file.js';
import type { ApprovalRecord } from '../approvals/approval-record.js';
import { PAIRING_FILE } from '../pairing/pairing-file.js';
import type { PairingRecord } from '../pairing/pairing-record.js';
import type { ReservationLike } from '../pipeline/ports.js';
import { FleetRecordStore } from './fleet-record-store.js';
import type { RecordStore } from './record-store.js';
import type { StateStores } from './start-state-store.js';

/**
 * Fleet mode: pending approvals in the fleet's Redis (`<prefix>approvals`), their held reservations finished by id on
 * whichever instance decides them. Memory mode: nothing (the approvals file beside the state file).
 */
export function fleetApprovals(
  stores: StateStores,
): { store: RecordStore<ApprovalRecord>; reservationById: (label: string, id: string) => ReservationLike } | Record<string, never> {
  const shared = stores.shared;
  if (stores.recordMap === undefined || shared === undefined) return {};
  return {
    store: new FleetRecordStore(stores.recordMap('approvals'), APPROVALS_FILE.isRecord),
    reservationById: (label, id) => new Reservation(shared, label, id),
  };
}

/** Fleet mode: pairings in the fleet's Redis (`<prefix>pairings`). Memory mode: nothing (the pairing file). */
export function fleetPairings(stores: StateStores): { store: RecordStore<PairingRecord> } | Record<string, never> {
  if (stores.recordMap === undefined) return {};
  return { store: new FleetRecordStore(stores.recordMap('pairings'), PAIRING_FILE.isRecord) };
}
