import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyJsonSchemaFor } from '@openkms/policy';
import { configSchema } from '../src/config/config-schema.js';
import { composeOpenApi, loadBaseDocument } from '../src/openapi/compose-openapi.js';
import { defaultSearchPaths } from '../src/plugins/discover-plugins.js';
import { loadBackendPlugins } from '../src/plugins/load-backend-plugins.js';
import { loadPlugins } from '../src/plugins/load-plugins.js';
import { compilePluginSchema, createAjv, sharedAjv, trustPluginSchemas } from '../src/validation/create-ajv.js';

// The signer compiles its own schemas and the first-party plugins' without checking them against the JSON Schema
// meta-schema (that check was more than half of the start-up's ajv work): this test is that check, for every one.
const META = 'https://json-schema.org/draft/2020-12/schema';

test('every built-in schema is valid against the JSON Schema 2020-12 meta-schema', async () => {
  const ajv = createAjv({ allErrors: true });
  const schemas: [string, unknown][] = [['config', configSchema()]];
  const { plugins } = await loadPlugins({ searchPaths: defaultSearchPaths() });
  assert.deepEqual(plugins.map((p) => p.packageName).sort(), ['@openkms/cosmos', '@openkms/evm', '@openkms/solana']);
  for (const { packageName, signer } of plugins) {
    schemas.push([`${packageName} policy`, policyJsonSchemaFor(signer.policyAliases)]);
    if (signer.keyOptionsSchema) schemas.push([`${packageName} keyOptionsSchema`, signer.keyOptionsSchema]);
    if (signer.rpc) schemas.push([`${packageName} networkOptionsSchema`, signer.rpc.networkOptionsSchema]);
  }
  const kinds = new Set(['yubihsm', 'pkcs11', 'aws-kms', 'azure-key-vault', 'vault']);
  const backends = await loadBackendPlugins({ searchPaths: defaultSearchPaths(), kinds });
  assert.deepEqual([...backends.plugins.keys()].sort(), [...kinds].sort());
  for (const { packageName, plugin } of backends.plugins.values()) {
    schemas.push([`${packageName} optionsSchema`, plugin.optionsSchema]);
    if (plugin.keyIdSchema) schemas.push([`${packageName} keyIdSchema`, plugin.keyIdSchema]);
  }
  const doc = composeOpenApi(
    loadBaseDocument(),
    plugins.map((p) => ({ packageName: p.packageName, signer: p.signer })),
  ) as unknown as { components: { schemas: Record<string, unknown> } };
  for (const [name, s] of Object.entries(doc.components.schemas)) schemas.push([`openapi ${name}`, s]);
  for (const [name, schema] of schemas) assert.ok(ajv.validateSchema(schema as object), `${name}: ${ajv.errorsText(ajv.errors)}`);
});

test("a first-party plugin's schema compiles without the meta-schema; a third-party plugin's invalid schema is refused", () => {
  const ajv = sharedAjv() as unknown as { schemas: Record<string, { validate?: unknown } | undefined> };
  const firstParty = {};
  trustPluginSchemas(firstParty);
  compilePluginSchema(firstParty, { type: 'object', properties: { trusted_option: { type: 'string' } } });
  assert.equal(ajv.schemas[META]?.validate, undefined, 'the meta-schema was not compiled');
  assert.throws(() => compilePluginSchema({}, { type: 'object', properties: { a: { type: 'strnig' } } }), /schema is invalid/);
  assert.equal(typeof ajv.schemas[META]?.validate, 'function', 'the third-party schema was checked against the meta-schema');
});
