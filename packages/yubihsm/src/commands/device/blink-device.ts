import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { EMPTY, expectEmpty, type CommandSpec } from '../command-spec.js';

/** BlinkDevice (0x6b): blink the LED for `seconds`. */
export const BlinkDevice: CommandSpec<{ readonly seconds: number }, void> = {
  code: CommandCode.blinkDevice,
  name: 'blinkDevice',
  idempotent: true,
  encodeRequest: ({ seconds }) => new ByteWriter().u8(seconds).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'blinkDevice request');
    const seconds = r.u8();
    r.end();
    return { seconds };
  },
  encodeResponse: () => EMPTY,
  decodeResponse: (p) => expectEmpty(p, 'blinkDevice response'),
};
