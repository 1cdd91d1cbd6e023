import { formatVerifyReport, listAuditFiles, loadAuditKey, openAuditLog, verifyAuditFiles } from '@openkms/audit';
import { loadConfig } from '../config/load-config.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, parseArgs, UsageError } from './parse-args.js';

export const AUDIT_HELP = `openkms audit verify [FILE…] [--config FILE | --dir DIR --key FILE]
openkms audit repair [--config FILE | --dir DIR --key FILE]

Checks the HMAC chain of the audit log: JSON syntax, sequence numbers, each record's MAC and its link to the
previous one, across rotated files. Reports the first broken record by file and line. Exit 0 = intact, 1 = broken.

  FILE…          audit files in chronological order (default: every file of the audit dir, in order)
  --config FILE  take audit.dir and audit.key_file from this signer config
  --dir DIR      the audit directory
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
  if (configFile) {
    const config = await loadConfig(userPath(configFile));
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
  const list = files.length > 0 ? files.map(userPath) : dir ? await listAuditFiles(userPath(dir)) : [];
  if (list.length === 0) throw new UsageError('no audit files given (pass FILE… or --dir / --config)');
  const report = await verifyAuditFiles(list, await loadAuditKey(userPath(keyFile)));
  io.out(formatVerifyReport(report));
  return report.ok ? 0 : 1;
}
