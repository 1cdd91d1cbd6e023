import { configError, type ConfigProblem } from './config-problems.js';
import type { ClientIdentityConfig, ServerTlsConfig } from './signer-config.js';

type Raw = Record<string, any>;

/** Node's spelling of a SHA-256 certificate fingerprint: upper-case hex pairs joined by colons. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/:/g, '').toUpperCase();
  return hex.match(/../g)!.join(':');
}

/**
 * `[server.tls]` as validated by the schema → ServerTlsConfig (paths resolved against the config file). Client
 * identities need a client CA (without one no client certificate is ever asked for), and each certificate match must
 * be unique, so one certificate never means two identities.
 */
export function serverTls(raw: Raw, at: (p: string) => string, file: string): ServerTlsConfig {
  const problems: ConfigProblem[] = [];
  const identities: ClientIdentityConfig[] = [];
  const seen = new Map<string, number>();
  const names = new Set<string>();
  (raw.client_identities ?? []).forEach((c: Raw, i: number) => {
    const path = `server.tls.client_identities.${i}`;
    const match = c.subject_cn !== undefined ? `subject_cn=${c.subject_cn}` : `fingerprint_sha256=${normalizeFingerprint(c.fingerprint_sha256)}`;
    if (seen.has(match)) problems.push({ path, message: `${path}: ${match} is already mapped by entry ${seen.get(match)}` });
    seen.set(match, i);
    if (names.has(c.name)) problems.push({ path: `${path}.name`, message: `${path}.name: the identity name "${c.name}" is used twice` });
    names.add(c.name);
    identities.push({
      name: c.name,
      ...(c.subject_cn !== undefined ? { subjectCn: c.subject_cn } : { fingerprintSha256: normalizeFingerprint(c.fingerprint_sha256) }),
      scopes: c.scopes,
    });
  });
  if (identities.length > 0 && raw.client_ca_file === undefined)
    problems.push({
      path: 'server.tls.client_identities',
      message: 'server.tls.client_identities: client certificates are only asked for with server.tls.client_ca_file; set it',
    });
  if (problems.length > 0) throw configError(file, problems);
  return {
    certFile: at(raw.cert_file),
    keyFile: at(raw.key_file),
    ...(raw.client_ca_file !== undefined ? { clientCaFile: at(raw.client_ca_file) } : {}),
    clientIdentities: identities,
  };
}
