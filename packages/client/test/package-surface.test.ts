import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { staticImportClosure } from '@openkms/tooling/static-imports';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, { source?: string }>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};

/** Each adapter: the chain libraries it is typed against (peers) and the modules it loads at run time. */
const ADAPTERS: Record<string, { peers: readonly string[]; loads: readonly string[] }> = {
  './solana-kit': { peers: ['@solana/kit'], loads: ['@scure/base'] }, // kit's signer interfaces are types only
  './solana-web3': { peers: ['@solana/web3.js'], loads: ['@scure/base', '@solana/web3.js'] },
  './cosmjs': { peers: ['@cosmjs/amino', '@cosmjs/proto-signing'], loads: ['@cosmjs/proto-signing', '@scure/base'] },
  './viem': { peers: ['viem'], loads: ['viem', 'viem/accounts'] },
  './ethers': { peers: ['ethers'], loads: ['ethers'] },
};

test('the core client loads only fetch-based code: no node: module, no Buffer or process in any published source file', () => {
  assert.deepEqual(staticImportClosure(join(root, 'src/index.ts')), ['openapi-fetch']);
  for (const name of readdirSync(join(root, 'src'))) {
    if (name.endsWith('.test.ts')) continue;
    const text = readFileSync(join(root, 'src', name), 'utf8');
    assert.doesNotMatch(text, /from 'node:|\bBuffer\b|\bprocess\./, `${name} uses a Node-only API`);
  }
});

test('each adapter subpath loads its chain library (an optional peer dependency, a dev dependency for the tests) and nothing else', () => {
  for (const [subpath, { peers, loads }] of Object.entries(ADAPTERS)) {
    const entry = pkg.exports[subpath]?.source;
    assert.ok(entry && existsSync(join(root, entry)), `${subpath} is exported`);
    assert.deepEqual(staticImportClosure(join(root, entry)), [...loads].sort(), subpath);
    for (const name of peers) {
      assert.ok(pkg.peerDependencies[name], `${name} is a peer dependency`);
      assert.equal(pkg.peerDependenciesMeta[name]?.optional, true, `${name} is optional`);
      assert.ok(pkg.devDependencies[name], `${name} is a dev dependency`);
      assert.equal(pkg.dependencies[name], undefined);
    }
  }
});

test('the ./pairing subpath loads only the @noble primitives it seals with (dependencies, not peers) and fetch-based code', () => {
  const entry = pkg.exports['./pairing']?.source;
  assert.ok(entry && existsSync(join(root, entry)), './pairing is exported');
  const loads = ['@noble/ciphers/aes.js', '@noble/curves/ed25519.js', '@noble/hashes/hkdf.js', '@noble/hashes/sha2.js', '@scure/base'];
  assert.deepEqual(staticImportClosure(join(root, entry)), loads);
  for (const name of ['@noble/ciphers', '@noble/curves', '@noble/hashes']) assert.ok(pkg.dependencies[name], `${name} is a dependency`);
});
