import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { EMPTY, expectEmpty, type CommandSpec } from '../command-spec.js';

/** SetLogIndex (0x67): marks log entries up to `index` as consumed. */
export const SetLogIndex: CommandSpec<{ readonly index: number }, void> = {
  code: CommandCode.setLogIndex,
  name: 'setLogIndex',
  idempotent: true,
  encodeRequest: ({ index }) => new ByteWriter().u16(index).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'setLogIndex request');
    const index = r.u16();
    r.end();
    return { index };
  },
  encodeResponse: () => EMPTY,
  decodeResponse: (p) => expectEmpty(p, 'setLogIndex response'),
};
