/**
 * The device's 16 session slots. A session is created by CreateSession, becomes usable after AuthenticateSession,
 * and is dropped after 30 s without a command (measured with the injectable clock).
 */
import { SecureChannel } from '@openkms/yubihsm';
import { MAX_SESSIONS, SESSION_IDLE_TIMEOUT_MS } from './device-codes.js';
import type { SessionAuthority } from './capability-rules.js';

export interface DeviceSession {
  readonly id: number;
  readonly channel: SecureChannel;
  /** Snapshot of the authentication key taken at CreateSession. */
  readonly authority: SessionAuthority;
  lastUsed: number;
}

export class SessionTable {
  private readonly slots = new Map<number, DeviceSession>();

  constructor(
    private readonly now: () => number,
    private readonly idleTimeoutMs = SESSION_IDLE_TIMEOUT_MS,
  ) {}

  get count(): number {
    return this.slots.size;
  }

  /** Drops every session idle for the timeout or longer. */
  expireIdle(): void {
    const t = this.now();
    for (const [id, s] of this.slots) if (t - s.lastUsed >= this.idleTimeoutMs) this.slots.delete(id);
  }

  /** Lowest free id, or undefined when all 16 are taken (after expiring idle ones). */
  freeId(): number | undefined {
    this.expireIdle();
    for (let id = 0; id < MAX_SESSIONS; id++) if (!this.slots.has(id)) return id;
    return undefined;
  }

  add(session: Omit<DeviceSession, 'lastUsed'>): DeviceSession {
    const s: DeviceSession = { ...session, lastUsed: this.now() };
    this.slots.set(s.id, s);
    return s;
  }

  /** The live session with this id (expired ones are dropped first), else undefined. */
  get(id: number): DeviceSession | undefined {
    const s = this.slots.get(id);
    if (!s) return undefined;
    if (this.now() - s.lastUsed >= this.idleTimeoutMs) {
      this.slots.delete(id);
      return undefined;
    }
    return s;
  }

  touch(s: DeviceSession): void {
    s.lastUsed = this.now();
  }

  remove(id: number): void {
    this.slots.delete(id);
  }

  clear(): void {
    this.slots.clear();
  }
}
