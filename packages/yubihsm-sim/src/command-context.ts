/** What a command handler gets, and what it reports back to the dispatcher (for logging, persistence, latency). */
import type { DeviceState } from './device-state.js';
import type { DeviceSession } from './session-table.js';

export interface DeviceIdentity {
  readonly serial: number;
  readonly firmware: readonly [number, number, number];
  readonly partNumber: string;
}

export interface CommandContext {
  readonly state: DeviceState;
  readonly identity: DeviceIdentity;
  readonly random: (n: number) => Uint8Array;
  /** The session the command runs in (undefined for commands sent in the clear). */
  readonly session: DeviceSession | undefined;
  /** Log fields the handler fills in (0xffff when unused). */
  targetKey: number;
  secondKey: number;
  /** Algorithm of the key used (for the latency model). */
  algorithm: number | undefined;
  /** Set when persistent state (objects, options) changed. */
  mutated: boolean;
  /** Work to do after the response has been wrapped. */
  after: 'close-session' | 'reset-device' | undefined;
}
