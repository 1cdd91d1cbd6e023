import { concatBytes } from '@openkms/core';
import { CommandCode } from './command-code.js';
import { YubiHsmDeviceError, YubiHsmProtocolError } from './errors.js';
import { decodeFrame, encodeFrame, errorFrameCode } from './frame.js';
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesCmac,
  cardCryptogram,
  constantTimeEqual,
  CRYPTOGRAM_LENGTH,
  hostCryptogram,
  isoPad,
  isoUnpad,
  MAC_LENGTH,
  sessionIv,
  type SessionKeys,
} from './scp03.js';

export type SecureChannelState = 'created' | 'authenticated' | 'closed';

export interface SecureChannelInit {
  /** Session id 0–15 as given by CreateSession. */
  readonly sessionId: number;
  readonly keys: SessionKeys;
  readonly hostChallenge: Uint8Array;
  readonly cardChallenge: Uint8Array;
}

const COUNTER_LIMIT = 1n << 128n;

/**
 * The SCP03 session state both ends keep: session keys, the 16-byte MAC chaining value and the message counter.
 * Usable from either side:
 * - host:   `authenticateRequest()`, then per command `wrapCommand(inner)` → device → `unwrapResponse(frame)`;
 * - device: `verifyAuthenticateRequest(frame)`, then per command `unwrapCommand(frame)` → run → `wrapResponse(inner)`.
 * Any MAC, id or padding failure moves the channel to `closed` (a broken chain cannot be recovered).
 */
export class SecureChannel {
  readonly sessionId: number;
  readonly keys: SessionKeys;
  readonly hostChallenge: Uint8Array;
  readonly cardChallenge: Uint8Array;
  private chain: Uint8Array = new Uint8Array(16);
  private counter = 1n;
  private _state: SecureChannelState = 'created';
  /** Host side: set between wrapCommand and unwrapResponse. Device side: between unwrapCommand and wrapResponse. */
  private inFlight = false;

  constructor(init: SecureChannelInit) {
    if (!Number.isInteger(init.sessionId) || init.sessionId < 0 || init.sessionId > 0xff) {
      throw new YubiHsmProtocolError('invalid_argument', 'session id out of range');
    }
    this.sessionId = init.sessionId;
    this.keys = init.keys;
    this.hostChallenge = init.hostChallenge.slice();
    this.cardChallenge = init.cardChallenge.slice();
  }

  /**
   * A channel that is authenticated from the start: the asymmetric (SCP11-style) session, whose first MAC chaining
   * value is the receipt and whose counter starts at 1 (no AuthenticateSession).
   */
  static authenticated(sessionId: number, keys: SessionKeys, macChain: Uint8Array): SecureChannel {
    if (macChain.length !== 16) throw new YubiHsmProtocolError('invalid_argument', 'MAC chain must be 16 bytes');
    const channel = new SecureChannel({ sessionId, keys, hostChallenge: new Uint8Array(0), cardChallenge: new Uint8Array(0) });
    channel.chain = macChain.slice();
    channel._state = 'authenticated';
    return channel;
  }

  get state(): SecureChannelState {
    return this._state;
  }

  /** Current message counter (starts at 1 after AuthenticateSession). */
  get messageCounter(): bigint {
    return this.counter;
  }

  /** Current 16-byte MAC chaining value (a copy). */
  get macChain(): Uint8Array {
    return this.chain.slice();
  }

  /** The card cryptogram expected from the device for these keys and challenges. */
  expectedCardCryptogram(): Uint8Array {
    return cardCryptogram(this.keys, this.hostChallenge, this.cardChallenge);
  }

  /** Host side: checks the card cryptogram from CreateSession (constant time). */
  verifyCardCryptogram(received: Uint8Array): boolean {
    return constantTimeEqual(this.expectedCardCryptogram(), received);
  }

  /** Marks the channel unusable. */
  close(): void {
    this._state = 'closed';
    this.inFlight = false;
  }

  // ---- AuthenticateSession -------------------------------------------------------------------------------------

  /** Host side: the full AuthenticateSession frame `04 0011 sid hostCryptogram cmac8`; sets the MAC chain. */
  authenticateRequest(): Uint8Array {
    this.requireState('created');
    const crypto = hostCryptogram(this.keys, this.hostChallenge, this.cardChallenge);
    const body = new Uint8Array(1 + CRYPTOGRAM_LENGTH);
    body[0] = this.sessionId;
    body.set(crypto, 1);
    const frame = this.macFrame(CommandCode.authenticateSession, body, this.keys.sMac);
    this._state = 'authenticated';
    this.counter = 1n;
    return frame;
  }

  /**
   * Device side: checks an AuthenticateSession frame (host cryptogram and C-MAC). On success the chain is set and
   * the channel is authenticated; on failure it throws YubiHsmProtocolError (`bad_cryptogram` / `bad_mac`).
   */
  verifyAuthenticateRequest(frameBytes: Uint8Array): void {
    this.requireState('created');
    const frame = decodeFrame(frameBytes);
    if (frame.cmd !== CommandCode.authenticateSession || frame.payload.length !== 1 + CRYPTOGRAM_LENGTH + MAC_LENGTH) {
      throw new YubiHsmProtocolError('malformed_frame', 'not an AuthenticateSession frame');
    }
    if (frame.payload[0] !== this.sessionId) throw new YubiHsmProtocolError('session_mismatch', 'session id mismatch');
    const crypto = frame.payload.subarray(1, 1 + CRYPTOGRAM_LENGTH);
    if (!constantTimeEqual(crypto, hostCryptogram(this.keys, this.hostChallenge, this.cardChallenge))) {
      this.close();
      throw new YubiHsmProtocolError('bad_cryptogram', 'host cryptogram mismatch');
    }
    const full = aesCmac(this.keys.sMac, concatBytes(this.chain, frameBytes.subarray(0, frameBytes.length - MAC_LENGTH)));
    if (!constantTimeEqual(full.subarray(0, MAC_LENGTH), frameBytes.subarray(frameBytes.length - MAC_LENGTH))) {
      this.close();
      throw new YubiHsmProtocolError('bad_mac', 'AuthenticateSession C-MAC mismatch');
    }
    this.chain = full;
    this.counter = 1n;
    this._state = 'authenticated';
  }

  // ---- host side -----------------------------------------------------------------------------------------------

  /** Host side: encrypts and MACs an inner command frame into a SessionMessage frame; advances the MAC chain. */
  wrapCommand(inner: Uint8Array): Uint8Array {
    this.requireState('authenticated');
    if (this.inFlight) throw new YubiHsmProtocolError('invalid_argument', 'a command is already in flight on this channel');
    const ct = aesCbcEncrypt(this.keys.sEnc, sessionIv(this.keys.sEnc, this.counter), isoPad(inner));
    const frame = this.macFrame(CommandCode.sessionMessage, concatBytes(Uint8Array.of(this.sessionId), ct), this.keys.sMac);
    this.inFlight = true;
    return frame;
  }

  /**
   * Host side: verifies the R-MAC of a SessionMessage response, decrypts it and returns the inner response frame
   * (which may be an inner `7f` error frame). A plain `7f 0001 code` frame (session-level failure) throws
   * YubiHsmDeviceError with `outer: true`. Any failure closes the channel.
   */
  unwrapResponse(frameBytes: Uint8Array): Uint8Array {
    this.requireState('authenticated');
    if (!this.inFlight) throw new YubiHsmProtocolError('invalid_argument', 'no command in flight on this channel');
    this.inFlight = false;
    try {
      const frame = decodeFrame(frameBytes);
      const outerErr = errorFrameCode(frame);
      if (outerErr !== undefined) throw new YubiHsmDeviceError(outerErr, { command: 'sessionMessage', outer: true });
      const inner = this.openEnvelope(frame.cmd, CommandCode.sessionMessage | 0x80, frameBytes, this.keys.sRmac, false);
      this.advanceCounter();
      return inner;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  // ---- device side ---------------------------------------------------------------------------------------------

  /**
   * Device side: verifies the C-MAC of a SessionMessage frame, advances the chain, decrypts and returns the inner
   * command frame. Throws YubiHsmProtocolError (`bad_mac`, `session_mismatch`, `malformed_frame`, `bad_padding`).
   * A bad MAC closes the channel.
   */
  unwrapCommand(frameBytes: Uint8Array): Uint8Array {
    this.requireState('authenticated');
    const frame = decodeFrame(frameBytes);
    const inner = this.openEnvelope(frame.cmd, CommandCode.sessionMessage, frameBytes, this.keys.sMac, true);
    this.inFlight = true;
    return inner;
  }

  /** Device side: encrypts an inner response frame with the request's IV and adds the R-MAC; then counter += 1. */
  wrapResponse(inner: Uint8Array): Uint8Array {
    this.requireState('authenticated');
    const ct = aesCbcEncrypt(this.keys.sEnc, sessionIv(this.keys.sEnc, this.counter), isoPad(inner));
    const body = concatBytes(Uint8Array.of(this.sessionId), ct);
    const header = encodeFrame(CommandCode.sessionMessage | 0x80, new Uint8Array(body.length + MAC_LENGTH)).subarray(0, 3);
    const full = aesCmac(this.keys.sRmac, concatBytes(this.chain, header, body));
    this.inFlight = false;
    this.advanceCounter();
    return concatBytes(header, body, full.subarray(0, MAC_LENGTH));
  }

  // ---- internals -----------------------------------------------------------------------------------------------

  /** `cmd ‖ len ‖ body ‖ mac8` with mac = CMAC(key, chain ‖ cmd ‖ len ‖ body); chain := full MAC. */
  private macFrame(cmd: number, body: Uint8Array, key: Uint8Array): Uint8Array {
    const frame = encodeFrame(cmd, concatBytes(body, new Uint8Array(MAC_LENGTH)));
    const macInput = frame.subarray(0, frame.length - MAC_LENGTH);
    const full = aesCmac(key, concatBytes(this.chain, macInput));
    frame.set(full.subarray(0, MAC_LENGTH), frame.length - MAC_LENGTH);
    this.chain = full;
    return frame;
  }

  private openEnvelope(cmd: number, expectedCmd: number, frameBytes: Uint8Array, macKey: Uint8Array, updateChain: boolean): Uint8Array {
    if (cmd !== expectedCmd) throw new YubiHsmProtocolError('unexpected_response', `expected frame 0x${expectedCmd.toString(16)}, got 0x${cmd.toString(16)}`);
    const minLength = 3 + 1 + 16 + MAC_LENGTH;
    if (frameBytes.length < minLength || (frameBytes.length - minLength) % 16 !== 0) {
      throw new YubiHsmProtocolError('malformed_frame', 'session message has a bad length');
    }
    if (frameBytes[3] !== this.sessionId) throw new YubiHsmProtocolError('session_mismatch', 'session id mismatch');
    const macInput = frameBytes.subarray(0, frameBytes.length - MAC_LENGTH);
    const full = aesCmac(macKey, concatBytes(this.chain, macInput));
    if (!constantTimeEqual(full.subarray(0, MAC_LENGTH), frameBytes.subarray(frameBytes.length - MAC_LENGTH))) {
      this.close();
      throw new YubiHsmProtocolError('bad_mac', updateChain ? 'C-MAC mismatch' : 'R-MAC mismatch');
    }
    if (updateChain) this.chain = full;
    const ct = frameBytes.subarray(4, frameBytes.length - MAC_LENGTH);
    return isoUnpad(aesCbcDecrypt(this.keys.sEnc, sessionIv(this.keys.sEnc, this.counter), ct));
  }

  private advanceCounter(): void {
    this.counter += 1n;
    if (this.counter >= COUNTER_LIMIT) {
      this.close();
      throw new YubiHsmProtocolError('counter_exhausted', 'session message counter exhausted');
    }
  }

  private requireState(state: SecureChannelState): void {
    if (this._state !== state) {
      throw new YubiHsmProtocolError(this._state === 'closed' ? 'session_closed' : 'invalid_argument', `secure channel is ${this._state}, expected ${state}`);
    }
  }
}
