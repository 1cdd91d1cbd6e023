import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentedStatuses, isCommandBlock, parseDocBlocks, shellScript } from './support/docs-blocks.js';
import { fillPlaceholders } from './support/docs-placeholders.js';

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
});

test('a "# → NNN" comment documents the status of the command before it; others must be 2xx', () => {
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
  assert.deepEqual(documentedStatuses(script), [undefined, 403, 429, 429]);
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
