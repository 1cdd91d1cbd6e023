import { performance } from 'node:perf_hooks';
import { YubiHsmCommandMethods, type CallOptions } from '../client/command-methods.js';
import { YubiHsmClient, type DeviceDescription } from '../client/yubihsm-client.js';
import type { CommandSpec } from '../commands/command-spec.js';
import { Echo } from '../commands/device/echo.js';
import { ResetDevice } from '../commands/device/reset-device.js';
import { CommandCode } from '../protocol/command-code.js';
import { YubiHsmDeviceError, YubiHsmProtocolError } from '../protocol/errors.js';
import { maxFrameSizeFor, sessionFrameLength } from '../protocol/frame.js';
import { MAX_FRAME_SIZE, MAX_SESSIONS, SESSION_IDLE_TIMEOUT_MS } from '../protocol/limits.js';
import type { AuthKeyMaterial } from '../protocol/scp03.js';
import { YubiHsmSession } from '../session/session.js';
import { YubiHsmSessionError } from '../session/session-error.js';
import type { Transport } from '../transport/transport.js';
import { YubiHsmTransportError } from '../transport/transport-error.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { SessionSlots } from './session-slots.js';
import type { YubiHsmEvent, YubiHsmEventListener } from './yubihsm-event.js';

export interface YubiHsmPoolOptions {
  readonly transport: Transport;
  /** Device name for events and stats; defaults to the transport's name. */
  readonly name?: string;
  readonly authKeyId: number;
  readonly authKey: AuthKeyMaterial;
  /** Sessions kept open (1–16). Default 2. */
  readonly size?: number;
  /** Deadline for each call, queue wait included (ms). Default 5000. */
  readonly commandTimeoutMs?: number;
  /** Echo on sessions idle this long (ms); 0 disables keepalive and pre-warming. Default 15 000. */
  readonly keepaliveMs?: number;
  /** Device session idle timeout. Default 30 000 ms. */
  readonly idleTimeoutMs?: number;
  /** Treat sessions as expired this much earlier. Default 1000 ms. */
  readonly expiryMarginMs?: number;
  /** Reconnect backoff (probes the pool schedules itself). Default 250 ms doubling to 2 s. */
  readonly reconnect?: BackoffOptions;
  /**
   * While the device is down, a call arriving at least this long after the last connection attempt tries to connect
   * itself instead of being refused until the next scheduled probe (probe on demand, rate-limited). Default 500 ms.
   */
  readonly onDemandProbeMs?: number;
  /** Deadline of a health probe (`probe()`), queue wait included. Default min(commandTimeoutMs, 2000). */
  readonly probeTimeoutMs?: number;
  /** Clock for session expiry (ms). Default Date.now. */
  readonly now?: () => number;
  /** Randomness for host challenges (tests). */
  readonly randomBytes?: (n: number) => Uint8Array;
  readonly onEvent?: YubiHsmEventListener;
  /**
   * Whether the openKMS simulator may be brought up. Default true (this is a driver; the signer passes its
   * `allow_simulated` config value). When false, a device that identifies as the simulator is refused on every
   * connect and reconnect: it stays `down` with lastError `simulated_not_allowed` and every call fails.
   */
  readonly allowSimulated?: boolean;
}

export type DeviceState = 'unknown' | 'up' | 'down';

export type YubiHsmPoolFailure = 'device_down' | 'closed' | 'simulated_not_allowed';

/**
 * Thrown when the pool refuses a call without running it: the device is down, the pool is closed, or the device is
 * the openKMS simulator and `allowSimulated` is false.
 */
export class YubiHsmPoolError extends Error {
  readonly reason: YubiHsmPoolFailure;
  constructor(reason: YubiHsmPoolFailure, message: string) {
    super(message);
    this.name = 'YubiHsmPoolError';
    this.reason = reason;
  }
}

/**
 * Sessions to ONE device. Up to `size` calls run at once, each on its own session (one command in flight per
 * session, as the device requires); further calls wait in FIFO order. The device (or its connector) runs one command
 * at a time; a command already queued there while the previous one runs keeps the device busy while the host does its
 * part (HTTP, secure channel, verification). Sessions are opened once and reused: no per-call session setup. Every
 * call has a deadline (queue wait included). Sessions are re-authenticated transparently: a session-level failure (INVALID_SESSION,
 * local expiry, bad R-MAC) drops the session and retries once on a fresh one when that is safe. When the connector
 * or device disappears the pool goes `down`, fails calls fast, and probes with exponential backoff until it is back.
 */
export class YubiHsmPool extends YubiHsmCommandMethods {
  readonly name: string;
  readonly transport: Transport;
  private readonly o: YubiHsmPoolOptions;
  private readonly client: YubiHsmClient;
  private readonly slots: SessionSlots;
  /** Sessions a running call holds (between choosing and finishing with it). */
  private readonly leased = new Set<YubiHsmSession>();
  /** Sessions being opened right now. */
  private opening = 0;
  /** The connection attempt in progress, shared by every call that needs one. */
  private connecting: Promise<DeviceDescription> | undefined;
  private readonly backoff: Backoff;
  private readonly size: number;
  private readonly commandTimeoutMs: number;
  private readonly keepaliveMs: number;
  private sessions: YubiHsmSession[] = [];
  private _state: DeviceState = 'unknown';
  private _description: DeviceDescription | undefined;
  private _lastError: string | undefined;
  private nextProbeAt = 0;
  /** performance.now() when the last call was admitted (the on-demand probe rate limit counts from it). */
  private lastAttemptAt = -Infinity;
  private readonly onDemandProbeMs: number;
  private readonly probeTimeoutMs: number;
  private probing: Promise<boolean> | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private maintenanceTimer: NodeJS.Timeout | undefined;
  private maintenanceRunning = false;
  private _closed = false;
  /** False until connectNow() has checked the device's identity, and again whenever every session is dropped. */
  private identityChecked = false;

  constructor(options: YubiHsmPoolOptions) {
    super();
    this.o = options;
    this.transport = options.transport;
    this.name = options.name ?? options.transport.name;
    this.size = Math.min(MAX_SESSIONS, Math.max(1, Math.floor(options.size ?? 2)));
    this.slots = new SessionSlots(this.size);
    this.commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    this.keepaliveMs = options.keepaliveMs ?? 15_000;
    this.onDemandProbeMs = Math.max(0, options.onDemandProbeMs ?? 500);
    this.probeTimeoutMs = options.probeTimeoutMs ?? Math.min(this.commandTimeoutMs, 2000);
    this.backoff = new Backoff(options.reconnect);
    this.client = new YubiHsmClient({ transport: options.transport, timeoutMs: this.commandTimeoutMs });
    if (this.keepaliveMs > 0) {
      const idle = (options.idleTimeoutMs ?? SESSION_IDLE_TIMEOUT_MS) - (options.expiryMarginMs ?? 1000);
      const period = Math.max(5, Math.floor(Math.min(this.keepaliveMs, idle) / 3));
      this.maintenanceTimer = setInterval(() => void this.maintain(), period);
      this.maintenanceTimer.unref();
    }
  }

  get state(): DeviceState {
    return this._state;
  }

  /** DeviceInfo of the device, once connected. */
  get description(): DeviceDescription | undefined {
    return this._description;
  }

  /** The last failure that took the device down (no secrets). */
  get lastError(): string | undefined {
    return this._lastError;
  }

  get sessionCount(): number {
    return this.sessions.filter((s) => !s.closed).length;
  }

  /** The device's frame limit (from its firmware version once known; 3136 bytes before). */
  get maxFrameSize(): number {
    return this._description ? maxFrameSizeFor(this._description.info.version) : MAX_FRAME_SIZE;
  }

  /** Calls queued or running. */
  get queueDepth(): number {
    return this.slots.depth;
  }

  /** Calls running now (each on its own session). */
  get inFlight(): number {
    return this.slots.active;
  }

  get closed(): boolean {
    return this._closed;
  }

  /**
   * True when a call now would be refused without trying: the device is down, its next scheduled probe is not due,
   * and the last connection attempt was less than onDemandProbeMs ago.
   */
  get refusing(): boolean {
    return this._closed || (this._state === 'down' && performance.now() < this.nextAttemptAt);
  }

  /** Milliseconds until a call would be tried again (0 when it would be tried now). What Retry-After derives from. */
  get retryInMs(): number {
    if (this._closed || this._state !== 'down') return 0;
    return Math.max(0, Math.ceil(this.nextAttemptAt - performance.now()));
  }

  /**
   * How long the commands in flight have gone without an answer (0 when idle): since the oldest started, or since the
   * last one finished if that is later. A frozen device shows here first; a busy one that keeps answering does not.
   */
  get busyForMs(): number {
    const since = this.slots.stalledSince;
    return since === undefined ? 0 : performance.now() - since;
  }

  private get nextAttemptAt(): number {
    return Math.min(this.nextProbeAt, this.lastAttemptAt + this.onDemandProbeMs);
  }

  /**
   * A liveness probe, rate-limited by the caller: connects when the device is not up (unless refusing), otherwise an
   * Echo. It has its own short deadline (probeTimeoutMs, queue wait included); a probe that fails or times out
   * takes the device down at once. Resolves whether the device answered; never rejects. Concurrent calls share one.
   */
  probe(): Promise<boolean> {
    this.probing ??= this.probeNow().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  private async probeNow(): Promise<boolean> {
    if (this._closed) return false;
    if (this._state !== 'up') {
      if (this.refusing) return false;
      return this.connect({ timeoutMs: this.probeTimeoutMs }).then(
        () => true,
        () => false,
      );
    }
    try {
      await this.send(Echo, Uint8Array.of(0xff), { timeoutMs: this.probeTimeoutMs });
      return true;
    } catch (err) {
      // a probe that ran out of time waiting behind commands that keep finishing shows a busy device, not a down one
      // (a real YubiHSM2 with more requests queued than the probe's deadline covers): no answer from the device for
      // the probe's whole deadline is what takes it down
      if (err instanceof YubiHsmTransportError && err.reason === 'timeout' && this._state === 'up' && this.busyForMs < this.probeTimeoutMs) return true;
      // queued behind a command that does not finish, or no answer: the device is not serving
      if (err instanceof YubiHsmTransportError || err instanceof YubiHsmSessionError) this.markDown(err);
      return false;
    }
  }

  /** Connects now (status + DeviceInfo) through the queue; resolves with the description or throws. */
  async connect(opts: CallOptions = {}): Promise<DeviceDescription> {
    if (this._closed) throw new YubiHsmPoolError('closed', 'pool is closed');
    const deadline = performance.now() + (opts.timeoutMs ?? this.commandTimeoutMs);
    return this.withDeadline(
      this.slots.run(() => this.connectOnce(deadline)),
      deadline,
    );
  }

  /** Runs one command on a pooled session. */
  async send<Req, Res, DReq, DRes>(spec: CommandSpec<Req, Res, DReq, DRes>, request: Req, opts: CallOptions = {}): Promise<DRes> {
    if (this._closed) throw new YubiHsmPoolError('closed', 'pool is closed');
    if (this.refusing) throw new YubiHsmPoolError('device_down', `device ${this.name} is down; next retry in ${this.retryInMs} ms`);
    // down but due: this call probes the device itself. Calls admitted less than onDemandProbeMs ago hold the next
    // ones back (scheduled probes do not, so a Retry-After derived from them stays true)
    const onDemand = this._state === 'down';
    this.lastAttemptAt = performance.now();
    const deadline = performance.now() + (opts.timeoutMs ?? this.commandTimeoutMs);
    const ctl = new AbortController();
    const onOuterAbort = (): void => ctl.abort();
    opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
    let running = false;
    const queuedAt = performance.now();
    let queueMs = 0;
    const task = (): Promise<DRes> => {
      running = true;
      queueMs = performance.now() - queuedAt;
      return this.execute(spec, request, deadline, ctl.signal, onDemand, queueMs);
    };
    // a reset reboots the device under every session: it runs alone
    const work = spec.code === CommandCode.resetDevice ? this.slots.runExclusive(task) : this.slots.run(task);
    try {
      // At the deadline a queued call fails at once; a running call is aborted and fails through its own error
      // handling (so the pool's state already reflects the failure when the caller sees it).
      return await this.withDeadline(work, deadline, ' (queued)', () => {
        if (running) ctl.abort();
        return running;
      });
    } finally {
      opts.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  /** Factory reset; the device reboots, so a dropped connection afterwards counts as success. Sessions are dropped. */
  override async resetDevice(opts?: CallOptions): Promise<void> {
    try {
      await this.send(ResetDevice, undefined, opts);
    } catch (err) {
      if (!(err instanceof YubiHsmTransportError && err.reason === 'unavailable')) throw err;
    }
  }

  /** Closes every session (CloseSession, best effort) and stops timers. */
  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    const open = this.sessions;
    this.sessions = [];
    await this.slots
      .runExclusive(async () => {
        for (const s of open) {
          if (this._state === 'up') await s.close({ timeoutMs: Math.min(1000, this.commandTimeoutMs) });
          else s.abandon();
          this.emit({ type: 'session_closed', device: this.name, sessionId: s.id, reason: 'pool_closed' });
        }
      })
      .catch(() => undefined);
  }

  // ---- internals ---------------------------------------------------------------------------------------------------

  private emit(e: YubiHsmEvent): void {
    try {
      this.o.onEvent?.(e);
    } catch {
      // a listener must never break the driver
    }
  }

  /**
   * Settles with `work`, or rejects with a timeout at the deadline unless `onDeadline` handles it (returns true: the
   * work was aborted and will fail by itself).
   */
  private withDeadline<T>(work: Promise<T>, deadline: number, where = '', onDeadline?: () => boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          if (!onDeadline?.()) reject(new YubiHsmTransportError('timeout', `no answer from ${this.name} before the deadline${where}`));
        },
        Math.max(0, deadline - performance.now()),
      );
      work.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  private remaining(deadline: number): number {
    const left = Math.floor(deadline - performance.now());
    if (left <= 0) throw new YubiHsmTransportError('timeout', `deadline passed before ${this.name} could run the command`);
    return left;
  }

  private async connectNow(deadline: number): Promise<DeviceDescription> {
    try {
      const status = await this.client.status({ timeoutMs: this.remaining(deadline) });
      if (!status.ok) throw new YubiHsmTransportError('unavailable', `connector reports status=${status.status || 'unknown'}`);
      const description = await this.client.describe({ timeoutMs: this.remaining(deadline) });
      if (this._description && this._description.serial !== description.serial) {
        // another device behind the same connector: old sessions are meaningless
        this.dropAllSessions('device_changed');
      }
      this._description = description;
      if (description.simulated && this.o.allowSimulated === false) {
        throw new YubiHsmPoolError(
          'simulated_not_allowed',
          `device ${this.name} (serial ${description.serial}) is the openKMS SIMULATOR and simulated devices are not allowed`,
        );
      }
      this.identityChecked = true;
      const wasUp = this._state === 'up';
      this._state = 'up';
      this._lastError = undefined;
      this.backoff.reset();
      if (this.probeTimer) clearTimeout(this.probeTimer);
      this.probeTimer = undefined;
      if (!wasUp) this.emit({ type: 'device_up', device: this.name, serial: description.serial, simulated: description.simulated });
      return description;
    } catch (err) {
      this.markDown(err);
      throw err;
    }
  }

  /** One connection attempt at a time: concurrent callers share the one in progress. */
  private connectOnce(deadline: number): Promise<DeviceDescription> {
    this.connecting ??= this.connectNow(deadline).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private markDown(err: unknown): void {
    const previous = this._lastError;
    this._lastError = describeError(err);
    this.dropAllSessions('device_down');
    if (this._state !== 'down' || previous !== this._lastError) {
      // on the way down, and again when the reason changes (e.g. the connector came back, but with the simulator)
      this._state = 'down';
      this.emit({ type: 'device_down', device: this.name, reason: this._lastError });
    }
    if (this._closed || this.probeTimer) return;
    const delay = this.backoff.next();
    this.nextProbeAt = performance.now() + delay;
    this.emit({ type: 'reconnect', device: this.name, attempt: this.backoff.attempt, delayMs: delay });
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      if (this._closed || this._state === 'up') return;
      this.connect().catch(() => undefined);
    }, delay);
    this.probeTimer.unref();
  }

  private dropSession(s: YubiHsmSession, reason: string): void {
    s.abandon();
    const before = this.sessions.length;
    this.sessions = this.sessions.filter((x) => x !== s);
    if (this.sessions.length !== before) this.emit({ type: 'session_closed', device: this.name, sessionId: s.id, reason });
  }

  private dropAllSessions(reason: string): void {
    // Whatever took every session (device down, forgotten sessions, reset, another device) may have swapped the
    // device behind the connector: check its identity again before the next session is opened.
    this.identityChecked = false;
    for (const s of [...this.sessions]) this.dropSession(s, reason);
  }

  /** Opens a session; `lease`: the caller takes it at once (no other call can pick it in between). */
  private async openSession(deadline: number, lease = false): Promise<YubiHsmSession> {
    if (!this.identityChecked) await this.connectOnce(deadline);
    const s = await YubiHsmSession.open({
      transport: this.transport,
      authKeyId: this.o.authKeyId,
      authKey: this.o.authKey,
      timeoutMs: this.remaining(deadline),
      maxFrameSize: this.maxFrameSize,
      ...(this.o.randomBytes ? { randomBytes: this.o.randomBytes } : {}),
      ...(this.o.now ? { now: this.o.now } : {}),
      ...(this.o.idleTimeoutMs !== undefined ? { idleTimeoutMs: this.o.idleTimeoutMs } : {}),
      ...(this.o.expiryMarginMs !== undefined ? { expiryMarginMs: this.o.expiryMarginMs } : {}),
    });
    this.sessions.push(s);
    if (lease) this.leased.add(s);
    this.emit({ type: 'session_created', device: this.name, sessionId: s.id });
    return s;
  }

  /**
   * Leases the least recently used open session that no other call holds, or opens one; `fresh` forces a new session.
   * The caller releases it with `this.leased.delete(session)`.
   */
  private async acquireSession(deadline: number, fresh: boolean): Promise<YubiHsmSession> {
    for (const s of [...this.sessions]) {
      if (this.leased.has(s)) continue;
      if (s.closed) this.dropSession(s, 'closed');
      else if (s.isExpired()) this.dropSession(s, 'expired');
    }
    if (!fresh) {
      const ready = this.sessions.filter((s) => s.usable && !this.leased.has(s)).sort((a, b) => a.lastUsedAt - b.lastUsedAt)[0];
      if (ready) {
        this.leased.add(ready);
        return ready;
      }
    }
    while (this.sessions.length + this.opening >= this.size) {
      // at most size - 1 other calls hold a session, so one is free to evict
      const oldest = this.sessions.filter((s) => !this.leased.has(s)).sort((a, b) => a.lastUsedAt - b.lastUsedAt)[0];
      if (!oldest) break;
      this.leased.add(oldest);
      try {
        await oldest.close({ timeoutMs: Math.min(1000, this.remaining(deadline)) });
      } finally {
        this.leased.delete(oldest);
      }
      this.dropSession(oldest, 'evicted');
    }
    this.opening++;
    try {
      return await this.openSession(deadline, true);
    } finally {
      this.opening--;
    }
  }

  private async execute<Req, Res, DReq, DRes>(
    spec: CommandSpec<Req, Res, DReq, DRes>,
    request: Req,
    deadline: number,
    signal?: AbortSignal,
    onDemand = false,
    queueMs = 0,
  ): Promise<DRes> {
    if (this._closed) throw new YubiHsmPoolError('closed', 'pool is closed');
    this.remaining(deadline);
    if (this._state !== 'up') {
      if (!onDemand && this.refusing) throw new YubiHsmPoolError('device_down', `device ${this.name} is down`);
      await this.connectOnce(deadline);
    }
    const payloadLength = spec.encodeRequest(request).length;
    if (sessionFrameLength(payloadLength) > this.maxFrameSize) {
      // the device would refuse it (and a connector may drop it): a caller error, not a device failure
      throw new YubiHsmProtocolError(
        'frame_too_large',
        `${spec.name} payload of ${payloadLength} bytes does not fit ${this.name}'s ${this.maxFrameSize}-byte frame`,
      );
    }
    let retried = false;
    for (;;) {
      let session: YubiHsmSession | undefined;
      const started = performance.now();
      const budgetAtStart = deadline - started;
      try {
        session = await this.acquireSession(deadline, retried);
        const result = await session.send(spec, request, { timeoutMs: this.remaining(deadline), ...(signal ? { signal } : {}) });
        if (spec.code === CommandCode.resetDevice) this.dropAllSessions('device_reset');
        this.emit({ type: 'command', device: this.name, command: spec.name, durationMs: performance.now() - started, queueMs, ok: true });
        return result;
      } catch (caught) {
        const err =
          caught instanceof YubiHsmTransportError && caught.reason === 'aborted' && performance.now() >= deadline - 2
            ? new YubiHsmTransportError('timeout', `no answer from ${this.name} before the deadline`, { cause: caught })
            : caught;
        this.emit({
          type: 'command',
          device: this.name,
          command: spec.name,
          durationMs: performance.now() - started,
          queueMs,
          ok: false,
          error: describeError(err),
        });
        if (err instanceof YubiHsmDeviceError && !err.outer) throw err; // inner error: the session is fine
        if (spec.code === CommandCode.resetDevice && err instanceof YubiHsmTransportError && err.reason === 'unavailable') {
          this.dropAllSessions('device_reset'); // the device rebooted under the connector
          throw err;
        }
        if (err instanceof YubiHsmSessionError) {
          if (session) this.dropSession(session, err.reason);
          // the device forgot sessions (idle, reboot, reset): the others are most likely gone too
          if (err.reason === 'invalid_session' || err.reason === 'expired') this.dropAllSessions(err.reason);
          const retryable = err.reason !== 'card_cryptogram_mismatch' && err.reason !== 'handshake_failed' && (err.notExecuted || spec.idempotent);
          if (!retried && retryable) {
            retried = true;
            continue;
          }
          throw err;
        }
        if (session) this.dropSession(session, err instanceof YubiHsmTransportError ? err.reason : 'error');
        if (err instanceof YubiHsmTransportError) {
          // A timeout only counts against the device when the call had a fair share of its budget left.
          const fair = budgetAtStart >= this.commandTimeoutMs / 2;
          if (err.reason === 'unavailable' || err.reason === 'bad_response' || (err.reason === 'timeout' && fair)) this.markDown(err);
        }
        throw err;
      } finally {
        if (session) this.leased.delete(session);
      }
    }
  }

  /** Keepalive Echo on idle sessions and pre-warming up to `size`, only while the device is idle. */
  private async maintain(): Promise<void> {
    if (this._closed || this._state !== 'up' || this.maintenanceRunning || this.slots.depth > 0) return;
    this.maintenanceRunning = true;
    try {
      const now = this.o.now ? this.o.now() : Date.now();
      const idle = this.sessions.find((s) => !s.closed && !this.leased.has(s) && !s.isExpired(now) && s.idleMs(now) >= this.keepaliveMs);
      const deadline = performance.now() + this.commandTimeoutMs;
      if (idle) {
        await this.slots.run(async () => {
          if (this.leased.has(idle) || idle.closed) return;
          this.leased.add(idle);
          const started = performance.now();
          try {
            await idle.send(Echo, Uint8Array.of(0xff), { timeoutMs: this.remaining(deadline) });
            this.emit({ type: 'command', device: this.name, command: 'echo', durationMs: performance.now() - started, ok: true });
          } catch (err) {
            this.emit({ type: 'command', device: this.name, command: 'echo', durationMs: performance.now() - started, ok: false, error: describeError(err) });
            this.dropSession(idle, 'keepalive_failed');
            if (err instanceof YubiHsmTransportError) this.markDown(err);
          } finally {
            this.leased.delete(idle);
          }
        });
      } else if (this.sessions.filter((s) => !s.closed).length < this.size) {
        await this.slots.run(async () => {
          if (this._closed || this._state !== 'up' || this.sessions.length + this.opening >= this.size) return;
          try {
            await this.openSession(deadline);
          } catch (err) {
            if (err instanceof YubiHsmTransportError) this.markDown(err);
          }
        });
      }
    } catch {
      // maintenance never throws
    } finally {
      this.maintenanceRunning = false;
    }
  }
}

/** A short, secret-free error label for events and health details. */
export function describeError(err: unknown): string {
  if (err instanceof YubiHsmDeviceError) return err.codeName;
  if (err instanceof YubiHsmSessionError) return `session_${err.reason}`;
  if (err instanceof YubiHsmTransportError) return err.reason;
  if (err instanceof YubiHsmProtocolError) return `protocol_${err.reason}`;
  if (err instanceof YubiHsmPoolError) return err.reason;
  return 'internal_error';
}
