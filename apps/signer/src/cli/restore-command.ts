import { readFileSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { parseBackup, restoreBackup } from '@openkms/yubihsm/ceremony';
import { userPath, type CliIo } from './cli-context.js';
import { EXIT_CODES_HELP } from './cli-exit-codes.js';
import { withProgress } from './cli-progress.js';
import { closeQuietly, CREDENTIAL_OPTIONS, DEVICE_OPTIONS, DEVICE_OPTIONS_HELP, hexObjectId, openRoleSession, withDevice } from './device-cli-options.js';
import { flag, parseArgs, UsageError } from './parse-args.js';

export const RESTORE_HELP = `openkms restore --in FILE [--json]
                --mnemonic-file FILE [--passphrase-file FILE] | --password-file FILE --auth-key-id N

Imports the keys of a backup onto a YubiHSM2 set up ('openkms setup') from the same mnemonic, logged in as the
provisioner key (2), and checks that every restored public key is the one the backup recorded (exit 6 otherwise).
Reads openKMS bundles (format, version and checksum checked; exit 6 when they do not match) and the original
openKMS's [{"object_id", "nonce", "ciphertext"}] backups (they record no public key: the restored keys are listed
with their public keys so they can be compared with the config's addresses). A key already on the device with the
same public key is skipped, so a restore can be re-run; one with another public key is refused (exit 5). A backup
made under another wrap key (another mnemonic) is refused (exit 4).
${DEVICE_OPTIONS_HELP}
${EXIT_CODES_HELP}`;

export async function restoreCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: [...DEVICE_OPTIONS, ...CREDENTIAL_OPTIONS, 'in'], booleans: ['json'] });
  if (args.flags.has('help')) {
    io.out(RESTORE_HELP);
    return 0;
  }
  const input = flag(args, 'in');
  if (!input) throw new UsageError('--in FILE is required');
  const file = userPath(input);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw openKmsError(ErrorCode.configInvalid, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
  const backup = parseBackup(text);
  const restored = await withProgress(io, (p) =>
    withDevice(args, async (client, connector) => {
      p.step(`logging in as the provisioner at ${connector}`);
      const session = await openRoleSession(client, args, 'provisioner');
      try {
        return await restoreBackup(session, backup, { onKey: (id) => p.step(`restoring ${hexObjectId(id)}`) });
      } finally {
        await closeQuietly(session);
      }
    }),
  );
  if (args.flags.has('json')) {
    io.out(JSON.stringify({ file, format: backup.kind, keys: restored.map((k) => ({ ...k, object_id: hexObjectId(k.object_id) })) }));
    return 0;
  }
  io.out(`restored ${restored.filter((k) => k.status === 'restored').length} of ${restored.length} key(s) from ${file} (${backup.kind} format)`);
  for (const k of restored)
    io.out(
      `  ${hexObjectId(k.object_id)}  ${k.label}  ${k.algorithm}  ${k.status}  ${k.verified ? 'public key verified' : `public key ${k.public_key} (not recorded in the backup)`}`,
    );
  return 0;
}
