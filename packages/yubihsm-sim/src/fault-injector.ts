/**
 * Fault injection for tests and demos (`sim.faults`). Every fault is bounded: counts are explicit and delays are
 * capped at MAX_FAULT_DELAY_MS.
 */
import { openKmsError } from '@openkms/core';

export const MAX_FAULT_DELAY_MS = 120_000;

export type PendingDelay = { readonly kind: 'sleep'; readonly ms: number } | { readonly kind: 'hang'; readonly maxMs: number };

export interface FaultHooks {
  /** Drops every open session (the device forgot them). */
  expireSessions(): void;
  /** Called when the device comes back after disappear(): it rebooted. */
  rebooted(): void;
}

function checkCount(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw openKmsError('invalid_request', 'fault count must be an integer in 0..1000000');
  return n;
}

function checkDelay(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw openKmsError('invalid_request', 'fault delay must be a non-negative number');
  return Math.min(ms, MAX_FAULT_DELAY_MS);
}

export class FaultInjector {
  private drops = 0;
  private failures: Array<{ code: number }> = [];
  private delays: PendingDelay[] = [];
  private gone = false;
  private readonly hangs = new Set<() => void>();
  private hooks: FaultHooks | undefined;

  /** @internal wired by the simulator. */
  attach(hooks: FaultHooks): void {
    this.hooks = hooks;
  }

  /** The connector server destroys the next `n` connections (requests) without answering. */
  dropConnections(n: number): void {
    this.drops += checkCount(n);
  }

  /** @internal used by the connector server: true when this request's connection must be dropped. */
  takeConnectionDrop(): boolean {
    if (this.drops <= 0) return false;
    this.drops--;
    return true;
  }

  /** Forgets every session now, as if all had idled out; the next command on any of them gets INVALID_SESSION. */
  expireSessions(): void {
    this.hooks?.expireSessions();
  }

  /**
   * The next `n` commands answer `deviceErrorCode` instead of running: inside a valid 0x85 envelope for
   * SessionMessage (after the envelope has been verified), as a plain `7f 0001 code` otherwise.
   */
  failNext(n: number, deviceErrorCode: number): void {
    if (!Number.isInteger(deviceErrorCode) || deviceErrorCode < 0 || deviceErrorCode > 0xff) {
      throw openKmsError('invalid_request', 'device error code must be a byte');
    }
    for (let i = 0; i < checkCount(n); i++) this.failures.push({ code: deviceErrorCode });
  }

  /** @internal the device consumes one injected failure per command. */
  takeFailure(): number | undefined {
    return this.failures.shift()?.code;
  }

  /** The device is unplugged: connector status reports NO_DEVICE, /connector/api answers 500, handleFrame rejects. */
  disappear(): void {
    this.gone = true;
  }

  /** Plugs the device back in. It rebooted meanwhile: every session is gone and a boot entry is logged. */
  reappear(): void {
    if (!this.gone) return;
    this.gone = false;
    this.hooks?.rebooted();
  }

  get present(): boolean {
    return !this.gone;
  }

  /** The next `count` commands each take an extra `ms` (capped at 120 s) inside the device queue. */
  stall(ms: number, count = 1): void {
    const d = checkDelay(ms);
    for (let i = 0; i < checkCount(count); i++) this.delays.push({ kind: 'sleep', ms: d });
  }

  /**
   * The next command hangs until release() (or close()), or at most `maxMs` (default 30 s, capped at 120 s); it
   * then runs normally. Blocks the whole device queue meanwhile, like a wedged device.
   */
  hangNext(maxMs = 30_000): void {
    this.delays.push({ kind: 'hang', maxMs: checkDelay(maxMs) });
  }

  /** Releases every hanging command. */
  release(): void {
    for (const wake of [...this.hangs]) wake();
    this.hangs.clear();
  }

  /** @internal */
  takeDelay(): PendingDelay | undefined {
    return this.delays.shift();
  }

  /** @internal waits for a hang to be released or to time out. */
  waitForRelease(maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.hangs.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, maxMs);
      this.hangs.add(wake);
    });
  }

  /** Clears every pending fault (not the disappeared state). */
  clear(): void {
    this.drops = 0;
    this.failures = [];
    this.delays = [];
    this.release();
  }
}
