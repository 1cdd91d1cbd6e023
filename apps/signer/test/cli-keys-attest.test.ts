/**
 * `openkms keys attest` against the simulator over HTTP: a generated key's attestation verifies against the
 * simulator's root (exported as `openkms sim --attestation-root` writes it); an imported key's claim, another root, a
 * tampered root file and usage errors are refused with stable exit codes and error codes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { createSimulator, startConnectorServer, type ConnectorServer, type SimulatedYubiHsm } from '@openkms/yubihsm-sim';
import { certificateToPem, YubiHsmClient } from '@openkms/yubihsm';
import { cli } from './support/cli-process.js';

let dir: string;
let sim: SimulatedYubiHsm;
let server: ConnectorServer;
let rootFile: string;
let passwordFile: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openkms-attest-'));
  sim = createSimulator({ serial: 7654321 });
  server = await startConnectorServer(sim, { host: '127.0.0.1', port: 0 });
  rootFile = join(dir, 'root.pem');
  writeFileSync(rootFile, certificateToPem(sim.attestationRoot()));
  passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, 'password', { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  const client = new YubiHsmClient({ url: server.url });
  const s = await client.openSession(1, 'password');
  await s.generateAsymmetricKey({ id: 0x100, label: 'solana-gen', domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519' });
  await s.putAsymmetricKey({
    id: 0x101,
    label: 'cosmos-imported',
    domains: [1],
    capabilities: ['sign-ecdsa'],
    algorithm: 'eck256',
    key: new Uint8Array(32).fill(3),
  });
  await s.close();
  await client.close();
});
after(async () => {
  await server?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const dev = (): string[] => ['--connector', server.url, '--password-file', passwordFile, '--auth-key-id', '1'];

test('keys attest: a generated key is attested by the simulator root (text and --json, --out)', async () => {
  const r = await cli(['keys', 'attest', 'solana-gen', '--root', rootFile, ...dev()]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /solana-gen \(0x0100\): attested — generated in YubiHSM2 serial 7654321 \(firmware 2\.4\.0\)/);
  assert.match(r.stdout, /NOT Yubico/);
  const out = join(dir, 'chain.pem');
  const j = await cli(['keys', 'attest', '--object-id', '0x0100', '--root', rootFile, '--json', '--out', out, ...dev()]);
  assert.equal(j.code, 0, j.stderr);
  const body = JSON.parse(j.stdout) as Record<string, unknown>;
  assert.equal(body.attested, true);
  assert.equal(body.object_id, '0x0100');
  assert.equal(body.origin, 'generated');
  assert.equal(body.device_serial, 7654321);
  assert.equal(body.root_sha256, new X509Certificate(sim.attestationRoot()).fingerprint256);
  assert.equal((readFileSync(out, 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
});

test('keys attest refuses an imported key, a root the device was not issued by, and a tampered root (exit 7, attestation_failed)', async () => {
  const imported = await cli(['keys', 'attest', 'cosmos-imported', '--root', rootFile, ...dev()]);
  assert.equal(imported.code, 7, imported.stderr);
  assert.match(imported.stderr, /\[attestation_failed, not_generated\]/);

  const other = createSimulator();
  try {
    const otherRoot = join(dir, 'other.pem');
    writeFileSync(otherRoot, certificateToPem(other.attestationRoot()));
    const r = await cli(['keys', 'attest', 'solana-gen', '--root', otherRoot, ...dev()]);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /\[attestation_failed, chain_untrusted\]/);
  } finally {
    await other.close();
  }

  // the root file damaged: one byte of its signature, then one byte of its public key
  const der = Buffer.from(sim.attestationRoot());
  der[der.length - 5] = der[der.length - 5]! ^ 0x01;
  const tampered = join(dir, 'tampered.pem');
  writeFileSync(tampered, certificateToPem(der));
  const t = await cli(['keys', 'attest', 'solana-gen', '--root', tampered, ...dev()]);
  assert.equal(t.code, 7, t.stderr);
  assert.match(t.stderr, /\[attestation_failed, chain_untrusted\]/);
  const forged = Buffer.from(sim.attestationRoot());
  const spki = Buffer.from(new X509Certificate(forged).publicKey.export({ type: 'spki', format: 'der' }));
  const at = forged.indexOf(spki);
  assert.ok(at > 0);
  forged[at + spki.length - 3] = forged[at + spki.length - 3]! ^ 0x01;
  writeFileSync(tampered, certificateToPem(forged));
  const f = await cli(['keys', 'attest', 'solana-gen', '--root', tampered, ...dev()]);
  assert.equal(f.code, 7, f.stderr);
  assert.match(f.stderr, /\[attestation_failed, (chain_untrusted|malformed)\]/);
});

test('keys attest: usage errors and an unknown label', async () => {
  assert.equal((await cli(['keys', 'attest', 'solana-gen', ...dev()])).code, 2, '--root is required');
  assert.equal((await cli(['keys', 'attest', '--root', rootFile, ...dev()])).code, 2, 'a label or --object-id');
  const empty = join(dir, 'empty.pem');
  writeFileSync(empty, 'no certificate here');
  assert.equal((await cli(['keys', 'attest', 'solana-gen', '--root', empty, ...dev()])).code, 2);
  const missing = await cli(['keys', 'attest', 'nope', '--root', rootFile, ...dev()]);
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /key_not_found/);
  assert.equal((await cli(['keys', 'attest', '--help'])).code, 0);
});
