import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { createAuditKeyFile } from '@openkms/audit';
import { writeFileAtomicSync } from '@openkms/policy';
import { TokenStore } from '../auth/token-store.js';
import { parseConfig } from '../config/load-config.js';
import { migrateKeyFlags, migrateOriginalConfig } from '../config/migrate-original-config.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, flagList, parseArgs, UsageError } from './parse-args.js';

export const CONFIG_MIGRATE_HELP = `openkms config migrate --from-original FILE --out DIR [--solana-cluster NAME]
       [--cosmos-chain-id LABEL=CHAIN_ID]... [--hsm-password-encoding utf8|hex]

Converts the original Rust openKMS's config.toml into ours in DIR (a new directory): config.toml, tokens.json with
its signer token (sign, read) and admin token (admin, read) imported by hash, state.json with its kill switches
(state_dir/key-flags.json), a new audit key. Prints everything it could not carry over as it was. Solana keys are
pinned to --solana-cluster (default mainnet-beta); Cosmos chain ids come from --cosmos-chain-id or default_hrp.`;

/** The bearer tokens our Authorization parser accepts (RFC 6750 b64token). */
const TOKEN_CHARS = /^[A-Za-z0-9._~+/-]+=*$/;

export async function configMigrateCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: ['from-original', 'out', 'solana-cluster', 'cosmos-chain-id', 'hsm-password-encoding'] });
  if (args.flags.has('help')) {
    io.out(CONFIG_MIGRATE_HELP);
    return 0;
  }
  const from = flag(args, 'from-original');
  const outFlag = flag(args, 'out');
  if (!from || !outFlag) throw new UsageError('config migrate needs --from-original FILE and --out DIR');
  const encoding = flag(args, 'hsm-password-encoding') ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'hex') throw new UsageError('--hsm-password-encoding must be utf8 or hex');
  const chainIds: Record<string, string> = {};
  for (const pair of flagList(args, 'cosmos-chain-id')) {
    const m = /^([A-Za-z0-9._-]{1,64})=(\S+)$/.exec(pair);
    if (!m) throw new UsageError('--cosmos-chain-id wants LABEL=CHAIN_ID');
    chainIds[m[1]!] = m[2]!;
  }
  const file = userPath(from);
  const out = userPath(outFlag);
  if (existsSync(join(out, 'config.toml'))) throw new UsageError(`${out}/config.toml exists; choose a new --out directory`);

  const cluster = flag(args, 'solana-cluster');
  const migrated = migrateOriginalConfig(readFileSync(file, 'utf8'), {
    file,
    cosmosChainIds: chainIds,
    passwordEncoding: encoding,
    ...(cluster ? { solanaCluster: cluster } : {}),
  });
  const notes = [...migrated.notes];
  mkdirSync(out, { recursive: true, mode: 0o700 });

  // tokens: only their hashes are stored; the token files themselves stay where they are
  const store = TokenStore.load(join(out, 'tokens.json'), { allowMissing: true });
  for (const [name, scopes, path] of [
    ['original-signer', ['sign', 'read'], migrated.tokenFiles.signer],
    ['original-admin', ['admin', 'read'], migrated.tokenFiles.admin],
  ] as const) {
    let token: string;
    try {
      token = readFileSync(path, 'utf8').replace(/[\n\r \t]+$/, '');
    } catch (err) {
      notes.push(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'}); token ${name} not imported — create one with openkms token create`);
      continue;
    }
    if (!TOKEN_CHARS.test(token)) {
      notes.push(`${path}: the token has characters an Authorization: Bearer header cannot carry here; not imported — create a new one`);
      continue;
    }
    store.import(name, scopes, token);
    if (token.length < 16) notes.push(`${path}: token ${name} is only ${token.length} characters; replace it (openkms token create)`);
  }

  // kill switches
  const labels = Object.keys(migrated.config.keys);
  if (existsSync(migrated.keyFlagsFile)) {
    const state = migrateKeyFlags(readFileSync(migrated.keyFlagsFile, 'utf8'), labels, notes);
    writeFileAtomicSync(join(out, 'state.json'), JSON.stringify(state, null, 2) + '\n');
  } else notes.push(`${migrated.keyFlagsFile} does not exist: no kill switch to carry over`);

  await createAuditKeyFile(join(out, 'audit.key'));
  const text =
    `# Migrated by 'openkms config migrate' from ${file}\n# Check the notes it printed; README "Migrating from the Rust openKMS" lists every difference.\n\n` +
    TOML.stringify(migrated.config as TOML.JsonMap);
  const configFile = join(out, 'config.toml');
  writeFileSync(configFile, text, { mode: 0o600 });
  parseConfig(text, configFile); // what `openkms run` will read: fail here, not at startup

  io.out(`${configFile}: written (${labels.length} keys: ${labels.join(', ') || 'none'}); tokens.json: ${store.list().length} imported token(s)`);
  if (notes.length > 0) io.out(`\nNot carried over as it was (${notes.length}):\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  return 0;
}
