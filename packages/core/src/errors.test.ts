import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, OpenKmsError, isErrorCode, isOpenKmsError, openKmsError } from './index.js';

test('error codes are unique snake_case strings', () => {
  const values = Object.values(ErrorCode);
  assert.equal(new Set(values).size, values.length);
  for (const v of values) assert.match(v, /^[a-z][a-z0-9_]*$/);
});

test('OpenKmsError carries a stable code and structured context', () => {
  const err = openKmsError(ErrorCode.decodeFailed, 'bad base64', { field: 'message_b64' });
  assert.ok(err instanceof OpenKmsError);
  assert.ok(isOpenKmsError(err));
  assert.equal(err.code, 'decode_failed');
  assert.deepEqual(err.toJSON(), { code: 'decode_failed', message: 'bad base64', context: { field: 'message_b64' } });
  assert.equal(isErrorCode('nope'), false);
  assert.equal(isOpenKmsError(new Error('x')), false);
});
