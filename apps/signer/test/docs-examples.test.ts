import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { documentedResponses, isCommandBlock, readDocBlocks, shellScript, type DocBlock } from './support/docs-blocks.js';
import { createSimulator, startConnectorServer, type ConnectorServer } from '@openkms/yubihsm-sim';
import { CONNECTOR_URL, fillPlaceholders, type PlaceholderContext } from './support/docs-placeholders.js';
import { runShell } from './support/docs-shell.js';
import { startDocsCliServer, type DocsCliServer } from './support/docs-cli-server.js';
import { cli, REPO_ROOT } from './support/cli-process.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';

// The documentation cannot drift: every curl / openkms example in README.md, SKILL.md, CONTRIBUTING.md, the deployment
// guide and docs/*.md
// runs against a demo signer (placeholders filled from it) and must exit 0 with the documented HTTP statuses; a block
// that cannot run here says why in a `<!-- docs-test: skip reason="…" -->` marker. Policy examples marked
// `<!-- docs-test: config -->` must pass `openkms config check`; code marked `same-as` must equal its tested fixture.

const DOC_FILES = [
  'README.md',
  '.agents/skills/openkms/SKILL.md',
  'CONTRIBUTING.md',
  'apps/signer/deploy/README.md',
  ...(existsSync(join(REPO_ROOT, 'docs'))
    ? readdirSync(join(REPO_ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `docs/${f}`)
    : []),
];
const blocks: DocBlock[] = DOC_FILES.filter((f) => existsSync(join(REPO_ROOT, f))).flatMap((f) => readDocBlocks(REPO_ROOT, f));
const where = (b: DocBlock) => `${b.file}:${b.line}`;
const DEMO_LABELS = ['solana-hot-0', 'cosmos-hub-0', 'evm-hot-0'];
const KNOWN_DIRECTIVES = new Set(['skip', 'config', 'same-as']);

/** Tools the examples use that a minimal machine may lack (.ci/run installs them): their blocks are skipped, saying so. */
const MISSING_TOOLS = ['curl', 'jq'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const missingToolOf = (script: string) => MISSING_TOOLS.find((tool) => new RegExp(`(^|[\\s|;&(])${tool}\\s`, 'm').test(script));

let parent: string;
let s: TestSigner;
let context: PlaceholderContext;
let cliServer: DocsCliServer;
before(async () => {
  cliServer = await startDocsCliServer();
  // the commands run where a reader who followed the quick start stands: beside .openkms-demo/
  parent = mkdtempSync(join(tmpdir(), 'openkms-docs-'));
  s = await startTestSigner({ dir: join(parent, '.openkms-demo') });
  const keys = await s.request('GET', '/keys', { token: s.signerToken });
  context = { keys: Object.fromEntries((keys.json as { label: string; address: string; public_key_b64: string }[]).map((k) => [k.label, k])) };
});
/** One factory-fresh simulated YubiHSM2 per markdown file, started when a block first uses the connector URL. */
const devices = new Map<string, ConnectorServer>();
async function deviceFor(file: string): Promise<string> {
  let server = devices.get(file);
  if (!server) {
    server = await startConnectorServer(createSimulator(), { host: '127.0.0.1', port: 0 });
    devices.set(file, server);
  }
  return server.url;
}

after(async () => {
  for (const server of devices.values()) await server.close();
  await s?.close();
  await cliServer?.close();
  if (parent) rmSync(parent, { recursive: true, force: true });
});

/** Undoes what a block may have changed: kill switches, policy overlays, the token file. */
async function resetDemo(tokens: { text: string; mode: number }): Promise<void> {
  const file = join(s.dir, 'tokens.json');
  if (readFileSync(file, 'utf8') !== tokens.text) {
    writeFileSync(file, tokens.text);
    chmodSync(file, tokens.mode);
  }
  await s.request('POST', '/admin/enable', { token: s.adminToken });
  for (const label of DEMO_LABELS) {
    await s.request('POST', `/admin/keys/${label}/enable`, { token: s.adminToken });
    await s.request('DELETE', `/admin/keys/${label}/policy`, { token: s.adminToken });
  }
}

test('every docs-test marker is known, well placed and complete', () => {
  for (const b of blocks) {
    if (!b.marker) continue;
    const m = b.marker;
    assert.ok(KNOWN_DIRECTIVES.has(m.directive), `${where(b)}: unknown marker ${m.text}`);
    if (m.directive === 'skip') {
      assert.ok(isCommandBlock(b), `${where(b)}: a skip marker on a block the test would not run anyway`);
      assert.ok((m.attrs.reason ?? '').length >= 10, `${where(b)}: a skip marker needs reason="why it cannot run here"`);
    }
    if (m.directive === 'config') assert.equal(b.lang, 'toml', `${where(b)}: a config marker on a ${b.lang} block`);
    if (m.directive === 'same-as') assert.ok(m.attrs.path, `${where(b)}: same-as needs path="…"`);
  }
});

test('every curl / openkms example runs against the demo, exits 0 and gets its documented HTTP status', async (t) => {
  const runnable = blocks.filter(isCommandBlock);
  const skipped = runnable.filter((b) => b.marker?.directive === 'skip');
  assert.ok(runnable.length - skipped.length >= 12, `the docs test runs a meaningful number of blocks (${runnable.length - skipped.length})`);
  const tokenFile = join(s.dir, 'tokens.json');
  const tokens = { text: readFileSync(tokenFile, 'utf8'), mode: statSync(tokenFile).mode & 0o777 };
  const env = { TOKEN: s.signerToken, OPENKMS_TOKEN: s.signerToken, ADMIN_TOKEN: s.adminToken };
  for (const b of runnable) {
    const name = `${where(b)} (${b.lang})`;
    if (b.marker?.directive === 'skip') {
      await t.test(name, { skip: b.marker.attrs.reason! }, () => undefined);
      continue;
    }
    const absent = missingToolOf(shellScript(b));
    if (absent) {
      await t.test(name, { skip: `${absent} is not installed on this machine` }, () => undefined);
      continue;
    }
    await t.test(name, async () => {
      const script = shellScript(b);
      const expected = documentedResponses(script);
      const connectorUrl = script.includes(CONNECTOR_URL) ? await deviceFor(b.file) : undefined;
      const filled = fillPlaceholders(script, s.url, { ...context, ...(connectorUrl ? { connectorUrl } : {}) });
      const run = await runShell(filled, { cwd: parent, env, timeoutMs: 45_000, cliServerUrl: cliServer.url });
      try {
        const output = `\n--- block ---\n${script}--- stdout ---\n${run.stdout.slice(-3000)}\n--- stderr ---\n${run.stderr.slice(-3000)}`;
        assert.ok(!run.timedOut, `${where(b)}: timed out${output}`);
        assert.equal(run.code, 0, `${where(b)}: exit ${run.code}${output}`);
        assert.equal(run.responses.length, expected.length, `${where(b)}: ${expected.length} curl calls written, ${run.responses.length} made${output}`);
        run.responses.forEach(({ status, body }, i) => {
          const want = expected[i]!;
          if (want.status === undefined) assert.ok(status >= 200 && status < 300, `${where(b)}: curl call ${i + 1} got ${status}, documented 2xx${output}`);
          else assert.equal(status, want.status, `${where(b)}: curl call ${i + 1} got ${status}, documented ${want.status}${output}`);
          if (want.code !== undefined) {
            assert.ok(body !== undefined, `${where(b)}: curl call ${i + 1} documents code ${want.code} but writes its body to -o`);
            assert.equal(JSON.parse(body).code, want.code, `${where(b)}: curl call ${i + 1} answered ${body}`);
          }
        });
        for (const secret of [s.signerToken, s.adminToken])
          assert.ok(!run.stdout.includes(secret) || /token create/.test(script), `${where(b)} prints a token`);
      } finally {
        await resetDemo(tokens);
      }
    });
  }
  t.diagnostic(`ran ${runnable.length - skipped.length} blocks, skipped ${skipped.length}:`);
  for (const b of skipped) t.diagnostic(`  ${where(b)}: ${b.marker!.attrs.reason}`);
});

test('every policy example marked docs-test: config passes openkms config check beside the demo keys', async () => {
  const examples = blocks.filter((b) => b.marker?.directive === 'config');
  assert.ok(examples.length >= 3, 'a worked example per chain');
  const base = readFileSync(join(s.dir, 'config.toml'), 'utf8');
  for (const b of examples) {
    const file = join(s.dir, `docs-example-${b.line}.toml`);
    copyFileSync(join(s.dir, 'config.toml'), file);
    writeFileSync(file, `${base}\n# ${where(b)}\n${b.body}`);
    const res = await cli(['config', 'check', '--config', file]);
    assert.equal(res.code, 0, `${where(b)}: openkms config check failed:\n${res.stdout}${res.stderr}`);
    rmSync(file);
  }
});

test('code marked docs-test: same-as is the tested file, byte for byte', () => {
  const copies = blocks.filter((b) => b.marker?.directive === 'same-as');
  assert.ok(copies.length >= 2, 'CONTRIBUTING shows the tested chain and backend plugin fixtures');
  for (const b of copies) {
    const path = b.marker!.attrs.path!;
    assert.equal(b.body, readFileSync(join(REPO_ROOT, path), 'utf8'), `${where(b)} differs from ${path}`);
  }
});
