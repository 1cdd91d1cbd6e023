/**
 * createSimulator(): a software YubiHSM 2 behind one device-wide command queue, with an optional latency model,
 * fault injection and JSON persistence.
 */
import { randomBytes } from 'node:crypto';
import { openKmsError } from '@openkms/core';
import { SIMULATED_PART_NUMBER } from '@openkms/yubihsm';
import type { DeviceIdentity } from './command-context.js';
import { CommandQueue } from '@openkms/yubihsm';
import { DeviceState, type AuditOptions } from './device-state.js';
import { FaultInjector } from './fault-injector.js';
import { FrameTraffic, type FrameTrafficStats } from './frame-traffic.js';
import { resolveLatency, type LatencyModel, type LatencyOption } from './latency-model.js';
import { applyStateJson, readStateFile, serializeState, writeStateFileAtomic } from './state-file.js';
import { DeviceCore } from './yubihsm-device.js';

export type FirmwareVersion = readonly [major: number, minor: number, patch: number];

export interface SimulatorOptions {
  /** JSON state file; loaded when present, written after every state change and on close(). */
  statePath?: string;
  /** Device time per command. Default 'zero'. */
  latency?: LatencyOption;
  /** Device serial for a new device (a loaded state keeps its own unless this is given). Default 10000001. */
  serial?: number;
  /** Clock in ms (session expiry, log systick). Default Date.now. */
  now?: () => number;
  /** Random source (card challenges, key generation, GetPseudoRandom, wrap nonces). Default node:crypto. */
  random?: (n: number) => Uint8Array;
  /** Audit log behaviour. Default: every command except Echo is logged, force-audit off. */
  audit?: AuditOptions;
  /** Reported firmware version. Default [2, 4, 0]. */
  firmware?: FirmwareVersion;
  /** How latency and stall() wait. Default a real timer; tests inject a fake. */
  sleep?: (ms: number) => Promise<void>;
  /** Delay before log-only changes are flushed to the state file. Default 1000 ms. */
  logFlushDelayMs?: number;
}

export interface SimulatedYubiHsm {
  readonly serial: number;
  readonly firmware: FirmwareVersion;
  readonly faults: FaultInjector;
  readonly latency: LatencyModel;
  /** One raw command frame in, one raw response frame out. Rejects (backend_unavailable) while the device is gone. */
  handleFrame(request: Uint8Array): Promise<Uint8Array>;
  /** Commands queued or running. */
  readonly queueDepth: number;
  /** Frames seen, how many overlapped (overall and by session), and device time (tests, benchmarks). */
  traffic(): FrameTrafficStats;
  /**
   * The simulator's own attestation root (DER, self-signed, CN "openKMS YubiHSM2 simulator attestation root — NOT
   * Yubico"): the trust anchor for this device's attestation certificates in tests and demos. Never a Yubico root.
   */
  attestationRoot(): Uint8Array;
  /** Open sessions (for tests and diagnostics). */
  readonly sessionCount: number;
  /** Writes the state file now (no-op without statePath). */
  flush(): Promise<void>;
  /** Waits for queued commands, flushes state, releases hung commands. Further frames are refused. */
  close(): Promise<void>;
  readonly closed: boolean;
}

export const DEFAULT_SERIAL = 10000001;
export const DEFAULT_FIRMWARE: FirmwareVersion = [2, 4, 0];

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function checkFirmware(fw: FirmwareVersion): FirmwareVersion {
  if (fw.length !== 3 || fw.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) throw openKmsError('config_invalid', 'firmware must be three bytes');
  return [fw[0], fw[1], fw[2]];
}

export function createSimulator(options: SimulatorOptions = {}): SimulatedYubiHsm {
  const now = options.now ?? Date.now;
  const random = options.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const sleep = options.sleep ?? realSleep;
  const latency = resolveLatency(options.latency);
  const firmware = checkFirmware(options.firmware ?? DEFAULT_FIRMWARE);
  if (options.serial !== undefined && (!Number.isInteger(options.serial) || options.serial < 0 || options.serial > 0xffffffff)) {
    throw openKmsError('config_invalid', 'serial must be a 32-bit unsigned integer');
  }
  const statePath = options.statePath;
  const logFlushDelay = options.logFlushDelayMs ?? 1000;

  const state = new DeviceState(options.audit ?? {}, firmware);
  const saved = statePath ? readStateFile(statePath) : undefined;
  let serial = options.serial ?? DEFAULT_SERIAL;
  if (saved !== undefined && statePath) {
    const savedSerial = applyStateJson(statePath, saved, state);
    serial = options.serial ?? savedSerial;
  }
  const identity: DeviceIdentity = { serial, firmware, partNumber: SIMULATED_PART_NUMBER };
  const faults = new FaultInjector();
  const core = new DeviceCore({ state, identity, random, now, faults });
  if (saved === undefined) core.factoryReset();
  else core.boot();

  const queue = new CommandQueue(); // the device runs one command at a time across all sessions
  const traffic = new FrameTraffic();
  let closed = false;
  let flushTimer: NodeJS.Timeout | undefined;
  let dirty = false;

  const writeNow = (): void => {
    if (flushTimer) {
      clearTimeout(flushTimer);
      flushTimer = undefined;
    }
    if (!statePath) return;
    writeStateFileAtomic(statePath, serializeState(serial, state));
    dirty = false;
  };
  const scheduleFlush = (): void => {
    dirty = true;
    if (!statePath || flushTimer || closed) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      void queue
        .run(async () => {
          if (dirty && !closed) writeNow();
        })
        .catch(() => undefined);
    }, logFlushDelay);
    flushTimer.unref();
  };

  faults.attach({
    expireSessions: () => core.sessions.clear(),
    rebooted: () => {
      core.boot();
      scheduleFlush();
    },
  });

  // A fresh device (or a boot entry on a loaded one) is saved right away so the file exists from the start.
  if (statePath) writeNow();

  const handleFrame = (request: Uint8Array): Promise<Uint8Array> => {
    if (closed) return Promise.reject(openKmsError('shutting_down', 'simulator is closed'));
    const frame = Uint8Array.from(request);
    const answered = traffic.enter(frame);
    return queue
      .run(async () => {
        const started = performance.now();
        const delay = faults.takeDelay();
        if (delay?.kind === 'sleep') await sleep(delay.ms);
        else if (delay?.kind === 'hang') await faults.waitForRelease(delay.maxMs);
        if (closed) throw openKmsError('shutting_down', 'simulator is closed');
        if (!faults.present) throw openKmsError('backend_unavailable', 'simulated YubiHSM is unplugged');
        const outcome = core.process(frame);
        if (outcome.changed === 'state') writeNow();
        else if (outcome.changed === 'log') scheduleFlush();
        const cost = latency.costMs(outcome.cost);
        if (cost > 0) await sleep(cost);
        traffic.busy(performance.now() - started);
        return outcome.response;
      })
      .finally(answered);
  };

  return {
    serial,
    firmware,
    faults,
    latency,
    handleFrame,
    get queueDepth() {
      return queue.depth;
    },
    traffic: () => traffic.stats(),
    attestationRoot: () => state.attestation!.rootCertificate.slice(),
    get sessionCount() {
      core.sessions.expireIdle();
      return core.sessions.count;
    },
    async flush() {
      await queue.run(async () => writeNow());
    },
    async close() {
      if (closed) return;
      faults.release();
      await queue.run(async () => undefined); // let queued commands finish
      closed = true;
      faults.release();
      writeNow();
    },
    get closed() {
      return closed;
    },
  };
}
