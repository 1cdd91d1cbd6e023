import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { YubiHsmCommandMethods, type CallOptions } from '../client/command-methods.js';
import type { CommandSpec } from '../commands/command-spec.js';
import { ResetDevice } from '../commands/device/reset-device.js';
import { CloseSession } from '../commands/session/close-session.js';
import { CreateSession } from '../commands/session/create-session.js';
import { CreateSessionAsymmetric } from '../commands/session/create-session-asymmetric.js';
import { GetDevicePublicKey } from '../commands/session/get-device-public-key.js';
import { asymmetricReceipt, deriveAsymmetricSessionKeys, p256PrivateKey, p256PublicPoint, p256SharedSecret } from '../protocol/asymmetric-auth.js';
import { CommandCode } from '../protocol/command-code.js';
import { DeviceErrorCode } from '../protocol/device-error-code.js';
import { YubiHsmDeviceError, YubiHsmProtocolError } from '../protocol/errors.js';
import { encodeFrame, expectResponse, sessionFrameLength } from '../protocol/frame.js';
import { CHALLENGE_LENGTH, constantTimeEqual, deriveSessionKeys, type AuthKeyMaterial } from '../protocol/scp03.js';
import { SecureChannel } from '../protocol/secure-channel.js';
import { MAX_FRAME_SIZE, SESSION_IDLE_TIMEOUT_MS } from '../protocol/limits.js';
import type { Transport, TransportCallOptions } from '../transport/transport.js';
import { YubiHsmTransportError } from '../transport/transport-error.js';
import { YubiHsmSessionError } from './session-error.js';

export interface OpenSessionOptions {
  readonly transport: Transport;
  readonly authKeyId: number;
  readonly authKey: AuthKeyMaterial;
  /** Randomness for the host challenge (injectable for known-answer tests). Default node:crypto. */
  readonly randomBytes?: (n: number) => Uint8Array;
  /** Clock in ms. Default Date.now. */
  readonly now?: () => number;
  /** Device idle timeout. Default 30 000 ms. */
  readonly idleTimeoutMs?: number;
  /** Treat the session as expired this long before the device would. Default 1000 ms. */
  readonly expiryMarginMs?: number;
  /** Default timeout for each transport call. Default 5000 ms. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The device's frame limit: a command whose SessionMessage would be longer is refused before it is sent. Default 3136. */
  readonly maxFrameSize?: number;
}

/** An asymmetric (SCP11-style) session: the host's P-256 private key instead of a symmetric authentication key. */
export interface OpenAsymmetricSessionOptions extends Omit<OpenSessionOptions, 'authKey'> {
  /** The 32-byte P-256 private scalar whose public key is the ecp256-yubico-authentication key `authKeyId`. */
  readonly privateKey: Uint8Array;
  /** The device's public key (04 ‖ x ‖ y) if already known and trusted; otherwise it is read with GetDevicePublicKey. */
  readonly devicePublicKey?: Uint8Array;
}

/**
 * An authenticated SCP03 session with the device. `send(spec, request)` runs one command inside SessionMessage.
 * Inner device errors throw YubiHsmDeviceError (the session stays usable); session-level failures throw
 * YubiHsmSessionError and close the session; transport failures throw YubiHsmTransportError and close it too
 * (the MAC chain state is unknown).
 */
export class YubiHsmSession extends YubiHsmCommandMethods {
  readonly transport: Transport;
  readonly authKeyId: number;
  private readonly channel: SecureChannel;
  private readonly now: () => number;
  private readonly idleTimeoutMs: number;
  private readonly expiryMarginMs: number;
  private readonly timeoutMs: number;
  private readonly maxFrameSize: number;
  private lastUsed: number;
  readonly createdAt: number;
  private busy = false;
  private _closed = false;
  private _commands = 0;

  private constructor(o: Omit<OpenSessionOptions, 'authKey'>, channel: SecureChannel) {
    super();
    this.transport = o.transport;
    this.authKeyId = o.authKeyId;
    this.channel = channel;
    this.now = o.now ?? Date.now;
    this.idleTimeoutMs = o.idleTimeoutMs ?? SESSION_IDLE_TIMEOUT_MS;
    this.expiryMarginMs = o.expiryMarginMs ?? 1000;
    this.timeoutMs = o.timeoutMs ?? 5000;
    this.maxFrameSize = o.maxFrameSize ?? MAX_FRAME_SIZE;
    this.createdAt = this.now();
    this.lastUsed = this.createdAt;
  }

  /** CreateSession + card cryptogram check + AuthenticateSession, exactly as the device expects. */
  static async open(o: OpenSessionOptions): Promise<YubiHsmSession> {
    const random = o.randomBytes ?? ((n: number) => new Uint8Array(nodeRandomBytes(n)));
    const hostChallenge = random(CHALLENGE_LENGTH);
    const callOpts: TransportCallOptions = { timeoutMs: o.timeoutMs ?? 5000, ...(o.signal ? { signal: o.signal } : {}) };
    const createFrame = encodeFrame(CommandCode.createSession, CreateSession.encodeRequest({ authKeyId: o.authKeyId, hostChallenge }));
    const created = CreateSession.decodeResponse(expectResponse(CommandCode.createSession, await o.transport.send(createFrame, callOpts), { outer: true }));
    const channel = new SecureChannel({
      sessionId: created.sessionId,
      keys: deriveSessionKeys(o.authKey, hostChallenge, created.cardChallenge),
      hostChallenge,
      cardChallenge: created.cardChallenge,
    });
    if (!channel.verifyCardCryptogram(created.cardCryptogram)) {
      // We never authenticate, so the slot idles out on the device after 30 s.
      throw new YubiHsmSessionError('card_cryptogram_mismatch', 'card cryptogram mismatch: wrong authentication key or password', { notExecuted: true });
    }
    const authResponse = await o.transport.send(channel.authenticateRequest(), callOpts);
    let payload: Uint8Array;
    try {
      payload = expectResponse(CommandCode.authenticateSession, authResponse, { outer: true });
    } catch (err) {
      if (err instanceof YubiHsmDeviceError) {
        throw new YubiHsmSessionError('handshake_failed', `AuthenticateSession failed: ${err.codeName}`, {
          deviceError: err.codeName,
          notExecuted: true,
          cause: err,
        });
      }
      throw err;
    }
    if (payload.length !== 0) throw new YubiHsmSessionError('handshake_failed', 'AuthenticateSession answered with a payload', { notExecuted: true });
    return new YubiHsmSession(o, channel);
  }

  /**
   * Asymmetric session (firmware ≥ 2.3; protocol in protocol/asymmetric-auth.ts): CreateSession with an ephemeral
   * P-256 key, the receipt checked in constant time, authenticated without AuthenticateSession.
   */
  static async openAsymmetric(o: OpenAsymmetricSessionOptions): Promise<YubiHsmSession> {
    const random = o.randomBytes ?? ((n: number) => new Uint8Array(nodeRandomBytes(n)));
    const callOpts: TransportCallOptions = { timeoutMs: o.timeoutMs ?? 5000, ...(o.signal ? { signal: o.signal } : {}) };
    const devicePublicKey =
      o.devicePublicKey ??
      GetDevicePublicKey.decodeResponse(
        expectResponse(CommandCode.getDevicePublicKey, await o.transport.send(encodeFrame(CommandCode.getDevicePublicKey, new Uint8Array(0)), callOpts), {
          outer: true,
        }),
      );
    const shsss = p256SharedSecret(o.privateKey, devicePublicKey);
    const ephemeral = p256PrivateKey(random);
    const hostEphemeralKey = p256PublicPoint(ephemeral);
    const createFrame = encodeFrame(CommandCode.createSession, CreateSessionAsymmetric.encodeRequest({ authKeyId: o.authKeyId, hostEphemeralKey }));
    const created = CreateSessionAsymmetric.decodeResponse(
      expectResponse(CommandCode.createSession, await o.transport.send(createFrame, callOpts), { outer: true }),
    );
    const { receiptKey, keys } = deriveAsymmetricSessionKeys(p256SharedSecret(ephemeral, created.deviceEphemeralKey), shsss);
    if (!constantTimeEqual(asymmetricReceipt(receiptKey, created.deviceEphemeralKey, hostEphemeralKey), created.receipt)) {
      throw new YubiHsmSessionError('card_cryptogram_mismatch', 'session receipt mismatch: wrong authentication key or device key', { notExecuted: true });
    }
    return new YubiHsmSession(o, SecureChannel.authenticated(created.sessionId, keys, created.receipt));
  }

  get id(): number {
    return this.channel.sessionId;
  }

  get closed(): boolean {
    return this._closed;
  }

  /** Commands sent on this session. */
  get commandCount(): number {
    return this._commands;
  }

  get lastUsedAt(): number {
    return this.lastUsed;
  }

  /** Idle time in ms. */
  idleMs(now = this.now()): number {
    return now - this.lastUsed;
  }

  /** True once the session has been idle for the device timeout minus the safety margin. */
  isExpired(now = this.now()): boolean {
    return now - this.lastUsed >= this.idleTimeoutMs - this.expiryMarginMs;
  }

  /** True when the session can take a command now. */
  get usable(): boolean {
    return !this._closed && !this.busy && !this.isExpired();
  }

  /** Runs one command inside the session and decodes its response. */
  async send<Req, Res, DReq, DRes>(spec: CommandSpec<Req, Res, DReq, DRes>, request: Req, opts: CallOptions = {}): Promise<DRes> {
    const inner = await this.sendRaw(spec.code, spec.encodeRequest(request), opts);
    return spec.decodeResponse(expectResponse(spec.code, inner));
  }

  /** Runs one raw inner command (code + payload) and returns the raw inner response frame (may be an error frame). */
  async sendRaw(cmd: number, payload: Uint8Array, opts: TransportCallOptions = {}): Promise<Uint8Array> {
    if (this._closed) throw new YubiHsmSessionError('closed', 'session is closed', { notExecuted: true });
    if (this.busy) throw new YubiHsmProtocolError('invalid_argument', 'session already has a command in flight');
    if (sessionFrameLength(payload.length) > this.maxFrameSize) {
      // refused locally: nothing is sent, the session stays usable
      throw new YubiHsmProtocolError('frame_too_large', `command payload of ${payload.length} bytes does not fit the device's ${this.maxFrameSize}-byte frame`);
    }
    if (this.isExpired()) {
      this.markClosed();
      throw new YubiHsmSessionError('expired', 'session idle timeout reached', { notExecuted: true });
    }
    this.busy = true;
    this._commands++;
    try {
      const request = this.channel.wrapCommand(encodeFrame(cmd, payload));
      this.lastUsed = this.now();
      const response = await this.transport.send(request, { timeoutMs: opts.timeoutMs ?? this.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) });
      try {
        return this.channel.unwrapResponse(response);
      } catch (err) {
        throw this.sessionFailure(err);
      }
    } catch (err) {
      // Whatever went wrong between wrap and unwrap, the chain is no longer in a known state.
      this.markClosed();
      throw err;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Factory reset. The device reboots, so the HTTP call may fail; a connection failure after the request was sent
   * counts as success (as python-yubihsm does). The session is closed afterwards.
   */
  override async resetDevice(opts: CallOptions = {}): Promise<void> {
    try {
      await this.send(ResetDevice, undefined, opts);
    } catch (err) {
      if (!(err instanceof YubiHsmTransportError && err.reason === 'unavailable')) throw err;
    }
    this.markClosed();
  }

  /** CloseSession (best effort); the session is unusable afterwards either way. */
  async close(opts: TransportCallOptions = {}): Promise<void> {
    if (this._closed) return;
    try {
      if (!this.isExpired()) await this.send(CloseSession, undefined, opts);
    } catch {
      // The device frees idle sessions itself after 30 s.
    } finally {
      this.markClosed();
    }
  }

  /** Forget the session locally without telling the device. */
  abandon(): void {
    this.markClosed();
  }

  private markClosed(): void {
    this._closed = true;
    this.channel.close();
  }

  private sessionFailure(err: unknown): unknown {
    if (err instanceof YubiHsmDeviceError && err.outer) {
      const reason =
        err.code === DeviceErrorCode.INVALID_SESSION
          ? 'invalid_session'
          : err.code === DeviceErrorCode.AUTHENTICATION_FAILED
            ? 'authentication_failed'
            : 'rejected';
      return new YubiHsmSessionError(reason, `device rejected the session message: ${err.codeName}`, {
        deviceError: err.codeName,
        notExecuted: true,
        cause: err,
      });
    }
    if (err instanceof YubiHsmProtocolError) {
      return new YubiHsmSessionError('bad_response_mac', `session response rejected: ${err.reason}`, { notExecuted: false, cause: err });
    }
    return err;
  }
}
