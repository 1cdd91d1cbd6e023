import { DeviceInfoCommand, DevicePartNumberCommand, formatFirmwareVersion, isSimulatedPartNumber, type DeviceInfo } from '../commands/device/device-info.js';
import { Echo } from '../commands/device/echo.js';
import { GetDevicePublicKey } from '../commands/session/get-device-public-key.js';
import type { CommandSpec } from '../commands/command-spec.js';
import { YubiHsmDeviceError } from '../protocol/errors.js';
import { encodeFrame, expectResponse } from '../protocol/frame.js';
import { YubiHsmSession } from '../session/session.js';
import { createHttpTransport, type ConnectorTlsOptions } from '../transport/http-transport.js';
import type { ConnectorStatus, Transport } from '../transport/transport.js';
import { authKeyFromSecret, type AuthKeySecret, type CallOptions } from './command-methods.js';

export interface YubiHsmClientOptions {
  /** A ready transport; otherwise an HTTP transport to `url`. */
  readonly transport?: Transport;
  /** Connector URL (default http://localhost:12345). */
  readonly url?: string;
  readonly tls?: ConnectorTlsOptions;
  /** Per-call timeout (ms). Default 5000. */
  readonly timeoutMs?: number;
  /** Randomness for host challenges (tests). */
  readonly randomBytes?: (n: number) => Uint8Array;
  /** Clock (ms) for session expiry. */
  readonly now?: () => number;
  /** Device session idle timeout. Default 30 000 ms. */
  readonly idleTimeoutMs?: number;
  /** Treat sessions as expired this much earlier. Default 1000 ms. */
  readonly expiryMarginMs?: number;
}

/** What DeviceInfo says about a device. */
export interface DeviceDescription {
  readonly serial: number;
  readonly firmware: string;
  readonly info: DeviceInfo;
  /** DeviceInfo page 1 (fw ≥ 2.4, and the simulator at any firmware), when the device answers it. */
  readonly partNumber?: string;
  /** True for the openKMS simulator (part number OPENKMS-SIMULATED-YUBIHSM2): never for production money. */
  readonly simulated: boolean;
}

/** Unauthenticated access to one device (clear commands) and the door to authenticated sessions. */
export class YubiHsmClient {
  readonly transport: Transport;
  private readonly o: YubiHsmClientOptions;

  constructor(options: YubiHsmClientOptions = {}) {
    this.o = options;
    this.transport =
      options.transport ??
      createHttpTransport({ ...(options.url ? { url: options.url } : {}), ...(options.tls ? { tls: options.tls } : {}), timeoutMs: options.timeoutMs ?? 5000 });
  }

  /** Connector status (`GET /connector/status`). */
  status(opts: CallOptions = {}): Promise<ConnectorStatus> {
    return this.transport.status(this.callOpts(opts));
  }

  /** Sends one clear (unauthenticated) command. */
  async sendPlain<Req, Res, DReq, DRes>(spec: CommandSpec<Req, Res, DReq, DRes>, request: Req, opts: CallOptions = {}): Promise<DRes> {
    const response = await this.transport.send(encodeFrame(spec.code, spec.encodeRequest(request)), this.callOpts(opts));
    return spec.decodeResponse(expectResponse(spec.code, response, { outer: true }));
  }

  /** Echo in the clear. */
  echo(data: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.sendPlain(Echo, data, opts);
  }

  deviceInfo(opts?: CallOptions): Promise<DeviceInfo> {
    return this.sendPlain(DeviceInfoCommand, undefined, opts);
  }

  /** DeviceInfo page 1. Throws YubiHsmDeviceError on firmware without it. */
  partNumber(opts?: CallOptions): Promise<string> {
    return this.sendPlain(DevicePartNumberCommand, undefined, opts);
  }

  /**
   * DeviceInfo pages 0 and 1; recognises the simulator. Page 1 is asked whatever firmware page 0 claims (the
   * simulator answers it with its marker at any firmware it pretends to be). A device error on page 1 is asked once
   * more (so a one-off error cannot hide the simulator); a second one means "no page 1" (a real device before fw 2.4).
   * A transport error or timeout is thrown: the device is not known yet, never assumed to be real.
   */
  async describe(opts?: CallOptions): Promise<DeviceDescription> {
    const info = await this.deviceInfo(opts);
    let partNumber: string | undefined;
    for (let attempt = 0; attempt < 2 && partNumber === undefined; attempt++) {
      try {
        partNumber = await this.partNumber(opts);
      } catch (err) {
        if (!(err instanceof YubiHsmDeviceError)) throw err;
      }
    }
    return {
      serial: info.serial,
      firmware: formatFirmwareVersion(info.version),
      info,
      ...(partNumber !== undefined ? { partNumber } : {}),
      simulated: isSimulatedPartNumber(partNumber),
    };
  }

  /** GetDevicePublicKey (firmware ≥ 2.3): the device's static P-256 key for asymmetric sessions, as 04 ‖ x ‖ y. */
  devicePublicKey(opts?: CallOptions): Promise<Uint8Array> {
    return this.sendPlain(GetDevicePublicKey, undefined, opts);
  }

  /**
   * Opens an asymmetric session with an ecp256-yubico-authentication key: `privateKey` is the host's 32-byte P-256
   * scalar; `devicePublicKey` (04 ‖ x ‖ y) pins the device key, else it is read from the device.
   */
  openAsymmetricSession(authKeyId: number, privateKey: Uint8Array, opts: CallOptions & { devicePublicKey?: Uint8Array } = {}): Promise<YubiHsmSession> {
    return YubiHsmSession.openAsymmetric({
      transport: this.transport,
      authKeyId,
      privateKey,
      ...(opts.devicePublicKey ? { devicePublicKey: opts.devicePublicKey } : {}),
      ...(this.o.randomBytes ? { randomBytes: this.o.randomBytes } : {}),
      ...(this.o.now ? { now: this.o.now } : {}),
      ...(this.o.idleTimeoutMs !== undefined ? { idleTimeoutMs: this.o.idleTimeoutMs } : {}),
      ...(this.o.expiryMarginMs !== undefined ? { expiryMarginMs: this.o.expiryMarginMs } : {}),
      ...this.callOpts(opts),
    });
  }

  /** Opens an authenticated session with an auth key id and its password (or raw key halves). */
  openSession(authKeyId: number, secret: AuthKeySecret | string, opts: CallOptions = {}): Promise<YubiHsmSession> {
    return YubiHsmSession.open({
      transport: this.transport,
      authKeyId,
      authKey: authKeyFromSecret(typeof secret === 'string' ? { password: secret } : secret),
      ...(this.o.randomBytes ? { randomBytes: this.o.randomBytes } : {}),
      ...(this.o.now ? { now: this.o.now } : {}),
      ...(this.o.idleTimeoutMs !== undefined ? { idleTimeoutMs: this.o.idleTimeoutMs } : {}),
      ...(this.o.expiryMarginMs !== undefined ? { expiryMarginMs: this.o.expiryMarginMs } : {}),
      ...this.callOpts(opts),
    });
  }

  async close(): Promise<void> {
    await this.transport.close?.();
  }

  private callOpts(opts: CallOptions): CallOptions {
    return { timeoutMs: opts.timeoutMs ?? this.o.timeoutMs ?? 5000, ...(opts.signal ? { signal: opts.signal } : {}) };
  }
}
