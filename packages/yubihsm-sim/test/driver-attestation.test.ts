import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOpenKmsError } from '@openkms/core';
import { Algorithm, capabilityMask, derOid, parseCertificateBundle, YUBICO_ATTESTATION_OID } from '@openkms/yubihsm';
import { verifyAttestation } from '@openkms/yubihsm/attestation';
import { createSimulator } from '../src/index.js';
import { K1_SCALAR, startHarness } from './driver-harness.js';

const attestationFailure = (reason: string) => (err: unknown) => {
  assert.ok(isOpenKmsError(err), String(err));
  assert.equal(err.code, 'attestation_failed');
  assert.equal(err.context.reason, reason, err.message);
  return true;
};

test('SignAttestationCertificate over HTTP: a generated key verifies against the simulator root; extensions as the device writes them', async () => {
  const h = await startHarness({ serial: 12345678 });
  try {
    const s = await h.client.openSession(1, 'password');
    const id = await s.generateAsymmetricKey({
      id: 0x40,
      label: 'evm-hot',
      domains: [1, 3],
      capabilities: ['sign-ecdsa', 'exportable-under-wrap'],
      algorithm: 'eck256',
    });
    const cert = await s.signAttestationCertificate(id);
    const deviceCert = await s.getOpaque(0);
    const pk = await s.getPublicKey(id);
    const root = h.sim.attestationRoot();

    // node:crypto checks the chain on its own: root signs the device certificate, which signs the attestation
    const leaf = new X509Certificate(cert);
    const device = new X509Certificate(deviceCert);
    const rootCert = new X509Certificate(root);
    assert.ok(rootCert.verify(rootCert.publicKey), 'root is self-signed');
    assert.match(rootCert.subject, /CN=openKMS YubiHSM2 simulator attestation root — NOT Yubico/);
    assert.ok(device.verify(rootCert.publicKey));
    assert.ok(leaf.verify(device.publicKey));
    assert.equal(leaf.issuer, device.subject);
    assert.equal(leaf.subject, 'CN=YubiHSM Attestation id:0x0040');
    assert.equal(leaf.validTo, device.validTo, 'dates are copied from the attesting certificate');
    // the attested public key is the device's key (x‖y of secp256k1)
    const jwk = leaf.publicKey.export({ format: 'jwk' });
    assert.equal(jwk.crv, 'secp256k1');
    assert.equal(
      Buffer.concat([Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]).toString('hex'),
      Buffer.from(pk.publicKey).toString('hex'),
    );

    const v = verifyAttestation({ certificate: cert, intermediates: [deviceCert], roots: [root], key: { id, ...pk }, deviceSerial: 12345678 });
    assert.equal(v.objectId, 0x40);
    assert.deepEqual(v.origin, { generated: true, imported: false, wrapped: false, value: 1 });
    assert.deepEqual(v.extensions.firmwareVersion, [2, 4, 0]);
    assert.equal(v.extensions.serialNumber, 12345678);
    assert.equal(v.extensions.domains, 0b101);
    assert.equal(v.extensions.capabilities, capabilityMask(['sign-ecdsa', 'exportable-under-wrap']));
    assert.equal(v.extensions.label, 'evm-hot');
    assert.equal(v.chain.length, 3);
    assert.equal(v.rootFingerprint256, rootCert.fingerprint256);
    // every Yubico extension is present
    for (const oid of Object.values(YUBICO_ATTESTATION_OID)) assert.ok(Buffer.from(cert).includes(Buffer.from(derOid(oid))), oid);
    await s.close();
  } finally {
    await h.close();
  }
});

test('attestation refuses an imported key, another root, a tampered certificate, a wrong key, another object and device', async () => {
  const h = await startHarness();
  const other = createSimulator();
  try {
    const s = await h.client.openSession(1, 'password');
    const imported = await s.putAsymmetricKey({ id: 0x41, label: 'imported', domains: [1], capabilities: ['sign-ecdsa'], algorithm: 'eck256', key: K1_SCALAR });
    const generated = await s.generateAsymmetricKey({ id: 0x42, label: 'gen', domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519' });
    const deviceCert = await s.getOpaque(0);
    const root = h.sim.attestationRoot();
    const importedPk = await s.getPublicKey(imported);
    const importedCert = await s.signAttestationCertificate(imported);
    // the certificate itself is genuine (chain fine) but the origin says imported
    assert.throws(
      () => verifyAttestation({ certificate: importedCert, intermediates: [deviceCert], roots: [root], key: { id: imported, ...importedPk } }),
      attestationFailure('not_generated'),
    );

    const pk = await s.getPublicKey(generated);
    const cert = await s.signAttestationCertificate(generated);
    const ok = verifyAttestation({ certificate: cert, intermediates: [deviceCert], roots: [root], key: { id: generated, ...pk } });
    assert.equal(ok.origin.generated, true);
    // another simulator's root is not this device's
    assert.throws(
      () => verifyAttestation({ certificate: cert, intermediates: [deviceCert], roots: [other.attestationRoot()], key: { id: generated, ...pk } }),
      attestationFailure('chain_untrusted'),
    );
    // no device certificate: no path to the root
    assert.throws(
      () => verifyAttestation({ certificate: cert, intermediates: [], roots: [root], key: { id: generated, ...pk } }),
      attestationFailure('chain_untrusted'),
    );
    // tampered: the label extension changed after signing
    const tampered = Buffer.from(cert);
    const at = tampered.indexOf(Buffer.from('gen'));
    assert.ok(at > 0);
    tampered.write('GEN', at);
    assert.throws(
      () => verifyAttestation({ certificate: tampered, intermediates: [deviceCert], roots: [root], key: { id: generated, ...pk } }),
      attestationFailure('chain_untrusted'),
    );
    // a genuine certificate of another key is not this key's
    assert.throws(
      () => verifyAttestation({ certificate: importedCert, intermediates: [deviceCert], roots: [root], key: { id: generated, ...pk } }),
      attestationFailure('object_mismatch'),
    );
    assert.throws(
      () =>
        verifyAttestation({
          certificate: cert,
          intermediates: [deviceCert],
          roots: [root],
          key: { id: generated, algorithm: Algorithm.ed25519, publicKey: new Uint8Array(32).fill(7) },
        }),
      attestationFailure('public_key_mismatch'),
    );
    assert.throws(
      () => verifyAttestation({ certificate: cert, intermediates: [deviceCert], roots: [root], key: { id: generated, ...pk }, deviceSerial: 1 }),
      attestationFailure('device_mismatch'),
    );
    assert.throws(
      () =>
        verifyAttestation({
          certificate: cert,
          intermediates: [deviceCert],
          roots: [root],
          key: { id: generated, ...pk },
          now: new Date(Date.UTC(2000, 0, 1)),
        }),
      attestationFailure('expired'),
    );
    assert.throws(
      () => verifyAttestation({ certificate: Uint8Array.of(1, 2, 3), intermediates: [deviceCert], roots: [root], key: { id: generated, ...pk } }),
      attestationFailure('malformed'),
    );
    // an Ed25519 SPKI node:crypto reads back
    assert.equal(
      createPublicKey({ key: Buffer.from(new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' })), format: 'der', type: 'spki' })
        .asymmetricKeyType,
      'ed25519',
    );
    await s.close();
  } finally {
    await other.close();
    await h.close();
  }
});

test('SignAttestationCertificate: capabilities, missing objects and a user attestation key with its certificate in an opaque object', async () => {
  const h = await startHarness();
  try {
    const admin = await h.client.openSession(1, 'password');
    const key = await admin.generateAsymmetricKey({ id: 0x50, label: 'k', domains: [1], capabilities: ['sign-ecdsa'], algorithm: 'ecp256' });
    await admin.putAuthenticationKey({ id: 5, label: 'no attest', domains: [1], capabilities: ['get-opaque'], secret: { password: 'x' } });
    const limited = await h.client.openSession(5, 'x');
    await assert.rejects(limited.signAttestationCertificate(key), (e: { codeName?: string }) => e.codeName === 'INSUFFICIENT_PERMISSIONS');
    assert.ok((await limited.getOpaque(0)).length > 100, 'the device certificate is readable with get-opaque');
    await limited.close();
    await assert.rejects(admin.signAttestationCertificate(0x51), (e: { codeName?: string }) => e.codeName === 'OBJECT_NOT_FOUND');

    // template attestation: an operator's own attestation key 0x60 and its certificate (opaque 0x60): here the device
    // certificate of the simulator stands in for it, re-issued to key 0x60 by attesting 0x60 with key 0
    const att = await admin.generateAsymmetricKey({
      id: 0x60,
      label: 'my attester',
      domains: [1],
      capabilities: ['sign-attestation-certificate'],
      algorithm: 'ecp256',
    });
    await assert.rejects(admin.signAttestationCertificate(key, att), (e: { codeName?: string }) => e.codeName === 'INVALID_DATA', 'no certificate yet');
    const attCert = await admin.signAttestationCertificate(att, 0);
    assert.equal(
      await admin.putOpaque({ id: att, label: 'my attester cert', domains: [1], capabilities: [], algorithm: 'opaque-x509-certificate', data: attCert }),
      att,
    );
    assert.deepEqual(await admin.getOpaque(att), attCert);
    const cert = await admin.signAttestationCertificate(key, att);
    const pk = await admin.getPublicKey(key);
    const v = verifyAttestation({
      certificate: cert,
      intermediates: [attCert, await admin.getOpaque(0)],
      roots: [h.sim.attestationRoot()],
      key: { id: key, ...pk },
    });
    assert.equal(v.chain.length, 4);
    assert.equal(new X509Certificate(cert).issuer, 'CN=YubiHSM Attestation id:0x0060');
    // the key without the capability cannot attest
    await assert.rejects(admin.signAttestationCertificate(att, key), (e: { codeName?: string }) => e.codeName === 'INSUFFICIENT_PERMISSIONS');
    // opaque objects: only opaque algorithms
    await assert.rejects(
      admin.putOpaque({ id: 0x70, label: 'x', domains: [1], capabilities: [], algorithm: 'ecp256', data: Uint8Array.of(1) }),
      (e: { codeName?: string }) => e.codeName === 'INVALID_DATA',
    );
    await admin.close();
  } finally {
    await h.close();
  }
});

test('the attestation key survives ResetDevice and a restart from the state file; --attestation-root writes the root', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-attest-'));
  try {
    const statePath = join(dir, 'state.json');
    const h = await startHarness({ statePath });
    const root = h.sim.attestationRoot();
    const s = await h.client.openSession(1, 'password');
    const before = await s.getOpaque(0);
    await s.resetDevice();
    const s2 = await h.client.openSession(1, 'password');
    assert.deepEqual(await s2.getOpaque(0), before, 'kept across a factory reset, as a device keeps its attestation key');
    assert.deepEqual(await s2.listObjects({ type: 'opaque' }), [], 'attestation objects are not listed');
    await s2.close();
    await h.close();
    const again = createSimulator({ statePath });
    assert.deepEqual(again.attestationRoot(), root);
    await again.close();

    const { runSimulatorCli } = await import('../src/index.js');
    const pem = join(dir, 'root.pem');
    const running = await runSimulatorCli(['--listen', '127.0.0.1:0', '--attestation-root', pem], () => undefined);
    try {
      const certs = parseCertificateBundle(readFileSync(pem));
      assert.equal(certs.length, 1);
      assert.deepEqual(certs[0], running.sim.attestationRoot());
    } finally {
      await running.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
