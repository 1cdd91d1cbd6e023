import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';

/** Echo (0x01): the device returns the payload unchanged. Works in the clear and inside a session. */
export const Echo: CommandSpec<Uint8Array, Uint8Array> = {
  code: CommandCode.echo,
  name: 'echo',
  idempotent: true,
  encodeRequest: (data) => data.slice(),
  decodeRequest: (p) => p.slice(),
  encodeResponse: (data) => data.slice(),
  decodeResponse: (p) => p.slice(),
};
