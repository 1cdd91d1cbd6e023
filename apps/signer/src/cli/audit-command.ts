import { formatVerifyReport, listAuditFiles, loadAuditKey, openAuditLog, verifyAuditFiles } from '@openkms/audit';
import { loadConfig } from '../config/load-config.js';
import { auditInstancesIn, isDirectory, type AuditInstance } from './audit-instances.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, flagList, parseArgs, UsageError } from './parse-args.js';

export const AUDIT_HELP = `openkms audit verify [FILE…|DIR…] [--config FILE | --dir DIR… --key FILE]
openkms audit repair [--config FILE | --dir DIR --key FILE]

Checks the HMAC chain of the audit log: JSON syntax, sequence numbers, each record's MAC and its link to the
previous one, across rotated files. Reports the first broken record by file and line. Exit 0 = intact, 1 = broken.

Fleet mode: every instance writes its own chain into <audit.dir>/<instance id>. A directory without audit files of
its own but with such subdirectories (a fleet's audit.dir, or one where the instances' logs were copied) is checked
chain by chain, with one report per instance; exit 0 only when every chain is intact.

  FILE…          audit files of one chain in chronological order (default: every file of the audit dir, in order)
  DIR…           directories: each one chain (an instance's directory), or a fleet's directory of instances
  --config FILE  take audit.dir and audit.key_file from this signer config
  --dir DIR      the audit directory (repeatable for verify)
  --key FILE     the audit key file (0600)

repair: after a crash or a full disk the newest audit file can end in a partial line (a torn write, never a
committed record); the signer then refuses to start. repair moves those bytes aside to <file>.<time>.torn and
leaves the chain intact. It never touches a complete record: a record that fails its MAC or a broken link needs an
operator's investigation (audit verify says where). Run it only while the signer is stopped.`;

export async function auditCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: ['config', 'dir', 'key'] });
  const [sub, ...files] = args.positionals;
  if (args.flags.has('help') || (sub !== 'verify' && sub !== 'repair')) {
    (args.flags.has('help') ? io.out : io.err)(AUDIT_HELP);
    return args.flags.has('help') ? 0 : 2;
  }
  let dir = flag(args, 'dir');
  let keyFile = flag(args, 'key');
  const configFile = flag(args, 'config');
  let configDir: string | undefined;
  if (configFile) {
    const config = await loadConfig(userPath(configFile));
    if (dir === undefined) configDir = config.audit.dir;
    dir ??= config.audit.dir;
    keyFile ??= config.audit.keyFile;
  }
  if (!keyFile) throw new UsageError(`audit ${sub} needs --key FILE or --config FILE`);
  if (sub === 'repair') {
    if (!dir) throw new UsageError('audit repair needs --dir DIR or --config FILE');
    const log = await openAuditLog({ dir: userPath(dir), key: await loadAuditKey(userPath(keyFile)), repairTruncatedTail: true });
    const last = log.lastSeq;
    await log.close();
    io.out(`audit log ${userPath(dir)}: chain continues at seq ${last} (any torn tail was moved aside to a .torn file)`);
    return 0;
  }
  const key = await loadAuditKey(userPath(keyFile));
  const paths = files.map(userPath);
  const plainFiles = paths.filter((p) => !isDirectory(p));
  const dirs = paths.length > 0 ? paths.filter(isDirectory) : [...flagList(args, 'dir').map(userPath), ...(configDir === undefined ? [] : [configDir])];
  // one chain as before: audit files, or a directory holding audit files itself
  if (plainFiles.length > 0 && dirs.length === 0) return verifyOne(plainFiles, key, io);
  if (plainFiles.length > 0) throw new UsageError('pass either audit files of one chain or directories, not both');
  const instances: AuditInstance[] = [];
  for (const d of dirs) instances.push(...(await auditInstancesIn(d)));
  if (instances.length === 0) throw new UsageError('no audit files given (pass FILE… or --dir / --config)');
  if (instances.length === 1 && dirs.length === 1 && instances[0]!.dir === dirs[0]) return verifyOne(await listAuditFiles(instances[0]!.dir), key, io);
  let ok = true;
  for (const inst of instances) {
    const report = await verifyAuditFiles(await listAuditFiles(inst.dir), key);
    ok &&= report.ok;
    io.out(`instance ${inst.name} (${inst.dir}): ${formatVerifyReport(report).replace(/\n/g, '\n  ')}`);
  }
  io.out(ok ? `${instances.length} audit chains OK` : `audit chains BROKEN: ${instances.length} checked, see above`);
  return ok ? 0 : 1;
}

async function verifyOne(list: readonly string[], key: Uint8Array, io: CliIo): Promise<number> {
  const report = await verifyAuditFiles(list, key);
  io.out(formatVerifyReport(report));
  return report.ok ? 0 : 1;
}
