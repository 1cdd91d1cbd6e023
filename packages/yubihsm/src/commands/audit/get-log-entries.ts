import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { decodeLogEntry, encodeLogEntry, LOG_ENTRY_LENGTH, type LogEntry } from '../../protocol/log-entry.js';
import { EMPTY, expectEmpty, type CommandSpec } from '../command-spec.js';

export interface LogEntries {
  readonly unloggedBootEvents: number;
  readonly unloggedAuthEvents: number;
  readonly entries: readonly LogEntry[];
}

/** GetLogEntries (0x4d): unloggedBoot(2) ‖ unloggedAuth(2) ‖ n(1) ‖ n × 32-byte entries. Needs get-log-entries. */
export const GetLogEntries: CommandSpec<void, LogEntries> = {
  code: CommandCode.getLogEntries,
  name: 'getLogEntries',
  idempotent: true,
  encodeRequest: () => EMPTY,
  decodeRequest: (p) => expectEmpty(p, 'getLogEntries request'),
  encodeResponse: (res) => {
    const w = new ByteWriter().u16(res.unloggedBootEvents).u16(res.unloggedAuthEvents).u8(res.entries.length);
    for (const e of res.entries) w.bytes(encodeLogEntry(e));
    return w.finish();
  },
  decodeResponse: (p) => {
    const r = new ByteReader(p, 'getLogEntries response');
    const unloggedBootEvents = r.u16();
    const unloggedAuthEvents = r.u16();
    const n = r.u8();
    if (r.remaining !== n * LOG_ENTRY_LENGTH) throw new YubiHsmProtocolError('malformed_frame', 'getLogEntries response length does not match its entry count');
    const entries: LogEntry[] = [];
    for (let i = 0; i < n; i++) entries.push(decodeLogEntry(r.bytes(LOG_ENTRY_LENGTH)));
    return { unloggedBootEvents, unloggedAuthEvents, entries };
  },
};
