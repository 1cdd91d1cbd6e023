import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode, type CommandName } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface AesEcbRequest {
  readonly id: number;
  /** A multiple of 16 bytes (no padding: the device has none). */
  readonly data: Uint8Array;
}

export interface AesCbcRequest extends AesEcbRequest {
  readonly iv: Uint8Array;
}

function ecb(code: number, name: CommandName): CommandSpec<AesEcbRequest, Uint8Array> {
  return {
    code,
    name,
    idempotent: true,
    encodeRequest: ({ id, data }) => new ByteWriter().u16(checkObjectId(id)).bytes(data).finish(),
    decodeRequest: (p) => {
      const r = new ByteReader(p, `${name} request`);
      return { id: r.u16(), data: r.rest() };
    },
    encodeResponse: (out) => out.slice(),
    decodeResponse: (p) => p.slice(),
  };
}

function cbc(code: number, name: CommandName): CommandSpec<AesCbcRequest, Uint8Array> {
  return {
    code,
    name,
    idempotent: true,
    encodeRequest: ({ id, iv, data }) => {
      if (iv.length !== 16) throw new YubiHsmProtocolError('invalid_argument', 'the CBC IV must be 16 bytes');
      return new ByteWriter().u16(checkObjectId(id)).bytes(iv).bytes(data).finish();
    },
    decodeRequest: (p) => {
      const r = new ByteReader(p, `${name} request`);
      return { id: r.u16(), iv: r.bytes(16), data: r.rest() };
    },
    encodeResponse: (out) => out.slice(),
    decodeResponse: (p) => p.slice(),
  };
}

/** EncryptEcb (0x70): id(2) ‖ data → AES-ECB ciphertext. Needs encrypt-ecb. */
export const EncryptEcb = ecb(CommandCode.encryptEcb, 'encryptEcb');
/** DecryptEcb (0x6f): id(2) ‖ data → plaintext. Needs decrypt-ecb. */
export const DecryptEcb = ecb(CommandCode.decryptEcb, 'decryptEcb');
/** EncryptCbc (0x72): id(2) ‖ iv(16) ‖ data → AES-CBC ciphertext. Needs encrypt-cbc. */
export const EncryptCbc = cbc(CommandCode.encryptCbc, 'encryptCbc');
/** DecryptCbc (0x71): id(2) ‖ iv(16) ‖ data → plaintext. Needs decrypt-cbc. */
export const DecryptCbc = cbc(CommandCode.decryptCbc, 'decryptCbc');
