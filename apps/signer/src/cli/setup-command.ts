import { CEREMONY_LAYOUT } from '@openkms/yubihsm';
import { setupCeremonyDevice } from '@openkms/yubihsm/ceremony';
import { userPath, type CliIo } from './cli-context.js';
import { EXIT_CODES_HELP } from './cli-exit-codes.js';
import { withProgress } from './cli-progress.js';
import { DEVICE_OPTIONS_HELP, readCeremonySecrets, readSecretText, withDevice } from './device-cli-options.js';
import { flag, parseArgs, UsageError } from './parse-args.js';
import { writeSecretFile } from './secret-output-file.js';

const bytesToHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export const SETUP_HELP = `openkms setup --mnemonic-file FILE [--passphrase-file FILE] [--force] [--connector URL] [--config FILE]
              [--signer-password-out FILE] [--factory-password-file FILE] [--json]

Installs the openKMS ceremony layout on a YubiHSM2, every secret derived from one BIP-39 mnemonic with HKDF-SHA256 and
the original openKMS's labels (a device and mnemonic from the original work unchanged):
  auth key 1 openkms-ceremony     everything, all domains (replaces the factory key; keep its mnemonic offline)
  auth key 2 openkms-provisioner  put/delete asymmetric keys, wrap export/import, domain 1
  auth key 3 openkms-signer       sign-ecdsa, sign-eddsa, get-pseudo-random, domain 1 (what the signer logs in with)
  wrap key 1 openkms-wrap         AES-256-CCM, for backup and restore
The audit HMAC key is derived from the same mnemonic (label openkms/v1/audit/hmac), so it is recoverable.
Safe to re-run: on a device already set up from this mnemonic with no signing key it changes nothing; it refuses a
device that holds signing keys (exit 5) unless --force, which factory-resets the device first and ERASES them.
A device whose auth key 1 is neither the factory key nor this mnemonic's is refused (exit 4: wrong mnemonic).
  --signer-password-out FILE   write the signer key's derived password (hex, mode 0600) for the signer config:
                               [backends.yubihsm] auth_key_id = 3, password_file = FILE, password_encoding = "hex"
  --factory-password-file FILE the factory auth key's password if it is not "password"
${DEVICE_OPTIONS_HELP}
${EXIT_CODES_HELP}`;

export async function setupCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    options: ['connector', 'config', 'mnemonic-file', 'passphrase-file', 'signer-password-out', 'factory-password-file'],
    booleans: ['force', 'json'],
  });
  if (args.flags.has('help')) {
    io.out(SETUP_HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const { seed, secrets } = readCeremonySecrets(args);
  seed.fill(0);
  const factoryFile = flag(args, 'factory-password-file');
  const factoryPassword = factoryFile ? readSecretText(factoryFile, 'factory password').trim() : undefined;
  const result = await withProgress(io, (p) =>
    withDevice(args, (client) =>
      setupCeremonyDevice(client, secrets, {
        force: args.flags.has('force'),
        ...(factoryPassword !== undefined ? { factoryPassword } : {}),
        onStep: (s) => p.step(s),
      }),
    ),
  );
  const signerOut = flag(args, 'signer-password-out');
  if (signerOut) writeSecretFile(userPath(signerOut), bytesToHex(secrets.signerPassword) + '\n', args.flags.has('force'));
  const L = CEREMONY_LAYOUT;
  const summary = {
    action: result.action,
    found: result.found,
    reset: result.reset,
    signing_keys_erased: result.reset ? result.signingKeysBefore : 0,
    ceremony_auth_key_id: L.ceremony.id,
    provisioner_auth_key_id: L.provisioner.id,
    signer_auth_key_id: L.signer.id,
    wrap_key_id: L.wrap.id,
    ...(signerOut ? { signer_password_file: userPath(signerOut) } : {}),
  };
  if (args.flags.has('json')) {
    io.out(JSON.stringify(summary));
    return 0;
  }
  io.out(result.action === 'unchanged' ? 'openKMS setup: the device is already set up from this mnemonic; nothing changed.' : 'openKMS setup complete:');
  io.out(`  ceremony_auth_key_id    = 0x${L.ceremony.id.toString(16).padStart(4, '0')}`);
  io.out(`  provisioner_auth_key_id = 0x${L.provisioner.id.toString(16).padStart(4, '0')}`);
  io.out(`  signer_auth_key_id      = 0x${L.signer.id.toString(16).padStart(4, '0')}`);
  io.out(`  wrap_key_id             = 0x${L.wrap.id.toString(16).padStart(4, '0')}`);
  if (result.reset && result.signingKeysBefore > 0) io.out(`  (--force: the device was reset; ${result.signingKeysBefore} signing key(s) erased)`);
  if (signerOut) io.out(`  signer password (hex) written to ${userPath(signerOut)}`);
  return 0;
}
