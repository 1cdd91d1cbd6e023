/**
 * Everything the simulated device keeps across power cycles: its object store, audit log and options. Sessions are
 * volatile and live in SessionTable.
 */
import { authKeyBytes, DEFAULT_AUTH_KEY_ID, DEFAULT_AUTH_KEY_LABEL, DEFAULT_AUTH_KEY_PASSWORD, passwordToAuthKey } from '@openkms/yubihsm';
import type { DeviceAttestation } from './attestation-authority.js';
import { AuditLog, RESET_ENTRY } from './audit-log.js';
import { ALL_CAPABILITIES, Algorithm, Command, ObjectType, Origin } from './device-codes.js';
import { ObjectStore, padLabel } from './object-store.js';

/** The factory key's capabilities and delegated capabilities: every defined bit (0–0x37). */
export const FACTORY_AUTH_KEY_CAPABILITIES = ALL_CAPABILITIES;

export type Firmware = readonly [number, number, number];

/** True when the reported firmware is `major.minor.patch` or later. */
export const firmwareAtLeast = (fw: Firmware, major: number, minor: number, patch = 0): boolean =>
  fw[0] !== major ? fw[0] > major : fw[1] !== minor ? fw[1] > minor : fw[2] >= patch;

/** AES (0x6d–0x72) from firmware 2.3, public wrap keys and the RSA wrap commands (0x73–0x77) from 2.4. */
const SYMMETRIC_COMMANDS = new Set<number>([0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72]);
const RSA_WRAP_COMMANDS = new Set<number>([0x73, 0x74, 0x75, 0x76, 0x77]);

/**
 * Commands listed by GetOption(command-audit) and toggled by SetOption(command-audit): every command code the
 * reported firmware knows except SessionMessage and Error (python-yubihsm's test_logs sets every other code on
 * firmware ≥ 2.4, and leaves out the RSA wrap commands below 2.4 because the device refuses them there).
 */
export function auditableCommands(firmware: Firmware): readonly number[] {
  return Object.values(Command)
    .filter((c) => c !== Command.error && c !== Command.sessionMessage)
    .filter((c) => firmwareAtLeast(firmware, 2, 3) || !SYMMETRIC_COMMANDS.has(c))
    .filter((c) => firmwareAtLeast(firmware, 2, 4) || !RSA_WRAP_COMMANDS.has(c))
    .sort((a, b) => a - b);
}

/** Firmware 2.3.1 and later ship with command audit off (python-yubihsm test_logs.py); earlier firmware logs every command. */
export function commandAuditOnByDefault(firmware: Firmware): boolean {
  return !firmwareAtLeast(firmware, 2, 3, 1);
}

export interface AuditSettings {
  /** force-audit option value: 0 off, 1 on, 2 fixed on. */
  forceAudit: number;
  /** command-audit per command: 0 off, 1 on, 2 fixed on. Commands not in the map are not logged. */
  commandAudit: Map<number, number>;
}

export interface AuditOptions {
  /** Log commands at all (command-audit on). Default: as the reported firmware ships (off from 2.3.1, on before). */
  enabled?: boolean;
  /** Start with force-audit on (logged commands fail with LOG_FULL when the log is full). Default false. */
  forceAudit?: boolean;
  /** Command codes never logged by default. Default [0x01] (Echo: keepalives would flush the 62-entry log). */
  unloggedCommands?: readonly number[];
}

export function defaultAuditSettings(options: AuditOptions, firmware: Firmware): AuditSettings {
  const enabled = options.enabled ?? commandAuditOnByDefault(firmware);
  const unlogged = new Set(options.unloggedCommands ?? [Command.echo]);
  const commandAudit = new Map<number, number>();
  for (const c of auditableCommands(firmware)) commandAudit.set(c, enabled && !unlogged.has(c) ? 1 : 0);
  return { forceAudit: options.forceAudit ? 1 : 0, commandAudit };
}

export class DeviceState {
  readonly objects = new ObjectStore();
  readonly log = new AuditLog();
  audit: AuditSettings;
  /**
   * Attestation key 0 and its certificate (opaque object 0): made once for a new device and kept across ResetDevice,
   * as a device keeps its factory attestation key. Not in the object store: never listed, never deleted.
   */
  attestation: DeviceAttestation | undefined;
  /**
   * The device's static P-256 key for asymmetric sessions (GetDevicePublicKey): made once for a new device, kept
   * across ResetDevice like the attestation key.
   */
  deviceKey: Uint8Array | undefined;

  constructor(
    private readonly auditOptions: AuditOptions,
    private readonly firmware: Firmware,
  ) {
    this.audit = defaultAuditSettings(auditOptions, firmware);
  }

  /** Factory state: only authentication key 1 / "password", an empty log with the reset entry (number 1), default options. */
  factoryReset(): void {
    this.objects.clear();
    const key = passwordToAuthKey(DEFAULT_AUTH_KEY_PASSWORD);
    this.objects.insert({
      id: DEFAULT_AUTH_KEY_ID,
      type: ObjectType.authenticationKey,
      algorithm: Algorithm.aes128YubicoAuthentication,
      label: padLabel(DEFAULT_AUTH_KEY_LABEL),
      domains: 0xffff,
      capabilities: FACTORY_AUTH_KEY_CAPABILITIES,
      delegated: FACTORY_AUTH_KEY_CAPABILITIES,
      origin: Origin.imported,
      secret: authKeyBytes(key),
    });
    this.log.reset();
    this.log.append(RESET_ENTRY);
    this.audit = defaultAuditSettings(this.auditOptions, this.firmware);
  }

  isLogged(command: number): boolean {
    return (this.audit.commandAudit.get(command) ?? 0) !== 0;
  }
}
