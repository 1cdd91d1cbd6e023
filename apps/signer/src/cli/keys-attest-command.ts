import { readFileSync, writeFileSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { certificateToPem, describeOrigin, parseCertificateBundle } from '@openkms/yubihsm';
import { toCeremonyError } from '@openkms/yubihsm/ceremony';
import { userPath, type CliIo } from './cli-context.js';
import { withProgress } from './cli-progress.js';
import {
  closeQuietly,
  CREDENTIAL_OPTIONS,
  DEVICE_OPTIONS,
  DEVICE_OPTIONS_HELP,
  hexObjectId,
  objectIdOf,
  openRoleSession,
  withDevice,
} from './device-cli-options.js';
import { flag, parseArgs, UsageError } from './parse-args.js';

export const KEYS_ATTEST_HELP = `openkms keys attest LABEL --root FILE [--attestation-key-id N] [--out FILE] [--json]
    --mnemonic-file FILE [--passphrase-file FILE] | --password-file FILE --auth-key-id N   [--connector URL] [--config FILE]
openkms keys attest --object-id ID --root FILE ...

Proves that a YubiHSM2 key was generated inside the device: asks the device for an attestation certificate of the key
(SignAttestationCertificate with the device's attestation key 0, or --attestation-key-id), reads the attesting
certificate (opaque object 0), and verifies, against the root certificate(s) in --root FILE (PEM or DER; Yubico's
YubiHSM attestation root and intermediates, or the simulator's from 'openkms sim --attestation-root FILE'):
  - the chain: every signature up to a certificate of --root FILE, every certificate valid now;
  - that it attests this key: object id, public key and the device's serial;
  - the origin extension: generated in a device (an imported key is refused).
LABEL is the key's device label, or a config label (with --config). The session needs sign-attestation-certificate
and get-opaque (the ceremony role's auth key 1, or --password-file with --auth-key-id of a key that has them).
--out FILE writes the attestation certificate and the device certificate (PEM).
Exit codes: 0 attested · 7 attestation refused ([attestation_failed, reason]: chain_untrusted, not_generated,
public_key_mismatch, object_mismatch, device_mismatch, expired, malformed) · 2 usage · 3 no device · 4 authentication.

${DEVICE_OPTIONS_HELP}`;

export const KEYS_ATTEST_OPTIONS = [...DEVICE_OPTIONS, ...CREDENTIAL_OPTIONS, 'root', 'object-id', 'attestation-key-id', 'out'] as const;

export async function keysAttestCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: [...KEYS_ATTEST_OPTIONS], booleans: ['json'] });
  if (args.flags.has('help')) {
    io.out(KEYS_ATTEST_HELP);
    return 0;
  }
  const label = args.positionals[0];
  if (args.positionals.length > 1) throw new UsageError('give one LABEL');
  const objectId = objectIdOf(args);
  if ((label === undefined) === (objectId === undefined)) throw new UsageError('give a LABEL or --object-id ID');
  const rootFile = flag(args, 'root');
  if (!rootFile) throw new UsageError("--root FILE is required: Yubico's attestation root, or the simulator's ('openkms sim --attestation-root FILE')");
  let rootBytes: Uint8Array;
  try {
    rootBytes = readFileSync(userPath(rootFile));
  } catch (err) {
    throw new UsageError(`cannot read --root ${rootFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const roots = parseCertificateBundle(rootBytes);
  if (roots.length === 0) throw new UsageError(`--root ${rootFile} holds no certificate (PEM or DER)`);
  const attestationKeyId = flag(args, 'attestation-key-id') === undefined ? 0 : (objectIdOf(args, 'attestation-key-id') ?? 0);
  const { verifyAttestation } = await import('@openkms/yubihsm/attestation');

  const fetched = await withProgress(io, (p) =>
    withDevice(args, async (client, connector) => {
      p.step(`asking the YubiHSM2 at ${connector} for an attestation`);
      const info = await client.deviceInfo().catch((err: unknown) => {
        throw toCeremonyError(err, 'reading the device info');
      });
      const session = await openRoleSession(client, args, 'ceremony');
      try {
        let id = objectId;
        if (id === undefined) {
          const keys = await session.listObjects({ type: 'asymmetric-key' });
          for (const e of keys) {
            const oi = await session.getObjectInfo(e.id, 'asymmetric-key');
            if (oi.label === label) {
              id = e.id;
              break;
            }
          }
          if (id === undefined) throw openKmsError(ErrorCode.keyNotFound, `no key labelled ${label} on the device`, { label: label! });
        }
        const objectInfo = await session.getObjectInfo(id, 'asymmetric-key');
        const publicKey = await session.getPublicKey(id);
        const certificate = await session.signAttestationCertificate(id, attestationKeyId);
        const attesting = await session.getOpaque(attestationKeyId);
        const deviceCertificate = attestationKeyId === 0 ? undefined : await session.getOpaque(0).catch(() => undefined);
        return { id, objectInfo, publicKey, certificate, attesting, deviceCertificate, serial: info.serial };
      } catch (err) {
        throw toCeremonyError(err, 'reading the attestation');
      } finally {
        await closeQuietly(session);
      }
    }),
  );

  const intermediates = [fetched.attesting, ...(fetched.deviceCertificate ? [fetched.deviceCertificate] : []), ...roots];
  const out = flag(args, 'out');
  if (out) writeFileSync(userPath(out), certificateToPem(fetched.certificate) + certificateToPem(fetched.attesting), { mode: 0o644 });
  const v = verifyAttestation({
    certificate: fetched.certificate,
    intermediates,
    roots,
    key: { id: fetched.id, algorithm: fetched.publicKey.algorithm, publicKey: fetched.publicKey.publicKey },
    deviceSerial: fetched.serial,
  });
  const deviceOrigin = describeOrigin(fetched.objectInfo.origin);
  const result = {
    label: fetched.objectInfo.label,
    object_id: hexObjectId(fetched.id),
    attested: true,
    origin: v.origin.wrapped ? 'generated, restored from a wrap' : 'generated',
    device_origin: deviceOrigin.generated ? 'generated' : 'imported',
    device_serial: v.extensions.serialNumber ?? null,
    firmware: v.extensions.firmwareVersion ? v.extensions.firmwareVersion.join('.') : null,
    chain: v.chain,
    root_sha256: v.rootFingerprint256,
  };
  if (args.flags.has('json')) io.out(JSON.stringify(result, null, 2));
  else {
    io.out(
      `${result.label} (${result.object_id}): attested — ${result.origin} in YubiHSM2 serial ${result.device_serial ?? '?'} (firmware ${result.firmware ?? '?'})`,
    );
    io.out(`chain: ${v.chain.join(' ← ')}`);
    io.out(`root SHA-256: ${v.rootFingerprint256}`);
  }
  return 0;
}
