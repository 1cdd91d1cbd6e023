import { CommandCode } from '@openkms/yubihsm';

/** What a simulator has seen on its command interface (for tests and benchmarks; no secrets). */
export interface FrameTrafficStats {
  /** Frames received, by outer command: `createSession`, `authenticateSession`, `sessionMessage`, `other`. */
  readonly frames: { readonly createSession: number; readonly authenticateSession: number; readonly sessionMessage: number; readonly other: number };
  /** Frames received and not answered yet (queued at the device or running). */
  readonly inFlight: number;
  /** The most frames outstanding at once. Above 1: the host kept a command queued while another ran. */
  readonly maxInFlight: number;
  /** The most distinct sessions with a SessionMessage outstanding at once. */
  readonly maxSessionsInFlight: number;
  /** The most SessionMessages outstanding at once on any ONE session (the device allows 1). */
  readonly maxInFlightPerSession: number;
  /** Time frames spent inside the device (its queue included), in ms. */
  readonly deviceMs: number;
  /** Time the device spent running commands (its queue excluded), in ms. */
  readonly busyMs: number;
}

/** Counts frames and their overlap by session: the observable side of how a host uses the device's sessions. */
export class FrameTraffic {
  private readonly counts = { createSession: 0, authenticateSession: 0, sessionMessage: 0, other: 0 };
  private readonly perSession = new Map<number, number>();
  private inFlight = 0;
  private maxInFlight = 0;
  private maxSessionsInFlight = 0;
  private maxInFlightPerSession = 0;
  private deviceMs = 0;
  private busyMs = 0;

  /** A frame arrives; returns the function to call once it is answered. */
  enter(frame: Uint8Array): () => void {
    const started = performance.now();
    const cmd = frame[0];
    const sessionId = cmd === CommandCode.sessionMessage && frame.length > 3 ? frame[3]! : undefined;
    if (cmd === CommandCode.createSession) this.counts.createSession++;
    else if (cmd === CommandCode.authenticateSession) this.counts.authenticateSession++;
    else if (cmd === CommandCode.sessionMessage) this.counts.sessionMessage++;
    else this.counts.other++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (sessionId !== undefined) {
      const n = (this.perSession.get(sessionId) ?? 0) + 1;
      this.perSession.set(sessionId, n);
      this.maxInFlightPerSession = Math.max(this.maxInFlightPerSession, n);
      this.maxSessionsInFlight = Math.max(this.maxSessionsInFlight, this.perSession.size);
    }
    return () => {
      this.inFlight--;
      this.deviceMs += performance.now() - started;
      if (sessionId === undefined) return;
      const n = this.perSession.get(sessionId)! - 1;
      if (n === 0) this.perSession.delete(sessionId);
      else this.perSession.set(sessionId, n);
    };
  }

  /** Adds the time the device spent on one command (queue excluded). */
  busy(ms: number): void {
    this.busyMs += ms;
  }

  stats(): FrameTrafficStats {
    return {
      frames: { ...this.counts },
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      maxSessionsInFlight: this.maxSessionsInFlight,
      maxInFlightPerSession: this.maxInFlightPerSession,
      deviceMs: this.deviceMs,
      busyMs: this.busyMs,
    };
  }
}
