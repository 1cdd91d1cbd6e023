import { ErrorCode, openKmsError, type ChainSigner, type JsonSchema, type KeyBackendPlugin } from '@openkms/core';
import type { ErrorObject } from 'ajv';
import { compilePluginSchema, describeError, errorPath } from '../validation/create-ajv.js';
import type { ConfigProblem } from './config-problems.js';
import type { LoadedConfig } from './signer-config.js';

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const validators = new WeakMap<object, Validator>();

function compiled(plugin: KeyBackendPlugin<any>, schema: JsonSchema, what: string): Validator {
  let v = validators.get(schema);
  if (v === undefined) {
    try {
      v = compilePluginSchema(plugin, schema) as Validator;
    } catch (err) {
      throw openKmsError(ErrorCode.pluginInvalid, `${what}: invalid JSON Schema (${(err as Error).message.split('\n')[0]})`, {});
    }
    validators.set(schema, v);
  }
  return v;
}

/**
 * Every problem of the configured backends and of the keys' backend references, given the loaded backend plugins:
 * each backend's kind has a plugin and its options match the plugin's optionsSchema (paths like
 * `backends.hsm2.pin_file`); each key's `key_id` matches the plugin's keyIdSchema; each key's chain curve is one the
 * backend can sign with.
 */
export function backendProblems(
  loaded: Pick<LoadedConfig, 'backends' | 'keys'>,
  plugins: ReadonlyMap<string, KeyBackendPlugin<any>>,
  chains: ReadonlyMap<string, ChainSigner<any, any>>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const b of Object.values(loaded.backends)) {
    const plugin = plugins.get(b.kind);
    if (plugin === undefined) {
      const kinds = [...plugins.keys()].join(', ') || 'none';
      problems.push({
        path: `${b.path === 'backend.yubihsm' ? 'backend' : b.path}.kind`,
        message: `${b.path}.kind: no installed backend plugin provides kind "${b.kind}" (loaded: ${kinds})`,
      });
      continue;
    }
    const v = compiled(plugin, plugin.optionsSchema, `backend plugin ${plugin.kind}`);
    if (!v(b.options)) {
      for (const e of v.errors ?? []) problems.push({ path: errorPath(e, b.path), message: describeError(e, b.path) });
    }
  }
  for (const [label, k] of Object.entries(loaded.keys)) {
    const b = loaded.backends[k.backend];
    const plugin = b === undefined ? undefined : plugins.get(b.kind);
    if (b === undefined || plugin === undefined) continue;
    if (plugin.keyIdSchema !== undefined) {
      const v = compiled(plugin, plugin.keyIdSchema, `backend plugin ${plugin.kind} (keyIdSchema)`);
      if (!v(k.keyId))
        problems.push({ path: `keys.${label}.key_id`, message: `keys.${label}.key_id: not a valid ${plugin.kind} key id (${JSON.stringify(k.keyId)})` });
    }
    const curve = chains.get(k.chain)?.curve;
    if (curve !== undefined && !plugin.curves.includes(curve)) {
      problems.push({
        path: `keys.${label}.backend`,
        message: `keys.${label}: chain ${k.chain} needs curve ${curve}, which backend "${b.name}" (kind ${plugin.kind}) cannot sign with (it supports: ${plugin.curves.join(', ') || 'none'})`,
      });
    }
  }
  return problems;
}
