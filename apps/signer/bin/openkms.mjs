#!/usr/bin/env node
// The `openkms` command. Starts the CLI from built output (dist/) when it is up to date, so a call does not pay for
// compiling TypeScript; otherwise from the TypeScript sources through tsx (the `source` export condition), exactly
// as the tests run them. Stale output is never run: dist/ counts as up to date only when, for the signer and every
// @openkms/* package it depends on, no file under src/ (tests aside) is newer than that package's dist/index.js, and
// the shipped OpenAPI copy is not older than openapi/openkms.v1.yaml. (A published package ships dist/ and src/ with
// equal timestamps, so it always starts from dist/.) `pnpm build` refreshes dist/.
// OPENKMS_CLI_FROM=source or =dist forces one (dist fails if it is missing or stale).
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const signerDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where `name` is installed for a package in `dir`: the nearest node_modules/<name> up the tree, as node looks. */
function installedDir(dir, name) {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(d) === d) return undefined;
  }
}

/** The signer's directory and those of the @openkms/* packages it depends on, transitively. */
function workspacePackages() {
  const dirs = new Set([signerDir]);
  const queue = [signerDir];
  while (queue.length > 0) {
    const dir = queue.pop();
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      if (!name.startsWith('@openkms/')) continue;
      const depDir = installedDir(dir, name);
      if (depDir !== undefined && !dirs.has(depDir)) {
        dirs.add(depDir);
        queue.push(depDir);
      }
    }
  }
  return [...dirs];
}

function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (!e.name.endsWith('.test.ts') && !e.name.startsWith('test-')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : undefined);

/** Why dist/ cannot be used, or undefined when it is up to date. */
function staleReason() {
  for (const dir of workspacePackages()) {
    const built = mtime(join(dir, 'dist', 'index.js'));
    if (built === undefined) return `${join(dir, 'dist')} is not built`;
    if (newestSource(join(dir, 'src')) > built) return `${join(dir, 'src')} changed since the last build`;
  }
  const shipped = mtime(join(signerDir, 'openapi', 'openkms.v1.yaml'));
  const source = mtime(join(signerDir, '..', '..', 'openapi', 'openkms.v1.yaml'));
  if (shipped === undefined) return 'the OpenAPI document was not copied by the build';
  if (source !== undefined && source > shipped) return 'openapi/openkms.v1.yaml changed since the last build';
  if (mtime(join(signerDir, 'dist', 'cli.js')) === undefined) return 'dist/cli.js is missing';
  return undefined;
}

const from = process.env.OPENKMS_CLI_FROM;
const reason = from === 'source' ? 'OPENKMS_CLI_FROM=source' : staleReason();
if (reason === undefined) {
  await import(pathToFileURL(join(signerDir, 'dist', 'cli.js')).href);
} else if (from === 'dist') {
  process.stderr.write(`openkms: cannot start from dist/ (${reason}); run pnpm build\n`);
  process.exitCode = 1;
} else {
  let registerTsx;
  try {
    ({ register: registerTsx } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(`openkms: ${reason}, and tsx is not installed to run the sources; run pnpm build\n`);
    process.exit(1);
  }
  registerTsx();
  // workspace packages resolve to their TypeScript sources (the "source" condition), which tsx compiles on the fly
  nodeModule.register('data:text/javascript,export async function resolve(s,c,n){return n(s,{...c,conditions:[...c.conditions,"source"]})}');
  await import(pathToFileURL(join(signerDir, 'src', 'cli.ts')).href);
}
