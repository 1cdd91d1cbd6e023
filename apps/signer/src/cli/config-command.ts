import { loadConfig } from '../config/load-config.js';
import { pluginFor } from '../keys/key-directory.js';
import { defaultSearchPaths } from '../plugins/discover-plugins.js';
import { loadPlugins } from '../plugins/load-plugins.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, parseArgs, UsageError } from './parse-args.js';

export const CONFIG_HELP = `openkms config check --config FILE
openkms config migrate --from-original FILE --out DIR   (see openkms config migrate --help)

check: validates a config file without starting anything; errors name the dotted path of the offending key.
migrate: converts the original Rust openKMS's config.toml, tokens and kill switches into ours.`;

export async function configCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'migrate') {
    const { configMigrateCommand } = await import('./config-migrate-command.js');
    return configMigrateCommand(argv.slice(1), io);
  }
  const args = parseArgs(argv, { options: ['config'] });
  if (args.flags.has('help') || args.positionals[0] !== 'check') {
    (args.flags.has('help') ? io.out : io.err)(CONFIG_HELP);
    return args.flags.has('help') ? 0 : 2;
  }
  const file = flag(args, 'config');
  if (!file) throw new UsageError('config check needs --config FILE');
  const config = await loadConfig(userPath(file));
  // the same plugin discovery as `run`, so a key on a chain no installed plugin serves fails here too
  const { plugins } = await loadPlugins({
    searchPaths: [...config.plugins.searchPaths, ...defaultSearchPaths()],
    ...(config.plugins.enabled ? { enabled: config.plugins.enabled } : {}),
    options: config.plugins.options,
  });
  const chains = new Map(plugins.map((p) => [p.signer.chain, p.signer]));
  for (const [label, key] of Object.entries(config.keys)) pluginFor(label, key, chains);
  io.out(`${config.file}: ok (${Object.keys(config.keys).length} keys; chains ${[...chains.keys()].sort().join(', ')})`);
  return 0;
}
