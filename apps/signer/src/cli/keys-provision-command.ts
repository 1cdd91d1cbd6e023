import { describeSigningKey, importCeremonySigningKey, toCeremonyError } from '@openkms/yubihsm/ceremony';
import type { CliIo } from './cli-context.js';
import { EXIT_CODES_HELP } from './cli-exit-codes.js';
import { withProgress } from './cli-progress.js';
import {
  closeQuietly,
  CREDENTIAL_OPTIONS,
  DEVICE_OPTIONS,
  DEVICE_OPTIONS_HELP,
  hexObjectId,
  objectIdOf,
  openRoleSession,
  readCeremonySecrets,
  withDevice,
} from './device-cli-options.js';
import { CEREMONY_CHAINS, chainAddress, chainOf, labelOf } from './key-addresses.js';
import { keyConfigSnippet } from './key-config-snippet.js';
import { flag, parseArgs, UsageError, type ParsedArgs } from './parse-args.js';

const bech32 = (args: ParsedArgs) => (flag(args, 'bech32-prefix') ? { bech32Prefix: flag(args, 'bech32-prefix')! } : {});

export const KEYS_PROVISION_HELP = `openkms keys provision --label LABEL --chain solana|cosmos|evm --mnemonic-file FILE [--passphrase-file FILE]
                       [--index N | --path PATH] [--object-id ID] [--backend NAME] [--config-snippet] [--json]

Derives a signing key from the ceremony mnemonic and imports it into the YubiHSM2 (domain 1, sign-eddsa or
sign-ecdsa, exportable under the wrap key so 'openkms backup' can save it), logged in as the provisioner key (2)
derived from the same mnemonic (or --password-file/--auth-key-id). Paths (N = --index, default 0):
  solana  SLIP-10 ed25519   m/44'/501'/N'/0'
  cosmos  BIP-32 secp256k1  m/44'/118'/0'/0/N
  evm     BIP-32 secp256k1  m/44'/60'/0'/0/N
--path PATH overrides (the original openKMS's option). --object-id picks the object id (decimal or 0x hex; default: the
device picks). --config-snippet prints the [keys.<label>] table for the signer config (--backend NAME names the
backend in it, default "yubihsm"). The same mnemonic, chain and index always give the same key and address.
${DEVICE_OPTIONS_HELP}
${EXIT_CODES_HELP}`;

export async function keysProvisionCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    options: [...DEVICE_OPTIONS, ...CREDENTIAL_OPTIONS, 'label', 'chain', 'index', 'path', 'object-id', 'backend', 'bech32-prefix'],
    booleans: ['config-snippet', 'json'],
  });
  if (args.flags.has('help')) {
    io.out(KEYS_PROVISION_HELP);
    return 0;
  }
  const label = labelOf(flag(args, 'label'));
  const chain = chainOf(flag(args, 'chain'));
  const indexText = flag(args, 'index');
  const explicitPath = flag(args, 'path');
  if (indexText !== undefined && explicitPath !== undefined) throw new UsageError('give --index or --path, not both');
  const index = indexText === undefined ? 0 : Number(indexText);
  if (!Number.isInteger(index) || index < 0 || index >= 0x80000000) throw new UsageError('--index must be an integer 0–2147483647');
  const path = explicitPath ?? CEREMONY_CHAINS[chain].path(index);
  const objectId = objectIdOf(args);
  const { seed } = readCeremonySecrets(args);
  try {
    const key = await withProgress(io, (p) =>
      withDevice(args, async (client, connector) => {
        p.step(`logging in as the provisioner at ${connector}`);
        const session = await openRoleSession(client, args, 'provisioner');
        try {
          p.step(`deriving ${path} and importing it as ${label}`);
          const id = await importCeremonySigningKey(session, seed, { id: objectId ?? 0, label, curve: CEREMONY_CHAINS[chain].curve, path });
          return await describeSigningKey(session, id);
        } catch (err) {
          throw toCeremonyError(err, `keys provision ${label}`, objectId !== undefined ? { object_id: objectId } : {});
        } finally {
          await closeQuietly(session);
        }
      }),
    );
    const address = chainAddress(chain, key.publicKey, flag(args, 'bech32-prefix'));
    const row = { label, chain, object_id: hexObjectId(key.id), algorithm: key.algorithm, origin: key.origin, derivation_path: path, address };
    const snippet = args.flags.has('config-snippet')
      ? keyConfigSnippet({
          label,
          chain,
          backend: flag(args, 'backend') ?? 'yubihsm',
          keyId: hexObjectId(key.id),
          address,
          derivationPath: path,
          ...bech32(args),
        })
      : undefined;
    if (args.flags.has('json')) io.out(JSON.stringify({ ...row, ...(snippet ? { config_snippet: snippet } : {}) }));
    else {
      io.out(`imported key ${label}: object_id=${row.object_id} algorithm=${key.algorithm} path=${path}`);
      io.out(`address: ${address}`);
      if (snippet) io.out(`\n${snippet}`);
    }
    return 0;
  } finally {
    seed.fill(0);
  }
}
