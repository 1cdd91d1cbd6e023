import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { isOpenKmsError } from '@openkms/core';
import { createSoftHsmToken, softHsmMissing } from '@openkms/tooling/test-helpers';
import plugin, { createPkcs11Backend } from './index.js';

const skip = softHsmMissing();
const noLog = () => undefined;

test('PKCS#11 over a SoftHSM2 token: discovery, ed25519 over the message, secp256k1 low-S + recovery that verifies', { skip }, async () => {
  const token = createSoftHsmToken();
  token.generate({ label: 'sol-0', curve: 'ed25519', id: '01' });
  token.generate({ label: 'evm-0', curve: 'secp256k1', id: '02' });
  token.generate({ label: 'twin', curve: 'secp256k1', id: '0a' });
  token.generate({ label: 'twin', curve: 'secp256k1', id: '0b' });
  const events: string[] = [];
  const backend = await plugin.create(
    { module: token.module, token_label: token.tokenLabel, pin_file: token.pinFile, pool_size: 2 },
    { name: 'hsm2', configDir: token.dir, log: noLog, onEvent: (e) => events.push(`${e.type}:${e.operation ?? ''}`) },
  );
  try {
    assert.equal((await backend.health()).up, true);
    const keys = await backend.listKeys();
    const byId = new Map(keys.map((k) => [k.id, k]));
    assert.deepEqual([...byId.keys()].sort(), ['evm-0', 'id:0a', 'id:0b', 'sol-0'], 'labels when unique, CKA_ID otherwise');
    assert.equal(byId.get('sol-0')!.curve, 'ed25519');
    assert.equal(byId.get('sol-0')!.publicKey.length, 32);
    assert.equal(byId.get('evm-0')!.publicKey.length, 33);

    const message = new TextEncoder().encode('a solana message');
    const sig = await backend.signEd25519({ id: 'sol-0' }, message);
    assert.ok(ed25519.verify(sig, message, byId.get('sol-0')!.publicKey));

    for (const id of ['evm-0', 'id:0b']) {
      const pub = await backend.getPublicKey({ id });
      for (let i = 0; i < 8; i++) {
        const digest = sha256(new TextEncoder().encode(`tx ${i}`));
        let provenance: unknown;
        const { signature, recovery } = await backend.signSecp256k1({ id }, digest, { onProvenance: (p) => (provenance = p) });
        const s = secp256k1.Signature.fromBytes(signature, 'compact');
        assert.equal(s.hasHighS(), false, 'low S');
        assert.deepEqual(s.addRecoveryBit(recovery).recoverPublicKey(digest).toBytes(true), pub, 'the recovery id recovers the key');
        assert.deepEqual(provenance, { device: token.tokenLabel, keyId: id });
      }
    }
    await assert.rejects(backend.signSecp256k1({ id: 'sol-0' }, new Uint8Array(32)), { code: 'backend_error' });
    await assert.rejects(backend.getPublicKey({ id: 'nope' }), { code: 'key_not_found' });
    await assert.rejects(backend.getPublicKey({ id: 'twin' }), { code: 'backend_error' });
    assert.ok(events.includes('command:C_Sign'));
  } finally {
    await backend.close();
    token.remove();
  }
});

test('PKCS#11 faults fail closed without the PIN: wrong PIN, missing token, missing module, closed backend', { skip }, async () => {
  const token = createSoftHsmToken();
  token.generate({ label: 'k', curve: 'ed25519' });
  try {
    const wrong = createPkcs11Backend({ module: token.module, tokenLabel: token.tokenLabel, pin: 'not-the-pin-9876' });
    const err = await wrong.getPublicKey({ id: 'k' }).catch((e: unknown) => e);
    assert.ok(isOpenKmsError(err) && err.code === 'backend_unavailable', String(err));
    assert.equal(err.context.pkcs11, 'CKR_PIN_INCORRECT');
    assert.ok(!JSON.stringify({ m: err.message, c: err.context }).includes('not-the-pin-9876'), 'no PIN in the error');
    assert.equal((await wrong.health()).up, false);
    await wrong.close();

    const absent = createPkcs11Backend({ module: token.module, tokenLabel: 'no-such-token', pin: token.pin });
    await assert.rejects(absent.signEd25519({ id: 'k' }, new Uint8Array(1)), { code: 'backend_unavailable' });
    await absent.close();

    const noModule = createPkcs11Backend({ module: join(token.dir, 'missing.so'), tokenLabel: token.tokenLabel, pin: token.pin });
    await assert.rejects(noModule.listKeys(), { code: 'backend_unavailable' });
    await noModule.close();

    const ok = createPkcs11Backend({ module: token.module, tokenLabel: token.tokenLabel, pin: token.pin });
    assert.equal((await ok.getPublicKey({ id: 'k' })).length, 32);
    await ok.close();
    await assert.rejects(ok.signEd25519({ id: 'k' }, new Uint8Array(1)), { code: 'backend_unavailable' });
  } finally {
    token.remove();
  }
});

test('the PIN file must be 0600 (a group/world-readable one is refused, naming the config path)', { skip }, async () => {
  const token = createSoftHsmToken();
  try {
    const loose = join(token.dir, 'loose.pin');
    writeFileSync(loose, token.pin);
    chmodSync(loose, 0o640);
    assert.throws(
      () => plugin.create({ module: token.module, token_label: token.tokenLabel, pin_file: 'loose.pin' }, { name: 'hsm2', configDir: token.dir, log: noLog }),
      (e: unknown) => isOpenKmsError(e) && e.code === 'insecure_file' && e.context.path === 'backends.hsm2.pin_file' && !e.message.includes(token.pin),
    );
  } finally {
    token.remove();
  }
});

test('a concurrent burst is served by the session pool', { skip }, async () => {
  const token = createSoftHsmToken();
  token.generate({ label: 'k1', curve: 'secp256k1' });
  const backend = createPkcs11Backend({ module: token.module, tokenLabel: token.tokenLabel, pin: token.pin, poolSize: 2 });
  try {
    const pub = await backend.getPublicKey({ id: 'k1' });
    const digests = Array.from({ length: 20 }, (_, i) => sha256(new Uint8Array([i])));
    const sigs = await Promise.all(digests.map((d) => backend.signSecp256k1({ id: 'k1' }, d)));
    sigs.forEach((s, i) => assert.ok(secp256k1.verify(s.signature, digests[i]!, pub, { prehash: false })));
  } finally {
    await backend.close();
    token.remove();
  }
});

test('many sessions signing at once on the thread pool do not crash the module (initialised with OS locking)', { skip, timeout: 120_000 }, async () => {
  // without CKF_OS_LOCKING_OK SoftHSM2 runs without mutexes: concurrent C_SignAsync calls crashed the signer (SIGSEGV)
  // or spun forever
  const token = createSoftHsmToken();
  token.generate({ label: 'ed', curve: 'ed25519' });
  token.generate({ label: 'k1', curve: 'secp256k1' });
  const backend = createPkcs11Backend({ module: token.module, tokenLabel: token.tokenLabel, pin: token.pin, poolSize: 8 });
  try {
    const [edPub, k1Pub] = [await backend.getPublicKey({ id: 'ed' }), await backend.getPublicKey({ id: 'k1' })];
    for (let round = 0; round < 5; round++) {
      const work = Array.from({ length: 80 }, async (_, i) => {
        const data = sha256(new Uint8Array([round, i]));
        if (i % 2 === 0) assert.ok(ed25519.verify(await backend.signEd25519({ id: 'ed' }, data), data, edPub));
        else assert.ok(secp256k1.verify((await backend.signSecp256k1({ id: 'k1' }, data)).signature, data, k1Pub, { prehash: false }));
      });
      await Promise.all(work);
    }
  } finally {
    await backend.close();
    token.remove();
  }
});
