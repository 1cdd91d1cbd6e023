import { createRequire } from 'node:module';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { precompiledValidator } from './precompiled-validators.js';

// ajv and ajv-formats are CommonJS, loaded on the first compile (not at import): a signer started from built output
// finds its start-up schemas precompiled (precompiled-validators.ts) and loads neither before it listens.
const require = createRequire(import.meta.url);

/**
 * One ajv configuration for config files, request bodies and overlays (JSON Schema draft 2020-12, as OpenAPI 3.1).
 * `allErrors` (config files) reports every error instead of the first. `validateSchema: false` skips checking each
 * schema against the JSON Schema meta-schema before compiling it. `source` keeps the generated code, for
 * ajv's standalone output (the build's precompiled validators).
 */
export function createAjv(opts: { allErrors?: boolean; validateSchema?: boolean; source?: boolean } = {}): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as (ajv: Ajv2020) => Ajv2020;
  const ajv = new Ajv({
    allErrors: opts.allErrors ?? false,
    strict: false,
    validateFormats: true,
    validateSchema: opts.validateSchema ?? true,
    ...(opts.source ? { code: { source: true } } : {}),
  });
  addFormats(ajv);
  return ajv;
}

/** The options of the shared instance (the build's precompiled validators are generated with the same). */
export const SHARED_AJV_OPTIONS = { allErrors: true, validateSchema: false } as const;

let shared: Ajv2020 | undefined;

/**
 * The process's one `allErrors` ajv instance, for config files, keys' options and policies, request bodies and
 * plugins' schemas; every compiled validator is cached in it. It does not check schemas against the JSON Schema
 * meta-schema on compile: compiling the meta-schema and checking the config and policy schemas with it was more than
 * half of the start-up's ajv work. The signer's own schemas and the first-party plugins' are checked against the
 * meta-schema by a test (test/builtin-schemas.test.ts); a third-party plugin's schemas are checked at load time
 * (compilePluginSchema).
 */
export function sharedAjv(): Ajv2020 {
  return (shared ??= createAjv(SHARED_AJV_OPTIONS));
}

let runtimeCompiles = 0;

/** How many schemas this process compiled with ajv (not found precompiled); tests check the start-up compiles none. */
export function runtimeCompileCount(): number {
  return runtimeCompiles;
}

/**
 * The validator of one of the signer's own schemas (config file, key policies): the build's precompiled one when
 * there is one for exactly this schema, else compiled by the shared instance.
 */
export function compileSchema(schema: object): ValidateFunction {
  const pre = precompiledValidator(schema);
  if (pre !== undefined) return pre;
  runtimeCompiles++;
  return sharedAjv().compile(schema);
}

const firstParty = new WeakSet<object>();

/** Marks a first-party plugin (chain or backend): its schemas are checked by the test suite, not at start-up. */
export function trustPluginSchemas(plugin: object): void {
  firstParty.add(plugin);
}

/**
 * Compiles a schema a plugin supplies (key options, network options, backend options, key ids). A third-party
 * plugin's schema is first checked against the JSON Schema meta-schema; throws with ajv's message when it is invalid.
 */
export function compilePluginSchema(plugin: object, schema: object): ValidateFunction {
  if (firstParty.has(plugin)) return compileSchema(schema);
  const ajv = sharedAjv();
  if (!ajv.validateSchema(schema)) throw new Error(`schema is invalid: ${ajv.errorsText(ajv.errors)}`);
  runtimeCompiles++;
  return ajv.compile(schema);
}

/** The dotted path of the value an ajv error is about (`keys.solana-hot-0.policy.per_tx_caps`). */
export function errorPath(error: ErrorObject, root = ''): string {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') parts.push(String((error.params as { additionalProperty: string }).additionalProperty));
  if (error.keyword === 'required') parts.push(String((error.params as { missingProperty: string }).missingProperty));
  if (error.keyword === 'propertyNames') parts.push(String((error.params as { propertyName: string }).propertyName));
  const path = parts.join('.');
  return root && path ? `${root}.${path}` : root || path || '(root)';
}

/** A one-line human description of an ajv error. */
export function describeError(error: ErrorObject, root = ''): string {
  const path = errorPath(error, root);
  switch (error.keyword) {
    case 'additionalProperties':
      return `${path}: unknown key`;
    case 'required':
      return `${path}: required key is missing`;
    case 'propertyNames':
      return `${path}: invalid name`;
    case 'type':
      return `${path}: must be ${(error.params as { type: string }).type}`;
    case 'enum':
      return `${path}: must be one of ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`;
    default:
      return `${path}: ${error.message ?? 'is invalid'}`;
  }
}
