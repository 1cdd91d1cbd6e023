import { pathToFileURL } from 'node:url';
import { CURVES, ErrorCode, openKmsError, type ChainPlugin, type ChainSigner } from '@openkms/core';
import { trustPluginSchemas } from '../validation/create-ajv.js';
import { FIRST_PARTY_PLUGINS, discoverPlugins, incompatibleError, isCompatible, resolveEntry, type DiscoveredPlugin } from './discover-plugins.js';

export interface LoadedPlugin {
  readonly packageName: string;
  readonly version: string;
  readonly signer: ChainSigner<any, any>;
}

export interface PluginReport {
  readonly found: readonly { name: string; version: string; apiVersion: unknown }[];
  readonly loaded: readonly { name: string; version: string; chain: string }[];
  readonly skipped: readonly { name: string; version: string; reason: string }[];
}

export interface LoadPluginsOptions {
  readonly searchPaths: readonly string[];
  /** Package names to load; undefined = every first-party plugin found. */
  readonly enabled?: readonly string[];
  /** Options per chain name or package name (`[plugins.options.<name>]`). */
  readonly options?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const CHAIN_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/**
 * Discovers installed chain plugins and loads the enabled ones. An enabled plugin with an incompatible apiVersion,
 * an enabled plugin that is not installed, or two plugins claiming the same chain stop startup.
 */
export async function loadPlugins(opts: LoadPluginsOptions): Promise<{ plugins: LoadedPlugin[]; report: PluginReport }> {
  const found = discoverPlugins(opts.searchPaths);
  // `plugins.enabled` may also name key backend packages: those are loaded by loadBackendPlugins
  const backends = new Set(opts.enabled ? discoverPlugins(opts.searchPaths, 'backend').map((b) => b.name) : []);
  const wanted = new Set((opts.enabled ?? FIRST_PARTY_PLUGINS.filter((n) => found.some((f) => f.name === n))).filter((n) => !backends.has(n)));
  for (const name of wanted) {
    if (!found.some((f) => f.name === name)) {
      throw openKmsError(ErrorCode.pluginInvalid, `plugin ${name} is enabled in the config but is not installed beside the signer`, { package: name });
    }
  }
  const plugins: LoadedPlugin[] = [];
  const skipped: { name: string; version: string; reason: string }[] = [];
  for (const d of found) {
    if (!wanted.has(d.name)) {
      skipped.push({
        name: d.name,
        version: d.version,
        reason: isCompatible(d) ? 'not enabled in config' : `not enabled (and incompatible apiVersion ${String(d.apiVersion)})`,
      });
      continue;
    }
    if (!isCompatible(d)) throw incompatibleError(d);
    const signer = await instantiate(d, opts.options ?? {});
    const clash = plugins.find((p) => p.signer.chain === signer.chain);
    if (clash) {
      throw openKmsError(ErrorCode.pluginInvalid, `plugins ${clash.packageName} and ${d.name} both provide chain "${signer.chain}"`, { chain: signer.chain });
    }
    if (FIRST_PARTY_PLUGINS.includes(d.name)) trustPluginSchemas(signer);
    plugins.push({ packageName: d.name, version: d.version, signer });
  }
  return {
    plugins,
    report: {
      found: found.map((f) => ({ name: f.name, version: f.version, apiVersion: f.apiVersion })),
      loaded: plugins.map((p) => ({ name: p.packageName, version: p.version, chain: p.signer.chain })),
      skipped,
    },
  };
}

async function instantiate(d: DiscoveredPlugin, options: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Promise<ChainSigner<any, any>> {
  const invalid = (why: string) => openKmsError(ErrorCode.pluginInvalid, `plugin ${d.name}@${d.version}: ${why}`, { package: d.name, version: d.version });
  const entry = resolveEntry(d);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
  } catch (err) {
    throw invalid(`cannot be imported (${(err as Error).message.split('\n')[0]})`);
  }
  const plugin = mod.default as ChainPlugin | undefined;
  if (!plugin || typeof plugin !== 'object' || typeof plugin.create !== 'function' || typeof plugin.chain !== 'string') {
    throw invalid('its main module must default-export a ChainPlugin { apiVersion, chain, create }');
  }
  if (plugin.apiVersion !== d.apiVersion) throw invalid(`module apiVersion ${String(plugin.apiVersion)} differs from package.json (${String(d.apiVersion)})`);
  const signer = plugin.create(options[plugin.chain] ?? options[d.name] ?? {});
  if (!signer || signer.chain !== plugin.chain || !CHAIN_NAME.test(signer.chain)) throw invalid(`invalid chain name ${JSON.stringify(signer?.chain)}`);
  if (!CURVES.includes(signer.curve)) throw invalid(`unsupported curve ${JSON.stringify(signer.curve)}`);
  if (typeof signer.decode !== 'function' || typeof signer.sign !== 'function' || typeof signer.address !== 'function')
    throw invalid('decode, sign and address must be functions');
  if (!signer.requestSchema || typeof signer.requestSchema !== 'object' || !signer.responseSchema)
    throw invalid('requestSchema and responseSchema are required');
  const required = (signer.requestSchema as { required?: unknown }).required;
  if (!Array.isArray(required) || !required.includes('label')) throw invalid('requestSchema must require "label"');
  return signer;
}
