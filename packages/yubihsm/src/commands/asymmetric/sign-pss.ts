import { algorithmCode, type AlgorithmName } from '../../protocol/algorithm.js';
import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface SignPssRequest {
  readonly id: number;
  /** MGF1 hash: mgf1-sha1, mgf1-sha256, mgf1-sha384 or mgf1-sha512. */
  readonly mgf1: AlgorithmName | number;
  readonly saltLength: number;
  /** The message digest (its length names the hash). */
  readonly digest: Uint8Array;
}

/** SignPss (0x55): id(2) ‖ mgf1Alg(1) ‖ saltLen(2) ‖ digest → RSASSA-PSS signature. Needs sign-pss. */
export const SignPss: CommandSpec<SignPssRequest, Uint8Array, { id: number; mgf1: number; saltLength: number; digest: Uint8Array }> = {
  code: CommandCode.signPss,
  name: 'signPss',
  idempotent: true,
  encodeRequest: ({ id, mgf1, saltLength, digest }) => new ByteWriter().u16(checkObjectId(id)).u8(algorithmCode(mgf1)).u16(saltLength).bytes(digest).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'signPss request');
    return { id: r.u16(), mgf1: r.u8(), saltLength: r.u16(), digest: r.rest() };
  },
  encodeResponse: (sig) => sig.slice(),
  decodeResponse: (p) => p.slice(),
};
