import type { ChainSigner } from '@openkms/core';
import type { ValidateFunction } from 'ajv';
import { compilePluginSchema, describeError, errorPath } from '../validation/create-ajv.js';
import type { ConfigProblem } from './config-problems.js';
import type { NetworkConfig } from './signer-config.js';

const validators = new WeakMap<object, ValidateFunction>();

/**
 * Checks every `[networks.<name>]` against its chain plugin: the chain has a loaded plugin with a JSON-RPC hook, and
 * the table's chain settings match the hook's networkOptionsSchema (dotted paths, e.g. `networks.local.chain_id`).
 */
export function checkNetworks(networks: Readonly<Record<string, NetworkConfig>>, chains: ReadonlyMap<string, ChainSigner<any, any>>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, n] of Object.entries(networks)) {
    const base = `networks.${name}`;
    const plugin = chains.get(n.chain);
    if (plugin?.rpc === undefined) {
      const served = [...chains.values()].filter((c) => c.rpc !== undefined).map((c) => c.chain);
      problems.push({
        path: `${base}.chain`,
        message: `${base}.chain: no loaded plugin serves JSON-RPC for chain "${n.chain}" (chains with JSON-RPC: ${served.join(', ') || 'none'})`,
      });
      continue;
    }
    let v = validators.get(plugin.rpc);
    if (v === undefined) {
      v = compilePluginSchema(plugin, plugin.rpc.networkOptionsSchema);
      validators.set(plugin.rpc, v);
    }
    if (!v(n.options)) for (const e of v.errors ?? []) problems.push({ path: errorPath(e, base), message: describeError(e, base) });
  }
  return problems;
}

/** Every network problem of a raw (possibly schema-invalid) config object; for `openkms config check`. */
export function rawNetworkProblems(raw: Readonly<Record<string, unknown>>, chains: ReadonlyMap<string, ChainSigner<any, any>>): ConfigProblem[] {
  const networks = raw.networks;
  if (typeof networks !== 'object' || networks === null || Array.isArray(networks)) return [];
  const out: Record<string, NetworkConfig> = {};
  for (const [name, n] of Object.entries(networks as Record<string, unknown>)) {
    if (typeof n !== 'object' || n === null || Array.isArray(n)) continue;
    const { chain, upstream, upstream_timeout_ms: _t, ...options } = n as Record<string, unknown>;
    if (typeof chain !== 'string') continue;
    out[name] = { name, chain, upstream: String(upstream), upstreamTimeoutMs: 0, options };
  }
  return checkNetworks(out, chains);
}
