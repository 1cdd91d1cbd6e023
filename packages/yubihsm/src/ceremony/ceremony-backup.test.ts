import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKUP_FORMAT, backupChecksum, parseBackup, toOriginalBackup, type BackupBundle } from './ceremony-backup.js';

const nonce = Buffer.alloc(13, 7).toString('base64');
const ciphertext = Buffer.alloc(80, 9).toString('base64');
const body = {
  format: BACKUP_FORMAT,
  version: 1,
  created_at: '2026-01-01T00:00:00.000Z',
  device_serial: 12345678,
  wrap_key_id: 1,
  keys: [{ object_id: 0x101, nonce, ciphertext, label: 'solana-hot-0', algorithm: 'ed25519', origin: 'imported', public_key: 'ab'.repeat(32) }],
} as const;
const bundle: BackupBundle = { ...body, checksum: backupChecksum(body) };
const reason = (r: string) => (e: { context?: { reason?: string } }) => e.context?.reason === r;

test('a bundle round-trips through JSON; its entries are the original ExportedKey fields plus ours', () => {
  const parsed = parseBackup(JSON.stringify(bundle, null, 2));
  assert.equal(parsed.kind, 'openkms');
  assert.deepEqual(parsed.keys, bundle.keys);
  assert.deepEqual(toOriginalBackup(bundle), [{ object_id: 0x101, nonce, ciphertext }]);
  // key order in the file does not matter; the checksum covers the values
  const reordered = {
    checksum: bundle.checksum,
    keys: bundle.keys,
    wrap_key_id: 1,
    device_serial: 12345678,
    created_at: body.created_at,
    version: 1,
    format: BACKUP_FORMAT,
  };
  assert.equal(parseBackup(JSON.stringify(reordered)).keys.length, 1);
});

test('the original format (a JSON array) is read as is', () => {
  const parsed = parseBackup(JSON.stringify([{ object_id: 7, nonce, ciphertext }]));
  assert.deepEqual(parsed, { kind: 'original', wrapKeyId: 1, keys: [{ object_id: 7, nonce, ciphertext }] });
});

test('a changed, truncated, unknown-version or malformed backup is backup_invalid', () => {
  const bad = [
    JSON.stringify({ ...bundle, keys: [{ ...bundle.keys[0], object_id: 0x102 }] }),
    JSON.stringify({ ...bundle, created_at: '2027-01-01T00:00:00.000Z' }),
    JSON.stringify({ ...bundle, keys: [] }),
    JSON.stringify({ ...bundle, version: 2 }),
    JSON.stringify({ ...bundle, format: 'other' }),
    JSON.stringify(bundle).slice(0, -10),
    JSON.stringify([{ object_id: 7, nonce: 'AAAA', ciphertext }]),
    JSON.stringify([{ object_id: 0, nonce, ciphertext }]),
    JSON.stringify({ ...bundle, keys: [{ ...bundle.keys[0], public_key: 'xyz' }] }),
  ];
  for (const text of bad) assert.throws(() => parseBackup(text), reason('backup_invalid'), text.slice(0, 80));
});
