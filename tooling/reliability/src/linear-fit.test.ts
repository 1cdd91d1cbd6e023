import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearFit } from './linear-fit.js';

test('linearFit: the least-squares line; undefined without two distinct x', () => {
  const fit = linearFit([
    { x: 0, y: 1 },
    { x: 1, y: 3 },
    { x: 2, y: 5 },
  ]);
  assert.ok(fit);
  assert.ok(Math.abs(fit.slope - 2) < 1e-9 && Math.abs(fit.intercept - 1) < 1e-9);
  assert.equal(linearFit([{ x: 1, y: 1 }]), undefined);
  assert.equal(
    linearFit([
      { x: 1, y: 1 },
      { x: 1, y: 2 },
    ]),
    undefined,
  );
});
