import { pathToFileURL } from 'node:url';
import { CURVES, ErrorCode, KEY_BACKEND_PLUGIN_API_VERSION, openKmsError, type KeyBackendPlugin } from '@openkms/core';
import { trustPluginSchemas } from '../validation/create-ajv.js';
import { FIRST_PARTY_BACKEND_PLUGINS, discoverPlugins, resolveEntry, type DiscoveredPlugin } from './discover-plugins.js';

export interface LoadedBackendPlugin {
  readonly packageName: string;
  readonly version: string;
  readonly plugin: KeyBackendPlugin<any>;
}

export interface BackendPluginReport {
  readonly found: readonly { name: string; version: string; kind?: string }[];
  readonly loaded: readonly { name: string; version: string; kind: string }[];
  readonly skipped: readonly { name: string; version: string; reason: string }[];
}

export interface LoadBackendPluginsOptions {
  readonly searchPaths: readonly string[];
  /** `plugins.enabled`: third-party backend packages are loaded only when listed there (first-party ones always). */
  readonly enabled?: readonly string[];
  /** The kinds the config uses: a package whose manifest names another kind is not imported. */
  readonly kinds: ReadonlySet<string>;
}

const KIND = /^[a-z0-9][a-z0-9-]{0,31}$/;

/**
 * Discovers installed key backend plugins (`"openkms": {"plugin": "backend", "apiVersion": 1}`) and imports the ones
 * that may serve a configured kind: first-party packages, and third-party ones listed in `plugins.enabled`. Returns
 * them by kind. An incompatible apiVersion, an invalid module or two packages claiming the same kind stop startup.
 */
export async function loadBackendPlugins(
  opts: LoadBackendPluginsOptions,
): Promise<{ plugins: ReadonlyMap<string, LoadedBackendPlugin>; report: BackendPluginReport }> {
  const found = discoverPlugins(opts.searchPaths, 'backend');
  const allowed = new Set([...FIRST_PARTY_BACKEND_PLUGINS, ...(opts.enabled ?? [])]);
  const plugins = new Map<string, LoadedBackendPlugin>();
  const skipped: { name: string; version: string; reason: string }[] = [];
  for (const d of found) {
    if (!allowed.has(d.name)) {
      skipped.push({ name: d.name, version: d.version, reason: 'third-party backend not listed in plugins.enabled' });
      continue;
    }
    if (d.kind !== undefined && !opts.kinds.has(d.kind)) {
      skipped.push({ name: d.name, version: d.version, reason: `no configured backend of kind "${d.kind}"` });
      continue;
    }
    if (d.apiVersion !== KEY_BACKEND_PLUGIN_API_VERSION) {
      throw openKmsError(
        ErrorCode.pluginIncompatible,
        `backend plugin ${d.name}@${d.version} declares openkms.apiVersion ${JSON.stringify(d.apiVersion)}, but this signer supports apiVersion ${KEY_BACKEND_PLUGIN_API_VERSION}`,
        { package: d.name, version: d.version, plugin_api_version: String(d.apiVersion), supported_api_version: KEY_BACKEND_PLUGIN_API_VERSION },
      );
    }
    const plugin = await instantiate(d);
    if (!opts.kinds.has(plugin.kind)) {
      skipped.push({ name: d.name, version: d.version, reason: `no configured backend of kind "${plugin.kind}"` });
      continue;
    }
    const clash = plugins.get(plugin.kind);
    if (clash) {
      throw openKmsError(ErrorCode.pluginInvalid, `backend plugins ${clash.packageName} and ${d.name} both provide kind "${plugin.kind}"`, {
        kind: plugin.kind,
      });
    }
    if (FIRST_PARTY_BACKEND_PLUGINS.includes(d.name)) trustPluginSchemas(plugin);
    plugins.set(plugin.kind, { packageName: d.name, version: d.version, plugin });
  }
  return {
    plugins,
    report: {
      found: found.map((f) => ({ name: f.name, version: f.version, ...(f.kind ? { kind: f.kind } : {}) })),
      loaded: [...plugins.values()].map((p) => ({ name: p.packageName, version: p.version, kind: p.plugin.kind })),
      skipped,
    },
  };
}

async function instantiate(d: DiscoveredPlugin): Promise<KeyBackendPlugin<any>> {
  const invalid = (why: string) =>
    openKmsError(ErrorCode.pluginInvalid, `backend plugin ${d.name}@${d.version}: ${why}`, { package: d.name, version: d.version });
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(resolveEntry(d)).href)) as { default?: unknown };
  } catch (err) {
    throw invalid(`cannot be imported (${(err as Error).message.split('\n')[0]})`);
  }
  const plugin = mod.default as KeyBackendPlugin<any> | undefined;
  if (!plugin || typeof plugin !== 'object' || typeof plugin.create !== 'function' || typeof plugin.kind !== 'string')
    throw invalid('its main module must default-export a KeyBackendPlugin { apiVersion, kind, optionsSchema, curves, create }');
  if (plugin.apiVersion !== d.apiVersion) throw invalid(`module apiVersion ${String(plugin.apiVersion)} differs from package.json (${String(d.apiVersion)})`);
  if (!KIND.test(plugin.kind)) throw invalid(`invalid kind ${JSON.stringify(plugin.kind)}`);
  if (d.kind !== undefined && d.kind !== plugin.kind) throw invalid(`module kind "${plugin.kind}" differs from package.json ("${d.kind}")`);
  if (!plugin.optionsSchema || typeof plugin.optionsSchema !== 'object') throw invalid('optionsSchema is required');
  if (!Array.isArray(plugin.curves) || plugin.curves.some((c) => !CURVES.includes(c))) throw invalid(`curves must be a subset of ${CURVES.join(', ')}`);
  return plugin;
}
