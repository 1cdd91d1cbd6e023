import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenKmsError } from '@openkms/core';
import { loadBaseDocument } from '../src/openapi/compose-openapi.js';
import { RequestValidators } from '../src/openapi/request-validators.js';

const validators = new RequestValidators(loadBaseDocument());

function pathOf(schema: string, body: unknown): string {
  try {
    validators.check(schema, body);
  } catch (err) {
    assert.ok(isOpenKmsError(err), String(err));
    assert.equal(err.code, 'invalid_request');
    assert.match(err.message, new RegExp(`^invalid request body: ${String(err.context.path).replace(/[.[\]()]/g, (c) => `\\${c}`)}: `));
    return String(err.context.path);
  }
  assert.fail(`${JSON.stringify(body)} passed ${schema}`);
}

test('PolicyOverlay (from @openkms/policy) validates PATCH bodies: the path names the bad field, array indices in brackets', () => {
  assert.equal(pathOf('PolicyOverlay', { bogus: 1 }), 'bogus');
  assert.equal(pathOf('PolicyOverlay', { per_tx_caps: { native: 5 } }), 'per_tx_caps.native');
  assert.equal(pathOf('PolicyOverlay', { per_tx_caps: { native: '5 SOL' } }), 'per_tx_caps.native');
  assert.equal(pathOf('PolicyOverlay', { max_signs_per_minute: -1 }), 'max_signs_per_minute');
  assert.equal(pathOf('PolicyOverlay', { allowed_programs: [{ idd: 'x' }] }), 'allowed_programs[0].idd', 'an unknown key is reported before the missing one');
  assert.equal(pathOf('PolicyOverlay', { allowed_programs: [{}] }), 'allowed_programs[0].id');
  assert.equal(pathOf('PolicyOverlay', [1]), '(root)');
  // null clears a field; every field is optional
  validators.check('PolicyOverlay', { max_signs_per_minute: null, per_tx_caps: { native: '5', 'spl:abc': null }, enabled: false });
  validators.check('PolicyOverlay', {});
});

test('sign requests: the first useful error names its field', () => {
  assert.equal(pathOf('SignRequest.solana', { label: 'a', message_b64: 'AAAA', extra: 1 }), 'extra');
  assert.equal(pathOf('SignRequest.solana', { label: 'a' }), 'message_b64');
  assert.equal(
    pathOf('SignRequest.solana', { label: 'a', message_b64: 'AAAA', address_lookup_tables: [{ key: 'x', addresses: [] }] }),
    'address_lookup_tables[0].key',
  );
  assert.equal(pathOf('SignRequest.cosmos', { label: 'a', sign_doc_b64: 'AAAA' }), 'expected_chain_id');
  assert.throws(() => validators.check('NoSuchSchema', {}), /no schema NoSuchSchema/);
});
