import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { deviceOptionCode, type DeviceOptionName } from '../../protocol/device-option.js';
import type { CommandSpec } from '../command-spec.js';

/** GetOption (0x50): the raw value of a device option. Needs get-option. */
export const GetOption: CommandSpec<{ readonly option: DeviceOptionName | number }, Uint8Array, { option: number }> = {
  code: CommandCode.getOption,
  name: 'getOption',
  idempotent: true,
  encodeRequest: ({ option }) => new ByteWriter().u8(deviceOptionCode(option)).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'getOption request');
    const option = r.u8();
    r.end();
    return { option };
  },
  encodeResponse: (value) => value.slice(),
  decodeResponse: (p) => p.slice(),
};
