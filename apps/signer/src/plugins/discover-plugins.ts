import { readdirSync, readFileSync, realpathSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHAIN_PLUGIN_API_VERSION, ErrorCode, openKmsError } from '@openkms/core';

/** A package that declares `"openkms": { "plugin": "chain" | "backend", ... }` in its package.json. */
export interface DiscoveredPlugin {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly apiVersion: unknown;
  /** A backend package's `openkms.kind`, when its manifest names it (the package is then imported only when a backend of that kind is configured). */
  readonly kind?: string;
  readonly packageJson: Readonly<Record<string, unknown>>;
}

/** The node_modules folders Node would search from the signer package, nearest first. */
export function defaultSearchPaths(from = dirname(fileURLToPath(import.meta.url))): string[] {
  const paths: string[] = [];
  let dir = from;
  for (;;) {
    if (!dir.endsWith(`${'/'}node_modules`)) paths.push(join(dir, 'node_modules'));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return paths.filter((p) => existsSync(p));
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function packageDirs(nodeModules: string): string[] {
  let names: string[];
  try {
    names = readdirSync(nodeModules);
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      let scoped: string[] = [];
      try {
        scoped = readdirSync(join(nodeModules, name));
      } catch {
        continue;
      }
      for (const s of scoped) dirs.push(join(nodeModules, name, s));
    } else {
      dirs.push(join(nodeModules, name));
    }
  }
  return dirs;
}

/**
 * Finds every installed plugin package of one type (chain plugins by default, or key backend plugins) in the given
 * node_modules folders (first found wins per name). Only package.json files are read; nothing is imported here.
 */
export function discoverPlugins(searchPaths: readonly string[], type: 'chain' | 'backend' = 'chain'): DiscoveredPlugin[] {
  const byName = new Map<string, DiscoveredPlugin>();
  const seenDirs = new Set<string>();
  for (const nodeModules of searchPaths) {
    for (const dir of packageDirs(nodeModules)) {
      let real: string;
      try {
        real = realpathSync(dir);
      } catch {
        continue;
      }
      if (seenDirs.has(real)) continue;
      seenDirs.add(real);
      const pkg = readJson(join(real, 'package.json'));
      const marker = pkg?.openkms as { plugin?: unknown; apiVersion?: unknown; kind?: unknown } | undefined;
      if (!pkg || typeof pkg.name !== 'string' || marker?.plugin !== type) continue;
      if (byName.has(pkg.name)) continue;
      byName.set(pkg.name, {
        name: pkg.name,
        version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
        dir: real,
        apiVersion: marker.apiVersion,
        ...(typeof marker.kind === 'string' ? { kind: marker.kind } : {}),
        packageJson: pkg,
      });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** True when a discovered plugin declares the plugin API version this signer implements. */
export function isCompatible(plugin: DiscoveredPlugin): boolean {
  return plugin.apiVersion === CHAIN_PLUGIN_API_VERSION;
}

export function incompatibleError(plugin: DiscoveredPlugin): Error {
  return openKmsError(
    ErrorCode.pluginIncompatible,
    `plugin ${plugin.name}@${plugin.version} declares openkms.apiVersion ${JSON.stringify(plugin.apiVersion)}, but this signer supports apiVersion ${CHAIN_PLUGIN_API_VERSION}`,
    { package: plugin.name, version: plugin.version, plugin_api_version: String(plugin.apiVersion), supported_api_version: CHAIN_PLUGIN_API_VERSION },
  );
}

/**
 * The module file the signer imports from a plugin package, honouring the `exports` conditions the process was
 * started with: the subpath export named by `openkms.entry` (e.g. `"./plugin"`, a light module whose decoders load on
 * first use), else the package's main entry. An `entry` the package does not export is an error (plugin_invalid).
 */
export function resolveEntry(plugin: DiscoveredPlugin): string {
  const conditions = activeConditions();
  const pick = (target: unknown): string | undefined => {
    if (typeof target === 'string') return target;
    if (target && typeof target === 'object' && !Array.isArray(target)) {
      for (const [cond, value] of Object.entries(target)) {
        if (conditions.includes(cond)) {
          const found = pick(value);
          if (found) return found;
        }
      }
    }
    return undefined;
  };
  const exp = plugin.packageJson.exports;
  const subpath = (plugin.packageJson.openkms as { entry?: unknown } | undefined)?.entry;
  if (subpath !== undefined && subpath !== '.') {
    const map = exp && typeof exp === 'object' && !Array.isArray(exp) ? (exp as Record<string, unknown>) : {};
    const entry = typeof subpath === 'string' && Object.hasOwn(map, subpath) ? pick(map[subpath]) : undefined;
    if (entry === undefined) {
      throw openKmsError(
        ErrorCode.pluginInvalid,
        `plugin ${plugin.name}@${plugin.version}: openkms.entry ${JSON.stringify(subpath)} is not a subpath the package exports`,
        { package: plugin.name, version: plugin.version },
      );
    }
    return join(plugin.dir, entry);
  }
  let entry: string | undefined;
  if (typeof exp === 'string') entry = exp;
  else if (exp && typeof exp === 'object') {
    const root = '.' in exp ? (exp as Record<string, unknown>)['.'] : exp;
    entry = pick(root);
  }
  entry ??= typeof plugin.packageJson.main === 'string' ? plugin.packageJson.main : 'index.js';
  return join(plugin.dir, entry);
}

function activeConditions(): string[] {
  const conds: string[] = [];
  const argv = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--conditions=')) conds.push(a.slice('--conditions='.length));
    else if ((a === '--conditions' || a === '-C') && argv[i + 1]) conds.push(argv[++i]!);
  }
  // Running from the TypeScript sources (tests, or the launcher's tsx fallback, which adds the condition through a
  // resolve hook that execArgv does not show): workspace plugins must be loaded from their sources too.
  if (import.meta.url.endsWith('.ts') && !conds.includes('source')) conds.push('source');
  return [...conds, 'node', 'import', 'default'];
}

export const FIRST_PARTY_PLUGINS: readonly string[] = ['@openkms/solana', '@openkms/cosmos', '@openkms/evm'];

/** Key backend plugins loaded when installed, without being listed in `plugins.enabled`. */
export const FIRST_PARTY_BACKEND_PLUGINS: readonly string[] = [
  '@openkms/yubihsm',
  '@openkms/pkcs11',
  '@openkms/aws-kms',
  '@openkms/azure-key-vault',
  '@openkms/vault',
];
