import { concatBytes } from '@openkms/core';
/**
 * The device proper: takes one raw command frame and produces one raw response frame. Synchronous and
 * single-threaded; the simulator around it adds the device-wide queue, latency, faults and persistence.
 *
 * Error placement (reference §4/§11): session, MAC and framing failures answer a plain `7f 0001 code`; once a
 * SessionMessage has passed its C-MAC check every failure of the inner command comes back inside a valid 0x85
 * envelope with an R-MAC.
 */
import { randomBytes } from 'node:crypto';
import {
  asymmetricReceipt,
  decodeFrame,
  deriveAsymmetricSessionKeys,
  deriveSessionKeys,
  encodeErrorFrame,
  encodeFrame,
  isYubiHsmProtocolError,
  p256PrivateKey,
  p256PublicPoint,
  p256SharedSecret,
  P256_POINT_LENGTH,
  SecureChannel,
} from '@openkms/yubihsm';
import { createDeviceAttestation } from './attestation-authority.js';
import { BOOT_ENTRY, NO_KEY, type LogEntryFields } from './audit-log.js';
import type { CommandContext, DeviceIdentity } from './command-context.js';
import { CLEAR_HANDLERS, COMMAND_HANDLERS } from './command-handlers.js';
import { Algorithm, Command, DeviceError, MAX_FRAME_LENGTH, ObjectType } from './device-codes.js';
import { DeviceFailure } from './device-failure.js';
import { firmwareAtLeast, type DeviceState } from './device-state.js';
import type { FaultInjector } from './fault-injector.js';
import type { CommandCostInput } from './latency-model.js';
import type { DeviceObject } from './object-store.js';
import { SessionTable, type DeviceSession } from './session-table.js';

/** Legacy (firmware < 2.4) frame limit. */
const LEGACY_MAX_FRAME_LENGTH = 2048;

export interface FrameOutcome {
  readonly response: Uint8Array;
  /** What the latency model should charge. */
  readonly cost: CommandCostInput;
  /** Persistent state changed: objects/options ('state') or only the log ('log'). */
  readonly changed: 'state' | 'log' | 'none';
}

export interface DeviceCoreOptions {
  readonly state: DeviceState;
  readonly identity: DeviceIdentity;
  readonly random: (n: number) => Uint8Array;
  readonly now: () => number;
  readonly faults: FaultInjector;
}

/** Commands that must keep working when force-audit has filled the log, so the host can drain it. */
const LOG_DRAIN_COMMANDS: ReadonlySet<number> = new Set([Command.getLogEntries, Command.setLogIndex]);

export class DeviceCore {
  readonly sessions: SessionTable;
  private bootAt: number;
  private logChanged = false;

  constructor(private readonly o: DeviceCoreOptions) {
    this.sessions = new SessionTable(o.now);
    this.bootAt = o.now();
  }

  /**
   * A device without an attestation key or a device key for asymmetric sessions (new, or a state file from before
   * them) gets one. The device key comes from node:crypto, not the injected random source, so adding it changed no
   * known-answer sequence.
   */
  private ensureAttestation(): void {
    this.o.state.attestation ??= createDeviceAttestation(this.o.identity, this.o.random, new Date(this.o.now()));
    this.o.state.deviceKey ??= p256PrivateKey((n) => new Uint8Array(randomBytes(n)));
  }

  /** Power-on: sessions are gone, a boot entry is logged. */
  boot(): void {
    this.ensureAttestation();
    this.sessions.clear();
    this.bootAt = this.o.now();
    const log = this.o.state.log;
    if (this.o.state.audit.forceAudit !== 0 && log.isFull) log.unloggedBoot = Math.min(0xffff, log.unloggedBoot + 1);
    else log.append(BOOT_ENTRY);
  }

  /**
   * Factory reset (ResetDevice, or a new device): only the default auth key is left and the device reboots, so the
   * log holds the reset entry (number 1) and the boot entry (number 2), as python-yubihsm's test_logs_after_reset
   * reads them from a device.
   */
  factoryReset(): void {
    this.o.state.factoryReset();
    this.ensureAttestation();
    this.sessions.clear();
    this.bootAt = this.o.now();
    this.o.state.log.append(BOOT_ENTRY);
  }

  process(frame: Uint8Array): FrameOutcome {
    this.logChanged = false;
    const result = this.dispatch(frame);
    return { ...result, changed: result.changed === 'state' ? 'state' : this.logChanged ? 'log' : 'none' };
  }

  private dispatch(frame: Uint8Array): FrameOutcome {
    const cmd = frame[0] ?? 0;
    const plainCost: CommandCostInput = { command: cmd, payloadLength: Math.max(0, frame.length - 3), inSession: false };
    const plain = (code: number): FrameOutcome => ({ response: encodeErrorFrame(code), cost: plainCost, changed: 'none' });

    const limit =
      this.o.identity.firmware[0] > 2 || (this.o.identity.firmware[0] === 2 && this.o.identity.firmware[1] >= 4) ? MAX_FRAME_LENGTH : LEGACY_MAX_FRAME_LENGTH;
    if (frame.length > limit) return plain(DeviceError.wrongLength);
    let payload: Uint8Array;
    try {
      payload = decodeFrame(frame).payload;
    } catch {
      return plain(DeviceError.wrongLength);
    }

    if (cmd === Command.sessionMessage) return this.sessionMessage(frame, payload);

    const injected = this.o.faults.takeFailure();
    if (injected !== undefined) return plain(injected);

    switch (cmd) {
      case Command.createSession:
        return { response: this.createSession(payload), cost: plainCost, changed: 'none' };
      case Command.authenticateSession:
        return { response: this.authenticateSession(frame, payload), cost: plainCost, changed: 'none' };
      default: {
        if (!CLEAR_HANDLERS.has(cmd)) return plain(DeviceError.invalidCommand);
        const { response, ctx } = this.runCommand(cmd, payload, undefined);
        return { response, cost: { ...plainCost, algorithm: ctx.algorithm }, changed: ctx.mutated ? 'state' : 'none' };
      }
    }
  }

  // ---- session establishment -----------------------------------------------------------------------------------

  private createSession(payload: Uint8Array): Uint8Array {
    const entry = (result: number, keyId: number): void =>
      this.appendLog(Command.createSession, { length: payload.length, sessionKey: NO_KEY, targetKey: keyId, secondKey: NO_KEY, result }, true);
    const asymmetric = payload.length === 2 + P256_POINT_LENGTH && firmwareAtLeast(this.o.identity.firmware, 2, 3);
    if (payload.length !== 10 && !asymmetric) {
      // 2 + 65 bytes is an asymmetric session, which firmware before 2.3 does not know
      const code = payload.length === 2 + P256_POINT_LENGTH ? DeviceError.invalidData : DeviceError.wrongLength;
      entry(code, NO_KEY);
      return encodeErrorFrame(code);
    }
    const keyId = (payload[0]! << 8) | payload[1]!;
    const key = this.o.state.objects.get(keyId, ObjectType.authenticationKey);
    if (!key) {
      entry(DeviceError.objectNotFound, keyId);
      return encodeErrorFrame(DeviceError.objectNotFound);
    }
    if (asymmetric !== (key.algorithm === Algorithm.ecp256YubicoAuthentication)) {
      // a symmetric key asked for with an ephemeral public key, or an asymmetric one with a host challenge
      entry(DeviceError.invalidData, keyId);
      return encodeErrorFrame(DeviceError.invalidData);
    }
    const sid = this.sessions.freeId();
    if (sid === undefined) {
      entry(DeviceError.sessionsFull, keyId);
      return encodeErrorFrame(DeviceError.sessionsFull);
    }
    if (asymmetric)
      return this.createAsymmetricSession(
        sid,
        key,
        payload.subarray(2),
        () => entry(Command.createSession | 0x80, keyId),
        (c) => entry(c, keyId),
      );
    const hostChallenge = payload.slice(2, 10);
    const cardChallenge = this.o.random(8).slice(0, 8);
    const keys = deriveSessionKeys({ encKey: key.secret.slice(0, 16), macKey: key.secret.slice(16, 32) }, hostChallenge, cardChallenge);
    const channel = new SecureChannel({ sessionId: sid, keys, hostChallenge, cardChallenge });
    this.sessions.add({
      id: sid,
      channel,
      authority: { authKeyId: keyId, domains: key.domains, capabilities: key.capabilities, delegated: key.delegated },
    });
    entry(Command.createSession | 0x80, keyId);
    return encodeFrame(Command.createSession | 0x80, concatBytes(Uint8Array.of(sid), cardChallenge, channel.expectedCardCryptogram()));
  }

  /**
   * Asymmetric session (protocol/asymmetric-auth.ts in the driver): an ephemeral device key, SHSEE with the host's
   * ephemeral key, SHSSS between the device key and the auth key's public key, the receipt as first MAC chain;
   * the session is authenticated at once.
   */
  private createAsymmetricSession(
    sid: number,
    key: DeviceObject,
    hostEphemeralKey: Uint8Array,
    logged: () => void,
    failed: (code: number) => void,
  ): Uint8Array {
    const deviceKey = this.o.state.deviceKey!;
    const ephemeral = p256PrivateKey(this.o.random);
    const deviceEphemeralKey = p256PublicPoint(ephemeral);
    let shsee: Uint8Array;
    try {
      shsee = p256SharedSecret(ephemeral, hostEphemeralKey);
    } catch {
      failed(DeviceError.invalidData);
      return encodeErrorFrame(DeviceError.invalidData);
    }
    const shsss = p256SharedSecret(deviceKey, Uint8Array.of(4, ...key.secret));
    const { receiptKey, keys } = deriveAsymmetricSessionKeys(shsee, shsss);
    const receipt = asymmetricReceipt(receiptKey, deviceEphemeralKey, hostEphemeralKey);
    const session = this.sessions.add({
      id: sid,
      channel: SecureChannel.authenticated(sid, keys, receipt),
      authority: { authKeyId: key.id, domains: key.domains, capabilities: key.capabilities, delegated: key.delegated },
    });
    this.sessions.touch(session);
    logged();
    return encodeFrame(Command.createSession | 0x80, concatBytes(Uint8Array.of(sid), deviceEphemeralKey, receipt));
  }

  private authenticateSession(frame: Uint8Array, payload: Uint8Array): Uint8Array {
    if (payload.length !== 17) return encodeErrorFrame(DeviceError.wrongLength);
    const session = this.sessions.get(payload[0]!);
    if (!session || session.channel.state !== 'created') return encodeErrorFrame(DeviceError.invalidSession);
    const keyId = session.authority.authKeyId;
    try {
      session.channel.verifyAuthenticateRequest(frame);
    } catch {
      this.sessions.remove(session.id);
      this.appendLog(
        Command.authenticateSession,
        { length: 17, sessionKey: keyId, targetKey: NO_KEY, secondKey: NO_KEY, result: DeviceError.authenticationFailed },
        true,
      );
      return encodeErrorFrame(DeviceError.authenticationFailed);
    }
    this.sessions.touch(session);
    this.appendLog(
      Command.authenticateSession,
      { length: 17, sessionKey: keyId, targetKey: NO_KEY, secondKey: NO_KEY, result: Command.authenticateSession | 0x80 },
      true,
    );
    return encodeFrame(Command.authenticateSession | 0x80);
  }

  // ---- SessionMessage -------------------------------------------------------------------------------------------

  private sessionMessage(frame: Uint8Array, payload: Uint8Array): FrameOutcome {
    const outerCost: CommandCostInput = { command: Command.sessionMessage, payloadLength: payload.length, inSession: true };
    const plain = (code: number): FrameOutcome => ({ response: encodeErrorFrame(code), cost: outerCost, changed: 'none' });
    if (payload.length < 1 + 16 + 8 || (payload.length - 1 - 8) % 16 !== 0) return plain(DeviceError.wrongLength);
    const session = this.sessions.get(payload[0]!);
    if (!session || session.channel.state !== 'authenticated') return plain(DeviceError.invalidSession);

    let inner: Uint8Array | undefined;
    try {
      inner = session.channel.unwrapCommand(frame);
    } catch (err) {
      if (isYubiHsmProtocolError(err) && err.reason === 'bad_padding' && session.channel.state === 'authenticated') {
        inner = undefined; // MAC was fine: answer inside the envelope
      } else {
        this.sessions.remove(session.id);
        return plain(DeviceError.authenticationFailed);
      }
    }
    this.sessions.touch(session);

    let response: Uint8Array;
    let cost: CommandCostInput = outerCost;
    let ctx: CommandContext | undefined;
    const injected = this.o.faults.takeFailure();
    if (injected !== undefined) {
      response = encodeErrorFrame(injected);
    } else if (inner === undefined) {
      response = encodeErrorFrame(DeviceError.invalidData);
    } else {
      let decoded: { cmd: number; payload: Uint8Array } | undefined;
      try {
        decoded = decodeFrame(inner);
      } catch {
        decoded = undefined;
      }
      if (!decoded) {
        cost = { command: inner[0] ?? 0, payloadLength: 0, inSession: true };
        response = encodeErrorFrame(DeviceError.wrongLength);
      } else {
        cost = { command: decoded.cmd, payloadLength: decoded.payload.length, inSession: true };
        if (!COMMAND_HANDLERS.has(decoded.cmd)) {
          response = encodeErrorFrame(DeviceError.invalidCommand);
        } else {
          const r = this.runCommand(decoded.cmd, decoded.payload, session);
          ctx = r.ctx;
          cost = { ...cost, algorithm: r.ctx.algorithm };
          response = r.response;
        }
      }
    }

    const wrapped = session.channel.wrapResponse(response);
    let changed: FrameOutcome['changed'] = ctx?.mutated ? 'state' : 'none';
    if (ctx?.after === 'close-session') this.sessions.remove(session.id);
    if (ctx?.after === 'reset-device') {
      this.factoryReset();
      changed = 'state';
    }
    return { response: wrapped, cost, changed };
  }

  // ---- one command ----------------------------------------------------------------------------------------------

  private runCommand(cmd: number, payload: Uint8Array, session: DeviceSession | undefined): { response: Uint8Array; ctx: CommandContext } {
    const ctx: CommandContext = {
      state: this.o.state,
      identity: this.o.identity,
      random: this.o.random,
      session,
      targetKey: NO_KEY,
      secondKey: NO_KEY,
      algorithm: undefined,
      mutated: false,
      after: undefined,
    };
    const sessionKey = session?.authority.authKeyId ?? NO_KEY;
    const logged = this.o.state.isLogged(cmd);
    if (logged && this.o.state.audit.forceAudit !== 0 && this.o.state.log.isFull && !LOG_DRAIN_COMMANDS.has(cmd)) {
      return { response: encodeErrorFrame(DeviceError.logFull), ctx };
    }
    const handler = COMMAND_HANDLERS.get(cmd);
    let response: Uint8Array;
    let result: number;
    try {
      if (!handler) throw new DeviceFailure(DeviceError.invalidCommand);
      const out = handler(payload, ctx);
      response = encodeFrame(cmd | 0x80, out);
      result = cmd | 0x80;
    } catch (err) {
      const code = err instanceof DeviceFailure ? err.code : isYubiHsmProtocolError(err) ? DeviceError.wrongLength : DeviceError.invalidData;
      response = encodeErrorFrame(code);
      result = code;
      ctx.mutated = false;
      ctx.after = undefined;
    }
    if (logged && ctx.after !== 'reset-device') {
      this.appendLog(cmd, { length: payload.length, sessionKey, targetKey: ctx.targetKey, secondKey: ctx.secondKey, result }, false);
    }
    return { response, ctx };
  }

  private appendLog(command: number, f: Omit<LogEntryFields, 'command' | 'systick'>, sessionSetup: boolean): void {
    const state = this.o.state;
    if (!state.isLogged(command)) return;
    if (state.audit.forceAudit !== 0 && state.log.isFull) {
      if (sessionSetup) state.log.unloggedAuth = Math.min(0xffff, state.log.unloggedAuth + 1);
      this.logChanged = true;
      return;
    }
    state.log.append({ ...f, command, systick: (this.o.now() - this.bootAt) >>> 0 });
    this.logChanged = true;
  }
}
