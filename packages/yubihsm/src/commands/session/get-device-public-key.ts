import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { Algorithm } from '../../protocol/algorithm.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { EMPTY, expectEmpty, type CommandSpec } from '../command-spec.js';

/**
 * GetDevicePublicKey (0x0a, in the clear, firmware ≥ 2.3) → alg(1) = ecp256-yubico-authentication (49) ‖ x ‖ y:
 * the device's static key for asymmetric sessions. Decoded as the uncompressed point 04 ‖ x ‖ y.
 */
export const GetDevicePublicKey: CommandSpec<void, Uint8Array> = {
  code: CommandCode.getDevicePublicKey,
  name: 'getDevicePublicKey',
  idempotent: true,
  encodeRequest: () => EMPTY,
  decodeRequest: (p) => expectEmpty(p, 'getDevicePublicKey request'),
  encodeResponse: (point) => new ByteWriter().u8(Algorithm['ecp256-yubico-authentication']).bytes(point.subarray(1)).finish(),
  decodeResponse: (p) => {
    const r = new ByteReader(p, 'getDevicePublicKey response');
    const algorithm = r.u8();
    const xy = r.bytes(64);
    r.end();
    if (algorithm !== Algorithm['ecp256-yubico-authentication'])
      throw new YubiHsmProtocolError('malformed_frame', 'device public key is not ecp256-yubico-authentication');
    return Uint8Array.of(4, ...xy);
  },
};
