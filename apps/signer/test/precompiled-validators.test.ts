import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyJsonSchemaFor } from '@openkms/policy';
import { bindConfig } from '../src/config/check-keys.js';
import { configSchema } from '../src/config/config-schema.js';
import { parseConfig, schemaProblems } from '../src/config/load-config.js';
import { demoConfigToml } from '../src/demo/demo-config.js';
import { defaultSearchPaths } from '../src/plugins/discover-plugins.js';
import { loadBackendPlugins } from '../src/plugins/load-backend-plugins.js';
import { loadPlugins } from '../src/plugins/load-plugins.js';
import { createAjv, runtimeCompileCount, SHARED_AJV_OPTIONS } from '../src/validation/create-ajv.js';
import { precompiledValidator, usePrecompiledValidators } from '../src/validation/precompiled-validators.js';
import { startupSchemas, writePrecompiledDocumentValidators, writePrecompiledValidators } from '../src/validation/startup-schemas.js';
import { defaultOpenApiDocument } from '../src/cli/openapi-command.js';
import { composeOpenApi, loadBaseDocument } from '../src/openapi/compose-openapi.js';
import { policySchemasFor } from '../src/openapi/policy-schemas.js';
import { RequestValidators, requestSchemaNames } from '../src/openapi/request-validators.js';

// The build writes the start-up schemas' validators as ajv standalone code (scripts/precompile-validators.mjs), so a
// signer started from built output compiles no schema before it listens. Here: the same generation into a folder of
// its own (inside the package, so the generated code resolves ajv's runtime as in dist/), then the demo's config
// bound with it, and the precompiled validators' answers compared with run-time compiled ones.
const signerDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;
let previous: string;

before(async () => {
  mkdirSync(join(signerDir, 'node_modules', '.cache'), { recursive: true });
  dir = mkdtempSync(join(signerDir, 'node_modules', '.cache', 'precompiled-validators-'));
  await writePrecompiledValidators(dir, await startupSchemas());
  previous = usePrecompiledValidators(dir);
});
after(() => {
  usePrecompiledValidators(previous);
  rmSync(dir, { recursive: true, force: true });
});

test('binding the demo config with the precompiled validators compiles no schema at run time', async () => {
  const compiles = runtimeCompileCount();
  const loaded = parseConfig(demoConfigToml('127.0.0.1:0', 'http://127.0.0.1:12345'), 'demo.toml');
  const { plugins } = await loadPlugins({ searchPaths: defaultSearchPaths() });
  const chains = new Map(plugins.map((p) => [p.signer.chain, p.signer]));
  const backends = await loadBackendPlugins({ searchPaths: defaultSearchPaths(), kinds: new Set(Object.values(loaded.backends).map((b) => b.kind)) });
  const config = bindConfig(loaded, chains, new Map([...backends.plugins].map(([kind, p]) => [kind, p.plugin])));
  assert.deepEqual(Object.keys(config.keys).sort(), ['cosmos-hub-0', 'evm-hot-0', 'solana-hot-0']);
  assert.equal(runtimeCompileCount(), compiles, 'every schema the demo config needs was found precompiled');
  // … while a schema the build did not see is compiled (so the count above could fail)
  assert.equal(precompiledValidator({ type: 'object', title: 'not a start-up schema' }), undefined);
});

test('a precompiled validator answers exactly as a run-time compiled one (errors included)', async () => {
  const { plugins } = await loadPlugins({ searchPaths: defaultSearchPaths() });
  const ajv = createAjv(SHARED_AJV_OPTIONS);
  const cases: [object, unknown[]][] = [
    [
      configSchema(),
      [
        {},
        { server: { listen: 42, bogus: true }, keys: { a: { chain: 1 } } },
        { audit: { dir: '/tmp/a', key_file: '/tmp/k', max_bytes: 'x' } },
        { server: { listen: '127.0.0.1:0' }, tls: { cert: 'x' }, networks: { n: { chain: 'evm', upstream: 'not a uri' } } },
      ],
    ],
  ];
  for (const { signer } of plugins)
    cases.push([
      policyJsonSchemaFor(signer.policyAliases),
      [{}, { per_tx_caps: { 'spl:x': 'nope' }, rate: { per_minute: -1 }, unknown: 1 }, { enabled: 'yes', allowed_programs: [1, 2] }],
    ]);
  for (const [schema, inputs] of cases) {
    const pre = precompiledValidator(schema);
    assert.ok(pre, 'precompiled');
    const compiled = ajv.compile(schema);
    for (const input of inputs) {
      assert.equal(pre(input), compiled(input), JSON.stringify(input));
      assert.deepEqual(pre.errors ?? null, compiled.errors ?? null, JSON.stringify(input));
    }
  }
  // and through the config loader: every error reported, with its path
  const problems = schemaProblems({ server: { listen: 42, bogus: true } });
  assert.ok(problems.some((p) => p.path === 'server.bogus'));
  assert.ok(problems.some((p) => p.path === 'server.listen'));
});

test("request bodies: the build precompiles the default document's request schemas; they answer as ajv does", async () => {
  const doc = await defaultOpenApiDocument();
  const names = requestSchemaNames(doc);
  assert.ok(names.includes('SignRequest.solana') && names.includes('SignRequest.cosmos') && names.includes('SignRequest.evm'), names.join());
  await writePrecompiledDocumentValidators(dir, doc, names);
  // composed again as start-signer composes it: the same document, so every validator is found precompiled
  const { plugins } = await loadPlugins({ searchPaths: defaultSearchPaths() });
  const served = new RequestValidators(composeOpenApi(loadBaseDocument(), plugins, policySchemasFor(plugins)));
  served.warm(names);
  assert.deepEqual(served.compiledAtRunTime(), []);
  // another document (a schema changed) finds none and compiles at run time
  const other = structuredClone(doc);
  (other.components.schemas['SignRequest.solana'] as { description?: string }).description = 'changed';
  const changed = new RequestValidators(other);
  changed.warm(['SignRequest.solana']);
  assert.deepEqual(changed.compiledAtRunTime(), ['SignRequest.solana']);
  // the precompiled validators report exactly what run-time compiled ones report
  const compiled = new RequestValidators(doc);
  const bodies: [string, unknown][] = [
    ['SignRequest.solana', {}],
    ['SignRequest.solana', { label: 'x', message_b64: 1 }],
    ['SignRequest.solana', { label: 'x', message_b64: 'AAAA', bogus: true }],
    ['SignRequest.cosmos', { label: 'x', sign_doc_b64: 'AAAA', sign_mode: 'nope' }],
    ['SignRequest.evm', { label: 'x', transaction: { to: 5 } }],
    ['PolicyOverlay', { max_signs_per_minute: 'many' }],
    ['PairingRequest', { name: '', scopes: ['root'] }],
  ];
  const outcome = (v: RequestValidators, name: string, body: unknown) => {
    try {
      v.check(name, body);
      return 'ok';
    } catch (err) {
      return JSON.stringify({ message: (err as Error).message, context: (err as { context?: unknown }).context });
    }
  };
  const fromBuild = bodies.map(([name, body]) => outcome(served, name, body));
  const folder = usePrecompiledValidators(join(dir, 'none'));
  try {
    assert.deepEqual(
      bodies.map(([name, body]) => outcome(compiled, name, body)),
      fromBuild,
    );
  } finally {
    usePrecompiledValidators(folder);
  }
  assert.ok(fromBuild.every((o) => o !== 'ok'));
  assert.notDeepEqual(compiled.compiledAtRunTime(), [], 'the comparison ran against ajv');
});
