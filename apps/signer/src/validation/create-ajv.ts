import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/**
 * One ajv configuration for config files, request bodies and overlays (JSON Schema draft 2020-12, as OpenAPI 3.1).
 * `allErrors` (config files) reports every error instead of the first. `validateSchema: false` skips checking each
 * schema against the JSON Schema meta-schema before compiling it.
 */
export function createAjv(opts: { allErrors?: boolean; validateSchema?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: opts.allErrors ?? false, strict: false, validateFormats: true, validateSchema: opts.validateSchema ?? true });
  addFormats(ajv);
  return ajv;
}

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
  return (shared ??= createAjv({ allErrors: true, validateSchema: false }));
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
  const ajv = sharedAjv();
  if (!firstParty.has(plugin) && !ajv.validateSchema(schema)) throw new Error(`schema is invalid: ${ajv.errorsText(ajv.errors)}`);
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
