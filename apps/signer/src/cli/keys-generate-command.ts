import { CEREMONY_LAYOUT } from '@openkms/yubihsm';
import { describeSigningKey, toCeremonyError } from '@openkms/yubihsm/ceremony';
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
  withDevice,
} from './device-cli-options.js';
import { CEREMONY_CHAINS, chainAddress, chainOf, labelOf } from './key-addresses.js';
import { keyConfigSnippet } from './key-config-snippet.js';
import { flag, parseArgs } from './parse-args.js';

export const KEYS_GENERATE_HELP = `openkms keys generate --label LABEL --chain solana|cosmos|evm [--object-id ID] [--config-snippet] [--json]
    (YubiHSM2)  --mnemonic-file FILE [--passphrase-file FILE] | --password-file FILE --auth-key-id N
    (other backends) --config FILE --backend NAME

Generates a new signing key inside the key store; its private key never exists outside it (it cannot be re-derived from
the mnemonic: back it up with 'openkms backup'). On a YubiHSM2: ed25519 (solana) or eck256 (cosmos, evm) in domain 1
with sign-eddsa/sign-ecdsa and exportable-under-wrap. Generating needs generate-asymmetric-key, which in the ceremony
layout only the ceremony key (1) has, so it logs in with the ceremony key derived from --mnemonic-file (or the key of
--auth-key-id with --password-file). With --backend NAME (a [backends.NAME] of --config whose backend can generate
keys: pkcs11, aws-kms, azure-key-vault, vault) the key is made there. --config-snippet prints the [keys.<label>] table for the signer config.
${DEVICE_OPTIONS_HELP}
${EXIT_CODES_HELP}`;

export async function keysGenerateCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    options: [...DEVICE_OPTIONS, ...CREDENTIAL_OPTIONS, 'label', 'chain', 'object-id', 'backend', 'bech32-prefix'],
    booleans: ['config-snippet', 'json'],
  });
  if (args.flags.has('help')) {
    io.out(KEYS_GENERATE_HELP);
    return 0;
  }
  const label = labelOf(flag(args, 'label'));
  const chain = chainOf(flag(args, 'chain'));
  const curve = CEREMONY_CHAINS[chain].curve;
  const backendName = flag(args, 'backend');
  let keyId: string;
  let publicKey: Uint8Array;
  let algorithm: string;
  if (backendName !== undefined && !isDeviceMode(args)) {
    const { generateWithBackend } = await import('./backend-keys.js');
    const key = await withProgress(io, async (p) => {
      p.step(`generating a ${curve} key in backend ${backendName}`);
      return generateWithBackend(args, backendName, { curve, label });
    });
    ({ id: keyId, publicKey } = key);
    algorithm = curve;
  } else {
    const objectId = objectIdOf(args);
    const key = await withProgress(io, (p) =>
      withDevice(args, async (client, connector) => {
        p.step(`logging in as the ceremony key at ${connector}`);
        const session = await openRoleSession(client, args, 'ceremony');
        try {
          p.step(`generating ${label} in the device`);
          const id = await session.generateAsymmetricKey({
            id: objectId ?? 0,
            label,
            domains: [CEREMONY_LAYOUT.signingDomain],
            capabilities: [curve === 'ed25519' ? 'sign-eddsa' : 'sign-ecdsa', 'exportable-under-wrap'],
            algorithm: curve === 'ed25519' ? 'ed25519' : 'eck256',
          });
          return await describeSigningKey(session, id);
        } catch (err) {
          throw toCeremonyError(err, `keys generate ${label}`, objectId !== undefined ? { object_id: objectId } : {});
        } finally {
          await closeQuietly(session);
        }
      }),
    );
    keyId = hexObjectId(key.id);
    publicKey = key.publicKey;
    algorithm = key.algorithm;
  }
  const address = chainAddress(chain, publicKey, flag(args, 'bech32-prefix'));
  const backend = backendName ?? 'yubihsm';
  const row = {
    label,
    chain,
    backend,
    key_id: keyId,
    object_id: backendName && !isDeviceMode(args) ? undefined : keyId,
    algorithm,
    origin: 'generated',
    address,
  };
  const snippet = args.flags.has('config-snippet')
    ? keyConfigSnippet({ label, chain, backend, keyId, address, ...(flag(args, 'bech32-prefix') ? { bech32Prefix: flag(args, 'bech32-prefix')! } : {}) })
    : undefined;
  if (args.flags.has('json')) io.out(JSON.stringify({ ...row, ...(snippet ? { config_snippet: snippet } : {}) }));
  else {
    io.out(`generated key ${label}: key_id=${keyId} algorithm=${algorithm}`);
    io.out(`address: ${address}`);
    if (snippet) io.out(`\n${snippet}`);
  }
  return 0;
}

/** A YubiHSM2 is meant when a connector or device credential is given (--backend then only names it in the snippet). */
function isDeviceMode(args: ReturnType<typeof parseArgs>): boolean {
  return ['connector', 'mnemonic-file', 'password-file'].some((o) => args.flags.has(o));
}
