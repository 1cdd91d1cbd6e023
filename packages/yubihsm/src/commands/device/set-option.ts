import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { deviceOptionCode, type DeviceOptionName } from '../../protocol/device-option.js';
import { EMPTY, expectEmpty, type CommandSpec } from '../command-spec.js';

export interface SetOptionRequest {
  readonly option: DeviceOptionName | number;
  readonly value: Uint8Array;
}

/** SetOption (0x4f): option(1) ‖ len(2) ‖ value. Needs set-option. */
export const SetOption: CommandSpec<SetOptionRequest, void, { option: number; value: Uint8Array }> = {
  code: CommandCode.setOption,
  name: 'setOption',
  idempotent: true,
  encodeRequest: ({ option, value }) => new ByteWriter().u8(deviceOptionCode(option)).u16(value.length).bytes(value).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'setOption request');
    const option = r.u8();
    const value = r.bytes(r.u16());
    r.end();
    return { option, value };
  },
  encodeResponse: () => EMPTY,
  decodeResponse: (p) => expectEmpty(p, 'setOption response'),
};
