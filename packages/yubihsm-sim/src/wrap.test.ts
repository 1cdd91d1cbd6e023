import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, createHash } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createSimulator } from './simulator.js';
import { call, cap, concat, hex, objectHeader, openSession, send, u16, u64 } from './test-host.js';

const SIGN_ECDSA = 0x07;
const SIGN_EDDSA = 0x08;
const EXPORT_WRAPPED = 0x0c;
const IMPORT_WRAPPED = 0x0d;
const EXPORTABLE = 0x10;
const DELETE_ASYM = 0x29;
const WRAP_KEY = new Uint8Array(32).map((_, i) => i + 1);
const SEED = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');

function decrypt(blob: Uint8Array): Uint8Array {
  const d = createDecipheriv('aes-256-ccm', WRAP_KEY, blob.subarray(0, 13), { authTagLength: 16 });
  d.setAuthTag(blob.subarray(blob.length - 16));
  d.setAAD(new Uint8Array(0), { plaintextLength: blob.length - 29 });
  return new Uint8Array(Buffer.concat([d.update(blob.subarray(13, blob.length - 16)), d.final()]));
}

async function setup() {
  const sim = createSimulator();
  const s = await openSession(sim);
  const delegated = cap(SIGN_ECDSA, SIGN_EDDSA, EXPORTABLE, EXPORT_WRAPPED, IMPORT_WRAPPED, DELETE_ASYM);
  await call(sim, s, 0x4c, concat(objectHeader(0x70, 'wrap', 0xffff, cap(EXPORT_WRAPPED, IMPORT_WRAPPED), 42), u64(delegated), WRAP_KEY));
  return { sim, s };
}

test('ExportWrapped/ImportWrapped round trip: P-256 key (d ‖ x ‖ y body, imported_wrapped origin, still signs)', async () => {
  const { sim, s } = await setup();
  const d = hex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
  await call(sim, s, 0x45, concat(objectHeader(0x71, 'ec', 1, cap(SIGN_ECDSA, EXPORTABLE), 12), d));
  const blob = await call(sim, s, 0x4a, concat(u16(0x70), Uint8Array.of(3), u16(0x71)));
  const plain = decrypt(blob);
  assert.equal(plain.length, 59 + 96);
  assert.equal(plain[0], 42, 'wrap algorithm');
  assert.equal((plain[9]! << 8) | plain[10]!, 0x71);
  assert.equal((plain[11]! << 8) | plain[12]!, 96, 'body length');
  assert.deepEqual([plain[15], plain[16], plain[17], plain[18]], [3, 12, 0, 2]);
  assert.deepEqual(plain.subarray(59, 91), d);
  assert.deepEqual(plain.subarray(91), p256.getPublicKey(d, false).subarray(1));

  await call(sim, s, 0x58, concat(u16(0x71), Uint8Array.of(3)));
  assert.deepEqual(await call(sim, s, 0x4b, concat(u16(0x70), blob)), concat(Uint8Array.of(3), u16(0x71)));
  const info = await call(sim, s, 0x4e, concat(u16(0x71), Uint8Array.of(3)));
  assert.equal(info[17], 0x12, 'origin imported | wrapped');
  const digest = createHash('sha256').update('x').digest();
  const sig = await call(sim, s, 0x56, concat(u16(0x71), digest));
  assert.ok(p256.verify(sig, digest, p256.getPublicKey(d, false), { prehash: false, lowS: false, format: 'der' }));
  assert.equal((await send(sim, s, 0x4b, concat(u16(0x70), blob))).error, 0x11, 'already exists');
  const tampered = Uint8Array.from(blob);
  tampered[20]! ^= 1;
  await call(sim, s, 0x58, concat(u16(0x71), Uint8Array.of(3)));
  assert.equal((await send(sim, s, 0x4b, concat(u16(0x70), tampered))).error, 0x02, 'tampered blob');
  await sim.close();
});

test('Ed25519 export: format 0 = 96-byte expanded form, format 1 = seed ‖ expanded; both re-import and sign', async () => {
  const { sim, s } = await setup();
  await call(sim, s, 0x45, concat(objectHeader(0x72, 'ed', 1, cap(SIGN_EDDSA, EXPORTABLE), 46), SEED));
  const legacy = await call(sim, s, 0x4a, concat(u16(0x70), Uint8Array.of(3), u16(0x72)));
  const seeded = await call(sim, s, 0x4a, concat(u16(0x70), Uint8Array.of(3), u16(0x72), Uint8Array.of(1)));
  const h = createHash('sha512').update(SEED).digest();
  const clamped = Uint8Array.from(h.subarray(0, 32));
  clamped[0]! &= 248;
  clamped[31]! &= 127;
  clamped[31]! |= 64;
  const expanded = concat(clamped.reverse(), h.subarray(32), ed25519.getPublicKey(SEED));
  const p0 = decrypt(legacy);
  assert.equal((p0[11]! << 8) | p0[12]!, 96);
  assert.deepEqual(p0.subarray(59), expanded);
  const p1 = decrypt(seeded);
  assert.equal((p1[11]! << 8) | p1[12]!, 128);
  assert.deepEqual(p1.subarray(59), concat(SEED, expanded));
  assert.equal((await send(sim, s, 0x4a, concat(u16(0x70), Uint8Array.of(3), u16(0x72), Uint8Array.of(2)))).error, 0x02);

  const msg = new TextEncoder().encode('after import');
  const want = ed25519.sign(msg, SEED);
  for (const blob of [legacy, seeded]) {
    await call(sim, s, 0x58, concat(u16(0x72), Uint8Array.of(3)));
    await call(sim, s, 0x4b, concat(u16(0x70), blob));
    assert.deepEqual(await call(sim, s, 0x6a, concat(u16(0x72), msg)), want);
    assert.equal((await call(sim, s, 0x4e, concat(u16(0x72), Uint8Array.of(3))))[17], 0x12);
  }
  // re-exporting the legacy-imported key (no seed known) with format 1 gives the 96-byte form
  await call(sim, s, 0x58, concat(u16(0x72), Uint8Array.of(3)));
  await call(sim, s, 0x4b, concat(u16(0x70), legacy));
  const again = await call(sim, s, 0x4a, concat(u16(0x70), Uint8Array.of(3), u16(0x72), Uint8Array.of(1)));
  assert.equal(decrypt(again).length, 59 + 96);
  await sim.close();
});

test('authentication keys and wrap keys wrap as delegated ‖ key material', async () => {
  const { sim, s } = await setup();
  const k = new Uint8Array(32).fill(0x42);
  await call(sim, s, 0x44, concat(objectHeader(0x73, 'auth', 1, cap(EXPORTABLE), 38), u64(cap(SIGN_ECDSA)), k));
  const blob = await call(sim, s, 0x4a, concat(u16(0x70), Uint8Array.of(2), u16(0x73)));
  const p = decrypt(blob);
  assert.deepEqual(p.subarray(59), concat(u64(cap(SIGN_ECDSA)), k));
  await call(sim, s, 0x58, concat(u16(0x73), Uint8Array.of(2)));
  await call(sim, s, 0x4b, concat(u16(0x70), blob));
  const info = await call(sim, s, 0x4e, concat(u16(0x73), Uint8Array.of(2)));
  assert.equal(info[17], 0x12);
  assert.equal(new DataView(info.buffer, info.byteOffset).getBigUint64(58), cap(SIGN_ECDSA));
  await sim.close();
});

test('wrap rules: exportable-under-wrap, wrap key delegated set, export/import capabilities', async () => {
  const { sim, s } = await setup();
  await call(sim, s, 0x46, objectHeader(0x74, 'not exportable', 1, cap(SIGN_ECDSA), 12));
  assert.equal((await send(sim, s, 0x4a, concat(u16(0x70), Uint8Array.of(3), u16(0x74)))).error, 0x09);
  await call(sim, s, 0x46, objectHeader(0x75, 'too many caps', 1, cap(SIGN_ECDSA, EXPORTABLE, 0x0b), 12));
  assert.equal((await send(sim, s, 0x4a, concat(u16(0x70), Uint8Array.of(3), u16(0x75)))).error, 0x09);
  await call(sim, s, 0x4c, concat(objectHeader(0x76, 'import-only', 1, cap(IMPORT_WRAPPED), 29), u64(cap(SIGN_ECDSA, EXPORTABLE)), new Uint8Array(16)));
  await call(sim, s, 0x46, objectHeader(0x77, 'ok', 1, cap(SIGN_ECDSA, EXPORTABLE), 12));
  assert.equal((await send(sim, s, 0x4a, concat(u16(0x76), Uint8Array.of(3), u16(0x77)))).error, 0x09, 'wrap key lacks export-wrapped');
  assert.equal((await send(sim, s, 0x4a, concat(u16(0x99), Uint8Array.of(3), u16(0x77)))).error, 0x0b, 'no such wrap key');
  // a blob whose caps exceed the importing wrap key's delegated set is refused
  const blob = await call(sim, s, 0x4a, concat(u16(0x70), Uint8Array.of(3), u16(0x77)));
  await call(sim, s, 0x4c, concat(objectHeader(0x78, 'narrow', 1, cap(IMPORT_WRAPPED), 42), u64(cap(SIGN_EDDSA)), WRAP_KEY));
  await call(sim, s, 0x58, concat(u16(0x77), Uint8Array.of(3)));
  assert.equal((await send(sim, s, 0x4b, concat(u16(0x78), blob))).error, 0x09);
  assert.equal((await send(sim, s, 0x4b, concat(u16(0x76), blob))).error, 0x02, 'wrong wrap key does not authenticate');
  await sim.close();
});
