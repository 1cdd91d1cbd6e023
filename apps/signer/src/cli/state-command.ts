import { loadAuditKey } from '@openkms/audit';
import { openKmsError } from '@openkms/core';
import { recordedSpend } from '@openkms/policy';
import { loadConfig } from '../config/load-config.js';
import { restoreCounters } from '../runtime/counter-checkpoint.js';
import { auditInstancesIn, type AuditInstance } from './audit-instances.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, flagList, parseArgs, UsageError } from './parse-args.js';

export const STATE_HELP = `openkms state rebuild --config FILE [--audit-dir DIR…] [--force]

Fleet mode ([state] kind = "redis"): after Redis lost the fleet's data (a FLUSHALL, a restart without persistence, a
new server), every instance refuses to sign with 503 state_lost. rebuild puts the policy counters (sign counts and
rolling spend of the last 24 h) back into Redis from the union of the instances' audit logs: the accepted signatures
each instance's log holds (its counter checkpoint plus the records after it, as a single signer restores its counters
at start), then writes the fleet marker again; the instances sign again at once, no restart needed.

  --config FILE     a fleet instance's config: the Redis settings ([state.redis]) and the audit key (audit.key_file)
  --audit-dir DIR   a directory holding the instances' audit directories (<DIR>/<instance id>/audit*.jsonl), or one
                    instance's directory; repeatable (default: audit.dir of the config). Copy every instance's log
                    where this command can read it: a log left out is signatures not counted.
  --force           rebuild although the fleet marker is present (replaces the live counters and drops pending
                    reservations); without it a rebuild of a fleet that did not lose its state is refused

Every chain is read with its MACs checked; a broken one stops the rebuild (fix it first: openkms audit verify).
Kill switches and overlays are not in the audit counters: running instances keep their copy; re-apply any that an
instance started after the loss lacks (openkms keys … or the admin API).`;

export async function stateCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: ['config', 'audit-dir'], booleans: ['force'] });
  const [sub] = args.positionals;
  if (args.flags.has('help') || sub !== 'rebuild') {
    (args.flags.has('help') ? io.out : io.err)(STATE_HELP);
    return args.flags.has('help') ? 0 : 2;
  }
  const configFile = flag(args, 'config');
  if (!configFile) throw new UsageError('state rebuild needs --config FILE (a fleet instance config)');
  const config = await loadConfig(userPath(configFile));
  const r = config.state.redis;
  if (config.state.kind !== 'redis' || r === undefined) {
    throw new UsageError('state rebuild is for fleet mode ([state] kind = "redis"); a single signer restores its counters from its audit log at start');
  }
  const key = await loadAuditKey(config.audit.keyFile);
  const dirs = flagList(args, 'audit-dir').map(userPath);
  const instances: AuditInstance[] = [];
  for (const d of dirs.length > 0 ? dirs : [config.audit.dir]) instances.push(...(await auditInstancesIn(d)));
  if (instances.length === 0) throw new UsageError('no instance audit logs found (pass --audit-dir DIR)');

  const now = Date.now();
  const since = now - 24 * 3600 * 1000;
  const events: { label: string; time: number; spend: Map<string, bigint> }[] = [];
  for (const inst of instances) {
    const restored = await restoreCounters(inst.dir, key, now);
    let n = 0;
    for (const [i, rec] of restored.records.entries()) {
      const time = rec.time instanceof Date ? rec.time.getTime() : typeof rec.time === 'number' ? rec.time : Date.parse(String(rec.time));
      if (!Number.isFinite(time) || typeof rec.label !== 'string' || rec.label === '') {
        throw openKmsError('config_invalid', `instance ${inst.name}: accepted signature #${i} has no readable time or label`, { file: inst.dir });
      }
      if (time <= since) continue;
      events.push({ label: rec.label, time, spend: recordedSpend(rec.intent) });
      n++;
    }
    io.out(`instance ${inst.name} (${inst.dir}): ${n} accepted signature${n === 1 ? '' : 's'} in the last 24 h (from the ${restored.source})`);
  }

  const { createRedisClient, rebuildFleetState } = await import('@openkms/redis-store');
  const redis = createRedisClient({
    url: r.url,
    keyPrefix: r.keyPrefix,
    commandTimeoutMs: Math.max(r.commandTimeoutMs, 30_000),
    ...(r.username ? { username: r.username } : {}),
    ...(r.passwordFile ? { passwordFile: r.passwordFile } : {}),
    ...(r.tls ? { tls: r.tls } : {}),
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const result = await rebuildFleetState(redis, r.keyPrefix, events, { force: args.flags.has('force') });
    io.out(
      `fleet state under ${r.keyPrefix} rebuilt: ${result.signatures} signature${result.signatures === 1 ? '' : 's'} from ${instances.length} instance log${instances.length === 1 ? '' : 's'}; the instances sign again`,
    );
    return 0;
  } finally {
    redis.disconnect();
  }
}
