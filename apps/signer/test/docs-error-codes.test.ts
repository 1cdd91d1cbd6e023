import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode } from '@openkms/core';
import { httpStatusOf } from '../src/http/error-status.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const skill = readFileSync(join(repo, '.agents/skills/openkms/SKILL.md'), 'utf8');

/** The backticked codes in the README's "### Error codes" table. */
function readmeCodes(): string[] {
  const section = readme.slice(readme.indexOf('### Error codes'));
  const table = section.slice(0, section.indexOf('\n## '));
  const rows = table.split('\n').filter((l) => /^\| [0-9]{3} \|/.test(l));
  assert.ok(rows.length >= 10, 'the README has its error code table');
  return [...new Set(rows.flatMap((r) => [...r.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!)))];
}

/** SKILL.md's per-code table: code → its row (meaning and action). */
function skillRows(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of skill.split('\n')) {
    const m = /^\| `([a-z_]+)` \| ([0-9]{3}) \|/.exec(line);
    if (m) rows.set(m[1]!, line);
  }
  return rows;
}

/** Codes a client can receive: every code with an HTTP status of its own, plus internal_error. */
const clientCodes = Object.values(ErrorCode).filter((c) => httpStatusOf(c) !== 500 || c === ErrorCode.internal);

test('every code in the README code table is a real code and is explained in SKILL.md with what to do (retry, fix or stop)', () => {
  const rows = skillRows();
  for (const code of readmeCodes()) {
    assert.ok((Object.values(ErrorCode) as string[]).includes(code), `README lists ${code}, which is not in ErrorCode`);
    const row = rows.get(code);
    assert.ok(row, `SKILL.md does not explain ${code}`);
    assert.match(row, /\*\*(retry|fix|stop)\*\*/, `SKILL.md says what to do on ${code}`);
  }
});

test('every code a client can receive is in the README table and in SKILL.md, with its real HTTP status', () => {
  const inReadme = new Set(readmeCodes());
  const rows = skillRows();
  for (const code of clientCodes) {
    assert.ok(inReadme.has(code), `README's code table misses ${code}`);
    const row = rows.get(code);
    assert.ok(row, `SKILL.md misses ${code}`);
    assert.equal(Number(/^\| `[a-z_]+` \| ([0-9]{3}) \|/.exec(row)![1]), httpStatusOf(code), `SKILL.md gives ${code} its HTTP status`);
  }
});

test("SKILL.md's code table names only real codes (a removed or renamed code cannot linger in the agents' manual)", () => {
  const known = new Set<string>(Object.values(ErrorCode));
  const rows = skillRows();
  assert.ok(rows.size >= clientCodes.length, 'SKILL.md has its code table');
  for (const code of rows.keys()) assert.ok(known.has(code), `SKILL.md explains ${code}, which is not in ErrorCode`);
});
