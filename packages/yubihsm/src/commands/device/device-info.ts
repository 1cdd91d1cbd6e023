import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { SIMULATED_PART_NUMBER } from '../../protocol/limits.js';
import { EMPTY, expectEmpty, type CommandSpec } from '../command-spec.js';

export interface FirmwareVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** DeviceInfo page 0. */
export interface DeviceInfo {
  readonly version: FirmwareVersion;
  readonly serial: number;
  readonly logTotal: number;
  readonly logUsed: number;
  /** Algorithm ids the device supports. */
  readonly algorithms: readonly number[];
}

/** DeviceInfo (0x06) page 0: version, serial, log store and algorithms. Works in the clear. */
export const DeviceInfoCommand: CommandSpec<void, DeviceInfo> = {
  code: CommandCode.deviceInfo,
  name: 'deviceInfo',
  idempotent: true,
  encodeRequest: () => EMPTY,
  decodeRequest: (p) => expectEmpty(p, 'deviceInfo request'),
  encodeResponse: (info) => {
    const w = new ByteWriter().u8(info.version.major).u8(info.version.minor).u8(info.version.patch).u32(info.serial).u8(info.logTotal).u8(info.logUsed);
    for (const a of info.algorithms) w.u8(a);
    return w.finish();
  },
  decodeResponse: (p) => {
    const r = new ByteReader(p, 'deviceInfo response');
    const version = { major: r.u8(), minor: r.u8(), patch: r.u8() };
    const serial = r.u32();
    const logTotal = r.u8();
    const logUsed = r.u8();
    return { version, serial, logTotal, logUsed, algorithms: [...r.rest()] };
  },
};

/** DeviceInfo (0x06) page 1 (request payload `01`, fw ≥ 2.4): the part number as ASCII. */
export const DevicePartNumberCommand: CommandSpec<void, string> = {
  code: CommandCode.deviceInfo,
  name: 'deviceInfo',
  idempotent: true,
  encodeRequest: () => Uint8Array.of(1),
  decodeRequest: (p) => {
    if (p.length !== 1 || p[0] !== 1) throw new YubiHsmProtocolError('malformed_frame', 'deviceInfo page 1 request must be 01');
  },
  encodeResponse: (partNumber) => new TextEncoder().encode(partNumber),
  decodeResponse: (p) => {
    const nul = p.indexOf(0);
    return new TextDecoder().decode(nul === -1 ? p : p.subarray(0, nul));
  },
};

/** Which DeviceInfo page a request payload asks for (0 for empty, else the first byte). */
export function deviceInfoRequestPage(payload: Uint8Array): number {
  return payload.length === 0 ? 0 : payload[0]!;
}

/** True when the firmware has DeviceInfo page 1 (≥ 2.4.0). */
export function hasPartNumberPage(v: FirmwareVersion): boolean {
  return v.major > 2 || (v.major === 2 && v.minor >= 4);
}

export function isSimulatedPartNumber(partNumber: string | undefined): boolean {
  return partNumber === SIMULATED_PART_NUMBER;
}

export function formatFirmwareVersion(v: FirmwareVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}
