import { dirname, resolve } from 'node:path';
import { isOpenKmsError, type ChainSigner } from '@openkms/core';
import { rawKeyProblems } from '../config/check-keys.js';
import { rawNetworkProblems } from '../config/check-networks.js';
import { rawGatewayChains, rawGatewayProblems } from '../config/check-gateway.js';
import type { ConfigProblem } from '../config/config-problems.js';
import { backendProblems } from '../config/check-backends.js';
import { parseConfig, readConfigFile, readConfigText, schemaProblems } from '../config/load-config.js';
import { loadBackendPlugins } from '../plugins/load-backend-plugins.js';
import { defaultSearchPaths } from '../plugins/discover-plugins.js';
import { loadPlugins } from '../plugins/load-plugins.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, parseArgs, UsageError } from './parse-args.js';

export const CONFIG_HELP = `openkms config check --config FILE
openkms config migrate --from-original FILE --out DIR   (see openkms config migrate --help)

check: validates a config file without starting anything and reports every error in it (not only the first), each
with the dotted path of the offending key: the signer's schema, then each key's options and policy as its chain plugin
checks them (network option, asset ids, addresses, program ids…), then each [backends.<name>] table as its backend
plugin checks it, and each key's backend, key id and curve, and each [gateway.contracts.<name>] (network, address,
ABI file and its entries). Exit status 1 when there is any error.
migrate: converts the original Rust openKMS's config.toml, tokens and kill switches into ours.`;

type Raw = Record<string, unknown>;

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
  const path = userPath(file);
  const text = await readConfigFile(path);
  const raw = readConfigText(text, path);
  const problems: ConfigProblem[] = schemaProblems(raw);
  // the same plugin discovery as `run` (when the [plugins] table itself is valid), so every key is checked by its plugin
  let chains: string[] = [];
  let chainMap: Map<string, ChainSigner<any, any>> | undefined;
  if (!problems.some((p) => p.path === 'plugins' || p.path.startsWith('plugins.'))) {
    const plugins = (raw.plugins ?? {}) as { search_paths?: string[]; enabled?: string[]; options?: Record<string, Record<string, unknown>> };
    try {
      const loaded = await loadPlugins({
        searchPaths: [...(plugins.search_paths ?? []).map((p) => resolve(dirname(path), p)), ...defaultSearchPaths()],
        ...(plugins.enabled ? { enabled: plugins.enabled } : {}),
        options: plugins.options ?? {},
      });
      const map = new Map(loaded.plugins.map((p) => [p.signer.chain, p.signer]));
      chains = [...map.keys()].sort();
      chainMap = map;
      problems.push(...rawKeyProblems(raw as Raw, map), ...rawNetworkProblems(raw as Raw, map));
      // REST gateway contracts: network, address and ABI file as the chain's gateway hook checks them (its ABI code
      // is loaded lazily: prepare those chains first); a path the schema already reported is not repeated
      await Promise.all(rawGatewayChains(raw as Raw).map((c) => map.get(c)?.prepare?.()));
      const reported = new Set(problems.map((p) => p.path));
      problems.push(...rawGatewayProblems(raw as Raw, dirname(path), map).filter((p) => !reported.has(p.path)));
    } catch (err) {
      if (!isOpenKmsError(err)) throw err;
      problems.push({ path: 'plugins', message: `plugins: ${err.message} [${err.code}]` });
    }
  }
  // key backends: each [backends.<name>] table checked by its backend plugin, each key's backend, key id and curve
  if (problems.length === 0 && chainMap) {
    try {
      const loaded = parseConfig(text, path);
      const found = await loadBackendPlugins({
        searchPaths: [...loaded.plugins.searchPaths, ...defaultSearchPaths()],
        ...(loaded.plugins.enabled ? { enabled: loaded.plugins.enabled } : {}),
        kinds: new Set(Object.values(loaded.backends).map((b) => b.kind)),
      });
      problems.push(...backendProblems(loaded, new Map([...found.plugins].map(([kind, p]) => [kind, p.plugin])), chainMap));
    } catch (err) {
      if (!isOpenKmsError(err)) throw err;
      const errors = Array.isArray(err.context.errors) ? (err.context.errors as string[]) : [`${err.message} [${err.code}]`];
      for (const message of errors) problems.push({ path: String(err.context.path ?? 'backends'), message });
    }
  }
  if (problems.length > 0) {
    for (const p of problems) io.err(`${path}: ${p.message}`);
    io.err(`${path}: ${problems.length} error${problems.length === 1 ? '' : 's'} [config_invalid]`);
    return 1;
  }
  const keys = Object.keys((raw.keys ?? {}) as object).length;
  io.out(`${path}: ok (${keys} keys; chains ${chains.join(', ')})`);
  return 0;
}
