import { algorithmCode, type AlgorithmName } from '../../protocol/algorithm.js';
import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface DecryptOaepRequest {
  readonly id: number;
  /** MGF1 hash: mgf1-sha1, mgf1-sha256, mgf1-sha384 or mgf1-sha512. */
  readonly mgf1: AlgorithmName | number;
  /** RSAES-OAEP ciphertext (modulus length). */
  readonly ciphertext: Uint8Array;
  /** The hash of the OAEP label (its length names the OAEP hash; the hash of "" for no label). */
  readonly labelHash: Uint8Array;
}

/**
 * DecryptOaep (0x59): id(2) ‖ mgf1Alg(1) ‖ ciphertext ‖ labelHash → plaintext. Needs decrypt-oaep. Decoding the
 * request needs the modulus length, so decodeRequest returns ciphertext and label hash joined in `ciphertext`.
 */
export const DecryptOaep: CommandSpec<DecryptOaepRequest, Uint8Array, { id: number; mgf1: number; ciphertext: Uint8Array; labelHash: Uint8Array }> = {
  code: CommandCode.decryptOaep,
  name: 'decryptOaep',
  idempotent: true,
  encodeRequest: ({ id, mgf1, ciphertext, labelHash }) =>
    new ByteWriter().u16(checkObjectId(id)).u8(algorithmCode(mgf1)).bytes(ciphertext).bytes(labelHash).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'decryptOaep request');
    return { id: r.u16(), mgf1: r.u8(), ciphertext: r.rest(), labelHash: new Uint8Array(0) };
  },
  encodeResponse: (plain) => plain.slice(),
  decodeResponse: (p) => p.slice(),
};
