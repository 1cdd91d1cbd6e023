import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentedResponses, isCommandBlock, parseDocBlocks, shellScript } from './support/docs-blocks.js';
import { fillPlaceholders } from './support/docs-placeholders.js';
import { startDocsCliServer } from './support/docs-cli-server.js';
import { runShell } from './support/docs-shell.js';

// The docs test's reading of markdown: which blocks run, with which marker, expecting which statuses.

const md = [
  '# t',
  '<!-- docs-test: skip reason="needs a real YubiHSM2" -->',
  '',
  '```sh',
  'openkms setup --connector http://127.0.0.1:12345',
  '```',
  '```sh',
  'pnpm --filter @openkms/policy test',
  '```',
  '```console',
  '$ curl -s http://127.0.0.1:9443/health',
  '{"status":"ok"}',
  '```',
  '  ```toml',
  '  [keys.a]',
  '  ```',
].join('\n');

test('blocks carry the marker written right before them, indented fences included', () => {
  const blocks = parseDocBlocks('x.md', md);
  assert.equal(blocks.length, 4);
  assert.deepEqual(blocks[0]!.marker?.attrs, { reason: 'needs a real YubiHSM2' });
  assert.equal(blocks[0]!.line, 4);
  assert.equal(blocks[1]!.marker, undefined, 'a marker applies to one block only');
  assert.equal(blocks[3]!.body, '[keys.a]\n');
  assert.throws(() => parseDocBlocks('x.md', '<!-- docs-test: skip reason=unquoted -->\n```sh\nls\n```\n'), /malformed docs-test marker/);
  assert.throws(() => parseDocBlocks('x.md', '```sh\nls\n'), /unclosed code fence/);
});

test('a block runs when it calls curl or the openkms CLI; a console block runs its $ lines only', () => {
  const blocks = parseDocBlocks('x.md', md);
  assert.equal(isCommandBlock(blocks[0]!), true);
  assert.equal(isCommandBlock(blocks[1]!), false, '@openkms/… is a package name, not the CLI');
  assert.equal(isCommandBlock(blocks[2]!), true);
  assert.equal(shellScript(blocks[2]!), 'curl -s http://127.0.0.1:9443/health\n');
  assert.equal(isCommandBlock(blocks[3]!), false);
  const apt = parseDocBlocks('x.md', '```sh\nsudo apt-get install -y curl ca-certificates\n```\n')[0]!;
  assert.equal(isCommandBlock(apt), false, 'installing curl is no curl call');
  const piped = parseDocBlocks('x.md', '```sh\nX=$(curl -s http://x) && sudo -E curl -s http://y | cat\n```\n')[0]!;
  assert.equal(isCommandBlock(piped), true);
  assert.equal(documentedResponses(shellScript(piped)).length, 2);
});

test('a "# → NNN {"code": …}" comment documents the status and error code of the command before it; others must be 2xx', () => {
  const script = [
    'curl -s http://x/a',
    "curl -s http://x/b -d '{",
    '  "label": "k"',
    "}'",
    '# → 403 {"code": "key_disabled"}',
    'openkms audit verify',
    '# → 200 (belongs to no curl call)',
    'curl -s http://x/c | jq . && curl -s http://x/d',
    '# -> 429',
  ].join('\n');
  assert.deepEqual(
    documentedResponses(script).map((r) => [r.status, r.code]),
    [
      [undefined, undefined],
      [403, 'key_disabled'],
      [429, undefined],
      [429, undefined],
    ],
  );
});

test('placeholders: known ones are filled (fresh each time), unknown ones and elided values are refused', () => {
  const keys = { 'solana-hot-0': { address: '11111111111111111111111111111112', public_key_b64: '' } };
  const filled = fillPlaceholders('echo <base64 message> <base64 message> http://127.0.0.1:9443/x\n# <kept> …\n', 'http://127.0.0.1:4444', { keys });
  const [, a, b, url] = filled.split('\n')[0]!.split(' ');
  assert.notEqual(a, b, 'a fresh message for every occurrence');
  assert.equal(url, 'http://127.0.0.1:4444/x');
  assert.match(filled, /# <kept> …/, 'comments are left alone');
  assert.throws(() => fillPlaceholders('echo <your label>\n', 'u', { keys }), /unknown placeholder <your label>/);
  assert.throws(() => fillPlaceholders('echo 0x…\n', 'u', { keys }), /elided value/);
});

test("runShell: curl's stdout is unchanged and each call's status and body are recorded; a failing openkms command fails the block", async () => {
  const http = createServer((_req, res) => {
    res.statusCode = 404;
    res.end('{"code":"not_found"}');
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  const cliServer = await startDocsCliServer();
  const cwd = mkdtempSync(join(tmpdir(), 'openkms-docs-shell-'));
  try {
    const curls = await runShell(`curl -s ${url}/a | cat\ncurl -s -o /dev/null ${url}/b\n`, { cwd, env: {}, timeoutMs: 20_000 });
    assert.equal(curls.code, 0, curls.stderr);
    assert.equal(curls.stdout, '{"code":"not_found"}');
    assert.deepEqual(curls.responses, [
      { status: 404, body: '{"code":"not_found"}' },
      { status: 404, body: undefined },
    ]);
    const ok = await runShell('openkms token list --file tokens.json\n', { cwd, env: {}, timeoutMs: 20_000, cliServerUrl: cliServer.url });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /no tokens/);
    const failing = await runShell('openkms config check --config missing.toml\necho not reached\n', {
      cwd,
      env: {},
      timeoutMs: 20_000,
      cliServerUrl: cliServer.url,
    });
    assert.notEqual(failing.code, 0);
    assert.doesNotMatch(failing.stdout, /not reached/, 'set -e: the block stops at the failing command');
  } finally {
    http.close();
    await cliServer.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});
