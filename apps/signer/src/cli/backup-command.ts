import { exportBackupBundle, toOriginalBackup } from '@openkms/yubihsm/ceremony';
import { userPath, type CliIo } from './cli-context.js';
import { EXIT_CODES_HELP } from './cli-exit-codes.js';
import { withProgress } from './cli-progress.js';
import { closeQuietly, CREDENTIAL_OPTIONS, DEVICE_OPTIONS, DEVICE_OPTIONS_HELP, hexObjectId, openRoleSession, withDevice } from './device-cli-options.js';
import { flag, parseArgs, UsageError } from './parse-args.js';
import { writeSecretFile } from './secret-output-file.js';

export const BACKUP_HELP = `openkms backup --out FILE [--format openkms|original] [--force] [--json]
               --mnemonic-file FILE [--passphrase-file FILE] | --password-file FILE --auth-key-id N

Wrap-exports every signing key of the YubiHSM2 under wrap key 1 (AES-256-CCM, derived from the mnemonic) into one file,
created with mode 0600 (never overwritten without --force). Logs in as the provisioner key (2). The keys stay
encrypted: only a device holding the same wrap key (set up from the same mnemonic) can import them. A key that is not
exportable under wrap fails the backup (exit 5).
  --format openkms   (default) a versioned, checksummed bundle:
                     {"format": "openkms-backup", "version": 1, "created_at", "device_serial", "wrap_key_id": 1,
                      "keys": [{"object_id", "nonce", "ciphertext", "label", "algorithm", "origin", "public_key"}],
                      "checksum": "sha256:…"}
  --format original  the original openKMS's [{"object_id", "nonce", "ciphertext"}] (no checksum, no public keys)
The original openKMS cannot read the bundle as a whole, but every entry of its "keys" array is exactly its
ExportedKey (object_id, nonce, ciphertext; extra fields are ignored): 'jq .keys bundle.json' is a backup it restores,
and one entry is a file its 'keys import' takes. 'openkms restore' reads both formats.
${DEVICE_OPTIONS_HELP}
${EXIT_CODES_HELP}`;

export async function backupCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: [...DEVICE_OPTIONS, ...CREDENTIAL_OPTIONS, 'out', 'format'], booleans: ['force', 'json'] });
  if (args.flags.has('help')) {
    io.out(BACKUP_HELP);
    return 0;
  }
  const out = flag(args, 'out');
  if (!out) throw new UsageError('--out FILE is required');
  const format = flag(args, 'format') ?? 'openkms';
  if (format !== 'openkms' && format !== 'original') throw new UsageError('--format must be openkms or original');
  const bundle = await withProgress(io, (p) =>
    withDevice(args, async (client, connector) => {
      p.step(`logging in as the provisioner at ${connector}`);
      const serial = await client.describe().then(
        (d) => d.serial,
        () => undefined,
      );
      const session = await openRoleSession(client, args, 'provisioner');
      try {
        return await exportBackupBundle(session, {
          ...(serial !== undefined ? { deviceSerial: serial } : {}),
          onKey: (id, label) => p.step(`exporting ${hexObjectId(id)} ${label}`),
        });
      } finally {
        await closeQuietly(session);
      }
    }),
  );
  const file = userPath(out);
  const doc = format === 'openkms' ? bundle : toOriginalBackup(bundle);
  writeSecretFile(file, JSON.stringify(doc, null, 2) + '\n', args.flags.has('force'));
  const summary = {
    file,
    format,
    keys: bundle.keys.map((k) => ({ object_id: hexObjectId(k.object_id), label: k.label, algorithm: k.algorithm })),
    checksum: format === 'openkms' ? bundle.checksum : undefined,
  };
  if (args.flags.has('json')) io.out(JSON.stringify(summary));
  else {
    io.out(`backed up ${bundle.keys.length} key(s) to ${file} (${format} format, mode 0600)`);
    for (const k of summary.keys) io.out(`  ${k.object_id}  ${k.label ?? ''}  ${k.algorithm ?? ''}`);
  }
  return 0;
}
