import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '@openkms/core';
import { authKeyBytes, passwordToAuthKey } from './password-key.js';

test('PBKDF2 "password" → default auth key', () => {
  const k = passwordToAuthKey('password');
  assert.equal(toHex(k.encKey), '090b47dbed595654901dee1cc655e420');
  assert.equal(toHex(k.macKey), '592fd483f759e29909a04c4505d2ce0a');
  assert.equal(toHex(authKeyBytes(k)), '090b47dbed595654901dee1cc655e420592fd483f759e29909a04c4505d2ce0a');
});

test('PBKDF2 UTF-8 password "κόσμε" (with U+1F79; no Unicode normalisation is applied)', () => {
  const k = passwordToAuthKey('\u03ba\u1f79\u03c3\u03bc\u03b5');
  assert.equal(toHex(k.encKey), 'f320972c667ba5cd4d35119a6b0271a1');
  assert.equal(toHex(k.macKey), 'f10050ca688e5a6ce62b1ffb0f6f6869');
});

test('the password is used as given (NFC form of the same word gives another key)', () => {
  assert.notEqual(toHex(passwordToAuthKey('\u03ba\u03cc\u03c3\u03bc\u03b5').encKey), 'f320972c667ba5cd4d35119a6b0271a1');
});
