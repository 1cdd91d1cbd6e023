import { ErrorCode, isOpenKmsError, openKmsError, type ChainSigner, type JsonSchema, type KeyBackendPlugin } from '@openkms/core';
import { checkPolicyIds, parsePolicy, policyJsonSchemaFor, type KeyPolicy, type PolicyKeyConfig, type PolicyProblem } from '@openkms/policy';
import type { ErrorObject } from 'ajv';
import { compilePluginSchema, compileSchema, describeError, errorPath } from '../validation/create-ajv.js';
import { checkGatewayContracts } from './check-gateway.js';
import { checkNetworks } from './check-networks.js';
import { backendProblems } from './check-backends.js';
import { configError, type ConfigProblem } from './config-problems.js';
import type { KeyConfig, LoadedConfig, SignerConfig } from './signer-config.js';

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Options of a plugin that declares no keyOptionsSchema: none are accepted (conservative; see the README). */
export const NO_OPTIONS: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };

const optionValidators = new WeakMap<ChainSigner<any, any>, Validator>();
const policyValidators = new WeakMap<ChainSigner<any, any>, Validator>();

function compiled(cache: WeakMap<ChainSigner<any, any>, Validator>, plugin: ChainSigner<any, any>, schema: () => JsonSchema, fromPlugin: boolean): Validator {
  let v = cache.get(plugin);
  if (v === undefined) {
    try {
      // the policy schema is the signer's own (built by @openkms/policy from the plugin's aliases)
      v = (fromPlugin ? compilePluginSchema(plugin, schema()) : compileSchema(schema())) as Validator;
    } catch (err) {
      throw openKmsError(ErrorCode.pluginInvalid, `plugin for chain ${plugin.chain}: invalid JSON Schema (${(err as Error).message.split('\n')[0]})`, {
        chain: plugin.chain,
      });
    }
    cache.set(plugin, v);
  }
  return v;
}

function schemaErrors(v: Validator, data: unknown, root: string, hint: (e: ErrorObject) => string = () => ''): ConfigProblem[] {
  if (v(data)) return [];
  return (v.errors ?? []).map((e) => ({ path: errorPath(e, root), message: `${describeError(e, root)}${hint(e)}` }));
}

/**
 * The checks the policy engine runs on a key's effective policy (at startup, on reload and on every PATCH): the key's
 * chain plugin checks every asset id, program, address, contract, type URL and method. A plugin without
 * `checkPolicyId` cannot check them; such a key must keep `deny_uncapped_assets = true`, so a typo in a cap can only
 * ever deny (see the README, "Plugins without policy hooks").
 */
export function policyValidatorFor(
  plugin: ChainSigner<any, any>,
  options: Readonly<Record<string, unknown>>,
): (policy: KeyPolicy, path: string) => PolicyProblem[] {
  return (policy, path) => {
    const check = plugin.checkPolicyId;
    if (typeof check !== 'function') {
      return policy.deny_uncapped_assets
        ? []
        : [
            {
              path: `${path}.deny_uncapped_assets`,
              message: `${path}.deny_uncapped_assets: the ${plugin.chain} plugin cannot check asset ids (no checkPolicyId), so uncapped assets cannot be allowed (a typo in a cap would silently remove it)`,
            },
          ];
    }
    return checkPolicyIds(policy, path, (kind, value, context) => {
      try {
        const reason = check.call(plugin, kind, value, options, context);
        return typeof reason === 'string' ? reason : undefined;
      } catch (err) {
        return `the ${plugin.chain} plugin could not check it (${isOpenKmsError(err) ? err.code : 'error'})`;
      }
    });
  };
}

/** What the policy engine needs of one key: its chain, policy, the plugin's aliases and checks. */
export function policyKeyConfig(key: KeyConfig, plugin: ChainSigner<any, any>): PolicyKeyConfig {
  return {
    chain: key.chain,
    policy: key.policy,
    ...(plugin.policyAliases === undefined ? {} : { aliases: plugin.policyAliases }),
    validate: policyValidatorFor(plugin, key.options),
  };
}

/**
 * Checks one key against its chain plugin and returns every problem: the chain has a loaded plugin; the options
 * match the plugin's keyOptionsSchema (unknown option → `keys.<label>.options.<name>`; the network option is
 * required); the policy matches the policy schema with the plugin's aliases, parses, and every id in it passes the
 * plugin's checkPolicyId. Values that are not tables are left to the config schema's own errors.
 */
export function checkKey(
  label: string,
  chain: unknown,
  options: unknown,
  policy: unknown,
  chains: ReadonlyMap<string, ChainSigner<any, any>>,
): { policy?: KeyPolicy; problems: ConfigProblem[] } {
  const base = `keys.${label}`;
  if (typeof chain !== 'string') return { problems: [] };
  const plugin = chains.get(chain);
  if (plugin === undefined) {
    const loaded = [...chains.keys()].join(', ') || 'none';
    return { problems: [{ path: `${base}.chain`, message: `${base}.chain: no loaded plugin serves chain "${chain}" (loaded: ${loaded})` }] };
  }
  const problems: ConfigProblem[] = [];
  const opts = isTable(options) ? options : options === undefined ? {} : undefined;
  if (opts !== undefined) {
    const declared = plugin.keyOptionsSchema !== undefined;
    const known = Object.keys(((plugin.keyOptionsSchema as { properties?: object } | undefined)?.properties ?? {}) as object);
    const v = compiled(optionValidators, plugin, () => plugin.keyOptionsSchema ?? NO_OPTIONS, true);
    problems.push(
      ...schemaErrors(v, opts, `${base}.options`, (e) =>
        e.keyword !== 'additionalProperties'
          ? ''
          : declared
            ? ` (options of a ${chain} key: ${known.join(', ') || 'none'})`
            : ` (the ${chain} plugin declares no key options)`,
      ),
    );
  }
  if (!isTable(policy) && policy !== undefined) return { problems };
  const path = `${base}.policy`;
  const v = compiled(policyValidators, plugin, () => policyJsonSchemaFor(plugin.policyAliases), false);
  const shape = schemaErrors(v, policy ?? {}, path);
  if (shape.length > 0) return { problems: [...problems, ...shape] };
  let parsed: KeyPolicy;
  try {
    parsed = parsePolicy(policy ?? {}, path, plugin.policyAliases === undefined ? {} : { aliases: plugin.policyAliases });
  } catch (err) {
    if (!isOpenKmsError(err)) throw err;
    return { problems: [...problems, { path: String(err.context.path ?? path), message: err.message }] };
  }
  problems.push(...(opts === undefined ? [] : policyValidatorFor(plugin, opts)(parsed, path)));
  return { policy: parsed, problems };
}

/**
 * Checks every key of a loaded config with its chain plugin (and, given the backend plugins, every backend's options
 * and each key's backend, key id and curve) and returns the config with parsed policies. Throws config_invalid listing
 * every problem (context.errors), the first one's dotted path in context.path.
 */
export function bindConfig(
  loaded: LoadedConfig,
  chains: ReadonlyMap<string, ChainSigner<any, any>>,
  backendPlugins?: ReadonlyMap<string, KeyBackendPlugin<any>>,
): SignerConfig {
  const keys: Record<string, KeyConfig> = {};
  const problems: ConfigProblem[] = backendPlugins === undefined ? [] : backendProblems(loaded, backendPlugins, chains);
  for (const [label, k] of Object.entries(loaded.keys)) {
    const r = checkKey(label, k.chain, k.options, k.policy, chains);
    problems.push(...r.problems);
    if (r.policy !== undefined) keys[label] = { ...k, policy: r.policy };
  }
  problems.push(...checkNetworks(loaded.networks, chains));
  problems.push(...checkGatewayContracts(loaded, chains).problems);
  if (problems.length > 0) throw configError(loaded.file, problems);
  return { ...loaded, keys };
}

/** Every key problem of a raw (possibly schema-invalid) config object; for `openkms config check`. */
export function rawKeyProblems(raw: Readonly<Record<string, unknown>>, chains: ReadonlyMap<string, ChainSigner<any, any>>): ConfigProblem[] {
  const keys = raw.keys;
  if (!isTable(keys)) return [];
  const out: ConfigProblem[] = [];
  for (const [label, k] of Object.entries(keys)) {
    if (isTable(k)) out.push(...checkKey(label, k.chain, k.options, k.policy, chains).problems);
  }
  return out;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
