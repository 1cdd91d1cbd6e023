import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectedSections } from './bench-sections.js';

test('--only and BENCH_ONLY select sections; nothing selects every section; an unknown name is refused', () => {
  assert.equal(selectedSections([], undefined), undefined);
  assert.equal(selectedSections(['--quick'], ''), undefined);
  assert.deepEqual(selectedSections(['--only', 'fleet'], undefined), ['fleet']);
  assert.deepEqual(selectedSections(['--only=fleet,softhsm'], undefined), ['softhsm', 'fleet']);
  assert.deepEqual(selectedSections([], 'zero, fleet'), ['zero', 'fleet']);
  assert.deepEqual(selectedSections(['--only', 'softhsm'], 'fleet'), ['softhsm'], 'the flag wins over the environment');
  assert.throws(() => selectedSections(['--only', 'flet'], undefined), /unknown bench section\(s\) flet/);
  assert.throws(() => selectedSections(['--only'], undefined), /--only needs a list/);
  assert.throws(() => selectedSections(['--only', '--quick'], undefined), /--only needs a list/);
});
