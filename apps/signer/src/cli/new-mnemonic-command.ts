import { DEFAULT_AUTH_KEY_ID, DEFAULT_AUTH_KEY_PASSWORD, readPasswordFile } from '@openkms/yubihsm';
import { ceremonyError, isObjectNotFound, isWrongCredential, mixedEntropyMnemonic, newCeremonyMnemonic, toCeremonyError } from '@openkms/yubihsm/ceremony';
import { stdio, userPath, type CliIo } from './cli-context.js';
import { EXIT_CODES_HELP } from './cli-exit-codes.js';
import { withProgress } from './cli-progress.js';
import { writeSecretFile } from './secret-output-file.js';
import { authKeyIdOf, closeQuietly, withDevice } from './device-cli-options.js';
import { flag, parseArgs, UsageError } from './parse-args.js';

export const NEW_MNEMONIC_HELP = `openkms new-mnemonic [--connector URL] [--config FILE] [--auth-key-id N --password-file FILE]
                     [--no-device] [--out FILE] [--json]

Prints a new 24-word BIP-39 mnemonic, the root of every credential 'openkms setup' derives. Its 256 bits of entropy
are SHA-256 over 32 bytes from the YubiHSM2's random generator (GET_PSEUDO_RANDOM) and 32 bytes from this host's
CSPRNG: the phrase is as unpredictable as the better of the two. The session uses the factory auth key 1
("password") unless --auth-key-id/--password-file name another key with get-pseudo-random (after setup: the signer
key 3, --password-encoding hex with its derived password file).
  --no-device    host randomness only (no YubiHSM2 needed; for a phrase made before the device arrives)
  --out FILE     write the phrase to FILE (created 0600, never overwritten) instead of stdout
  --json         {"mnemonic": "...", "words": 24, "entropy": "device+host" | "host"}
Write the phrase down offline; anyone who has it controls every key derived from it. On a terminal a warning is
printed to stderr; the phrase never goes to stderr or a log.
${EXIT_CODES_HELP}`;

export async function newMnemonicCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    options: ['connector', 'config', 'auth-key-id', 'password-file', 'password-encoding', 'out'],
    booleans: ['no-device', 'json'],
  });
  if (args.flags.has('help')) {
    io.out(NEW_MNEMONIC_HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  let mnemonic: string;
  let entropy: 'device+host' | 'host';
  if (args.flags.has('no-device')) {
    mnemonic = newCeremonyMnemonic();
    entropy = 'host';
  } else {
    const id = authKeyIdOf(args) ?? DEFAULT_AUTH_KEY_ID;
    const passwordFile = flag(args, 'password-file');
    const encoding = flag(args, 'password-encoding') ?? 'utf8';
    if (encoding !== 'utf8' && encoding !== 'hex') throw new UsageError('--password-encoding must be utf8 or hex');
    const password = passwordFile ? readPasswordFile(userPath(passwordFile), encoding, '--password-file') : DEFAULT_AUTH_KEY_PASSWORD;
    const deviceRandom = await withProgress(io, (p) =>
      withDevice(args, async (client, connector) => {
        p.step(`reading 32 random bytes from the YubiHSM2 at ${connector}`);
        let session;
        try {
          session = await client.openSession(id, { password });
          return await session.getPseudoRandom(32);
        } catch (err) {
          if (!passwordFile && (isObjectNotFound(err) || isWrongCredential(err)))
            throw ceremonyError(
              'authentication_failed',
              `auth key ${id} does not open with the factory password: the device is set up (use its signer key: --auth-key-id 3 --password-file FILE --password-encoding hex)`,
              { auth_key_id: id },
              err,
            );
          throw toCeremonyError(err, 'new-mnemonic', { auth_key_id: id });
        } finally {
          await closeQuietly(session);
        }
      }),
    );
    mnemonic = mixedEntropyMnemonic(deviceRandom);
    deviceRandom.fill(0);
    entropy = 'device+host';
  }
  const out = flag(args, 'out');
  if (out) {
    const file = userPath(out);
    writeSecretFile(file, mnemonic + '\n');
    if (args.flags.has('json')) io.out(JSON.stringify({ file, words: 24, entropy }));
    else io.err(`wrote a new 24-word mnemonic to ${file} (mode 0600; entropy: ${entropy}). Copy it offline, then delete the file.`);
    return 0;
  }
  if (io === stdio && process.stdout.isTTY)
    io.err('WARNING: the mnemonic below controls every key derived from it. Write it down offline; clear the terminal afterwards.');
  io.out(args.flags.has('json') ? JSON.stringify({ mnemonic, words: 24, entropy }) : mnemonic);
  return 0;
}
