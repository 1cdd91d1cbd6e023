import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface DeriveEcdhRequest {
  readonly id: number;
  /** The peer's public key, uncompressed SEC1 (0x04 ‖ x ‖ y) on the key's curve. */
  readonly publicKey: Uint8Array;
}

/** DeriveEcdh (0x57): id(2) ‖ peer public key → the shared secret (the x coordinate). Needs derive-ecdh. */
export const DeriveEcdh: CommandSpec<DeriveEcdhRequest, Uint8Array> = {
  code: CommandCode.deriveEcdh,
  name: 'deriveEcdh',
  idempotent: true,
  encodeRequest: ({ id, publicKey }) => new ByteWriter().u16(checkObjectId(id)).bytes(publicKey).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'deriveEcdh request');
    return { id: r.u16(), publicKey: r.rest() };
  },
  encodeResponse: (secret) => secret.slice(),
  decodeResponse: (p) => p.slice(),
};
