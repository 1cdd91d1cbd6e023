import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBaseDocument } from '../src/openapi/compose-openapi.js';

test('the base OpenAPI document: the pre-parsed JSON the build ships when it is not older than the YAML, else the YAML', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-openapi-'));
  try {
    const yaml = join(dir, 'openkms.v1.yaml');
    const json = join(dir, 'openkms.v1.json');
    writeFileSync(yaml, 'openapi: 3.1.0\ninfo:\n  title: from yaml\n');
    assert.equal(loadBaseDocument(yaml).info.title, 'from yaml', 'no JSON beside it');
    writeFileSync(json, JSON.stringify({ openapi: '3.1.0', info: { title: 'from json' } }));
    const t = new Date('2026-01-01T00:00:00Z');
    utimesSync(yaml, t, t);
    utimesSync(json, t, t);
    assert.equal(loadBaseDocument(yaml).info.title, 'from json', 'as new as the YAML');
    utimesSync(yaml, new Date(), new Date());
    assert.equal(loadBaseDocument(yaml).info.title, 'from yaml', 'the YAML changed after the build');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
