/**
 * Persistence of the simulated device (objects, sequence counters, audit log, options, serial) as JSON.
 * Key material is stored base64 in the clear: this is a simulator, not a vault. The file is written atomically
 * (temp file in the same directory, fsync, rename, fsync of the directory) with mode 0600. Sessions are never saved.
 */
import { readFileSync } from 'node:fs';
import { openKmsError } from '@openkms/core';
import { writeFileAtomicSync } from '@openkms/policy';
import type { AuditLogState, LogEntry } from './audit-log.js';
import type { DeviceState } from './device-state.js';
import type { DeviceObject } from './object-store.js';

export const STATE_FORMAT = 'openkms-yubihsm-sim/1';

interface ObjectJson {
  id: number;
  type: number;
  algorithm: number;
  label: string;
  domains: number;
  capabilities: string;
  delegated: string;
  origin: number;
  sequence: number;
  secret: string;
  seed?: string;
}

interface LogEntryJson {
  number: number;
  command: number;
  length: number;
  sessionKey: number;
  targetKey: number;
  secondKey: number;
  result: number;
  systick: number;
  digest: string;
}

export interface StateFileJson {
  format: typeof STATE_FORMAT;
  serial: number;
  objects: ObjectJson[];
  sequences: Array<[string, number]>;
  log: { entries: LogEntryJson[]; nextNumber: number; lastDigest: string; unloggedBoot: number; unloggedAuth: number };
  options: { forceAudit: number; commandAudit: Array<[number, number]> };
  /** Attestation key 0, its certificate and the simulator root (absent in files from before attestation). */
  attestation?: { key: string; certificate: string; root: string };
  /** The device's static key for asymmetric sessions (absent in files from before it). */
  deviceKey?: string;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function serializeState(serial: number, state: DeviceState): StateFileJson {
  const { objects, sequences } = state.objects.exportState();
  const log = state.log.exportState();
  return {
    format: STATE_FORMAT,
    serial,
    objects: objects.map((o) => ({
      id: o.id,
      type: o.type,
      algorithm: o.algorithm,
      label: b64(o.label),
      domains: o.domains,
      capabilities: o.capabilities.toString(16),
      delegated: o.delegated.toString(16),
      origin: o.origin,
      sequence: o.sequence,
      secret: b64(o.secret),
      ...(o.seed ? { seed: b64(o.seed) } : {}),
    })),
    sequences,
    log: {
      entries: log.entries.map((e) => ({ ...e, digest: hex(e.digest) })),
      nextNumber: log.nextNumber,
      lastDigest: hex(log.lastDigest),
      unloggedBoot: log.unloggedBoot,
      unloggedAuth: log.unloggedAuth,
    },
    options: { forceAudit: state.audit.forceAudit, commandAudit: [...state.audit.commandAudit.entries()] },
    ...(state.attestation
      ? {
          attestation: { key: b64(state.attestation.keySecret), certificate: b64(state.attestation.certificate), root: b64(state.attestation.rootCertificate) },
        }
      : {}),
    ...(state.deviceKey ? { deviceKey: b64(state.deviceKey) } : {}),
  };
}

function bad(path: string, what: string): never {
  throw openKmsError('config_invalid', `simulator state file is invalid: ${what}`, { path });
}

function int(path: string, v: unknown, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) bad(path, what);
  return v;
}

function bytesB64(path: string, v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) bad(path, what);
  return new Uint8Array(Buffer.from(v, 'base64'));
}

function bytesHex(path: string, v: unknown, len: number, what: string): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9a-f]*$/i.test(v) || v.length !== len * 2) bad(path, what);
  return new Uint8Array(Buffer.from(v, 'hex'));
}

function big(path: string, v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !/^[0-9a-f]{1,16}$/i.test(v)) bad(path, what);
  return BigInt(`0x${v}`);
}

/** Applies a parsed state file to `state`; returns the saved serial. Throws config_invalid on malformed input. */
export function applyStateJson(path: string, raw: unknown, state: DeviceState): number {
  if (typeof raw !== 'object' || raw === null) bad(path, 'not an object');
  const j = raw as Partial<StateFileJson>;
  if (j.format !== STATE_FORMAT) bad(path, 'unknown format');
  const serial = int(path, j.serial, 0xffffffff, 'serial');
  if (!Array.isArray(j.objects) || !Array.isArray(j.sequences) || typeof j.log !== 'object' || typeof j.options !== 'object') bad(path, 'missing sections');
  const objects: DeviceObject[] = j.objects.map((o: ObjectJson) => {
    const label = bytesB64(path, o.label, 'label');
    if (label.length !== 40) bad(path, 'label length');
    return {
      id: int(path, o.id, 0xfffe, 'object id'),
      type: int(path, o.type, 0xff, 'object type'),
      algorithm: int(path, o.algorithm, 0xff, 'algorithm'),
      label,
      domains: int(path, o.domains, 0xffff, 'domains'),
      capabilities: big(path, o.capabilities, 'capabilities'),
      delegated: big(path, o.delegated, 'delegated'),
      origin: int(path, o.origin, 0xff, 'origin'),
      sequence: int(path, o.sequence, 0xff, 'sequence'),
      secret: bytesB64(path, o.secret, 'secret'),
      ...(o.seed !== undefined ? { seed: bytesB64(path, o.seed, 'seed') } : {}),
    };
  });
  const sequences = j.sequences.map((p): [string, number] => {
    if (!Array.isArray(p) || typeof p[0] !== 'string') bad(path, 'sequence entry');
    return [p[0], int(path, p[1], 0xff, 'sequence')];
  });
  const l = j.log;
  if (!Array.isArray(l.entries)) bad(path, 'log entries');
  const entries: LogEntry[] = l.entries.map((e: LogEntryJson) => ({
    number: int(path, e.number, 0xffff, 'log number'),
    command: int(path, e.command, 0xff, 'log command'),
    length: int(path, e.length, 0xffff, 'log length'),
    sessionKey: int(path, e.sessionKey, 0xffff, 'log session key'),
    targetKey: int(path, e.targetKey, 0xffff, 'log target key'),
    secondKey: int(path, e.secondKey, 0xffff, 'log second key'),
    result: int(path, e.result, 0xff, 'log result'),
    systick: int(path, e.systick, 0xffffffff, 'log systick'),
    digest: bytesHex(path, e.digest, 16, 'log digest'),
  }));
  const logState: AuditLogState = {
    entries,
    nextNumber: int(path, l.nextNumber, 0xffff, 'log next number'),
    lastDigest: bytesHex(path, l.lastDigest, 16, 'log last digest'),
    unloggedBoot: int(path, l.unloggedBoot, 0xffff, 'unlogged boot'),
    unloggedAuth: int(path, l.unloggedAuth, 0xffff, 'unlogged auth'),
  };
  const opt = j.options;
  if (!Array.isArray(opt.commandAudit)) bad(path, 'command audit');
  const commandAudit = new Map<number, number>();
  for (const p of opt.commandAudit) {
    if (!Array.isArray(p)) bad(path, 'command audit entry');
    commandAudit.set(int(path, p[0], 0xff, 'command audit command'), int(path, p[1], 2, 'command audit value'));
  }
  state.objects.importState(objects, sequences);
  state.log.importState(logState);
  state.audit = { forceAudit: int(path, opt.forceAudit, 2, 'force audit'), commandAudit };
  if (j.attestation !== undefined) {
    const a = j.attestation;
    if (typeof a !== 'object' || a === null) bad(path, 'attestation');
    state.attestation = {
      keySecret: bytesB64(path, a.key, 'attestation key'),
      certificate: bytesB64(path, a.certificate, 'attestation certificate'),
      rootCertificate: bytesB64(path, a.root, 'attestation root'),
    };
    if (state.attestation.keySecret.length !== 32) bad(path, 'attestation key length');
  }
  if (j.deviceKey !== undefined) {
    state.deviceKey = bytesB64(path, j.deviceKey, 'device key');
    if (state.deviceKey.length !== 32) bad(path, 'device key length');
  }
  return serial;
}

/** Reads the state file; undefined when it does not exist. */
export function readStateFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw openKmsError('config_invalid', 'cannot read simulator state file', { path }, err);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw openKmsError('config_invalid', 'simulator state file is not JSON', { path }, err);
  }
}

/** Atomic write (0600) with the workspace's one atomic file writer (@openkms/policy writeFileAtomicSync). */
export function writeStateFileAtomic(path: string, json: StateFileJson): void {
  try {
    writeFileAtomicSync(path, `${JSON.stringify(json, null, 2)}\n`, 0o600);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'write failed';
    throw openKmsError('state_write_failed', `cannot write simulator state file ${path} (${reason})`, { path, reason }, err);
  }
}
