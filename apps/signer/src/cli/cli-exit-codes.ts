import { isOpenKmsError } from '@openkms/core';
import { ceremonyFailureOf } from '@openkms/yubihsm';

/** The CLI's exit codes (README "CLI" and `openkms --help` list them). */
export const EXIT_CODES = {
  /** Success (also a clean stop on SIGINT/SIGTERM, and every --help). */
  ok: 0,
  /** Any other failure. */
  failure: 1,
  /** Usage error: unknown command or option, missing value. */
  usage: 2,
  /** No device: the connector or YubiHSM2 does not answer. */
  noDevice: 3,
  /** Authentication failed: wrong password file, or a mnemonic/passphrase the device's keys were not derived from. */
  authentication: 4,
  /** Refused: the device holds signing keys (setup without --force), or the object or file already exists. */
  refused: 5,
  /** Backup rejected: malformed, unknown version or bad checksum, or a restored public key differs from the backup's. */
  backup: 6,
  /** Attestation refused (`keys attest`): the chain, the key, the device or the origin is not what it must be. */
  attestation: 7,
} as const;

export const EXIT_CODES_HELP = `Exit codes: 0 ok · 1 failure · 2 usage error · 3 no device (connector or YubiHSM2 unreachable) ·
  4 authentication failed (wrong password, or the device's keys are not from this mnemonic/passphrase) ·
  5 refused (device already holds signing keys — setup needs --force; object or file exists) ·
  6 backup invalid (format, version, checksum) or a restored public key does not match ·
  7 attestation refused (keys attest: untrusted chain, imported key, other key or device, tampered certificate)`;

/** The exit code of a failed command: a ceremony failure's own code, else 1. */
export function exitCodeFor(err: unknown): number {
  if (isOpenKmsError(err) && err.code === 'attestation_failed') return EXIT_CODES.attestation;
  switch (ceremonyFailureOf(err)) {
    case 'no_device':
      return EXIT_CODES.noDevice;
    case 'authentication_failed':
    case 'wrong_mnemonic':
      return EXIT_CODES.authentication;
    case 'object_exists':
    case 'device_not_empty':
      return EXIT_CODES.refused;
    case 'backup_invalid':
    case 'public_key_mismatch':
      return EXIT_CODES.backup;
    default:
      return EXIT_CODES.failure;
  }
}
