import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOpenKmsError } from '@openkms/core';
import { canRead, canSign } from './scopes.js';
import { TokenStore } from './token-store.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'openkms-tokens-'));

test('tokens are stored as hashes in a 0600 file and verified with their scopes', () => {
  const file = join(tmp(), 'tokens.json');
  const store = TokenStore.load(file, { allowMissing: true });
  const token = store.create('agent-1', ['sign:solana-hot-0', 'read']);
  assert.match(token, /^okms_[A-Za-z0-9_-]{43}$/);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.ok(!readFileSync(file, 'utf8').includes(token), 'the token itself must never be stored');
  const reloaded = TokenStore.load(file);
  const id = reloaded.verify(token);
  assert.equal(id?.name, 'agent-1');
  assert.ok(canSign(id!.scopes, 'solana-hot-0'));
  assert.ok(!canSign(id!.scopes, 'cosmos-hub-0'));
  assert.ok(canRead(id!.scopes));
  assert.equal(reloaded.verify(token + 'x'), undefined);
  assert.equal(reloaded.verify(''), undefined);
});

test('revoke removes a token; duplicate names and bad scopes are refused', () => {
  const file = join(tmp(), 'tokens.json');
  const store = TokenStore.load(file, { allowMissing: true });
  const token = store.create('a', ['admin']);
  assert.throws(
    () => store.create('a', ['read']),
    (e: unknown) => isOpenKmsError(e) && e.code === 'conflict',
  );
  assert.throws(
    () => store.create('b', ['root']),
    (e: unknown) => isOpenKmsError(e) && e.code === 'invalid_request',
  );
  assert.throws(
    () => store.create('c', ['read:x']),
    (e: unknown) => isOpenKmsError(e) && e.code === 'invalid_request',
  );
  assert.ok(store.revoke('a'));
  assert.equal(TokenStore.load(file).verify(token), undefined);
});

test('a token file readable by others is refused, naming the file and the fix', () => {
  const file = join(tmp(), 'tokens.json');
  TokenStore.load(file, { allowMissing: true }).create('a', ['read']);
  chmodSync(file, 0o644);
  assert.throws(
    () => TokenStore.load(file),
    (e: unknown) => isOpenKmsError(e) && e.code === 'insecure_file' && e.message.includes(file) && e.message.includes('0644') && e.message.includes('0600'),
  );
});
