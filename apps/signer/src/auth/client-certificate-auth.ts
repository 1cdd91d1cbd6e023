import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ServerTlsConfig } from '../config/signer-config.js';
import { parseScopes } from './scopes.js';
import type { TokenIdentity } from './token-store.js';

/** What a connection's client certificate says about the caller. */
export type CertificateIdentity =
  | { readonly kind: 'none' }
  | { readonly kind: 'unmapped'; readonly subjectCn: string | undefined; readonly fingerprint: string }
  | { readonly kind: 'mapped'; readonly identity: TokenIdentity };

/**
 * The identity of a mutual-TLS client: its certificate (already verified against `client_ca_file` by the TLS layer,
 * which refuses untrusted ones) matched against `[[server.tls.client_identities]]` by SHA-256 fingerprint first, then
 * by subject CN. Plain HTTP, TLS without a client CA, or no certificate: `none`.
 */
export function certificateIdentity(socket: Socket, tls: ServerTlsConfig | undefined): CertificateIdentity {
  if (!tls?.clientCaFile || !(socket instanceof TLSSocket) || !socket.authorized) return { kind: 'none' };
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.fingerprint256) return { kind: 'none' };
  const cnField = cert.subject?.CN as string | string[] | undefined;
  const subjectCn = Array.isArray(cnField) ? undefined : cnField; // several CNs: ambiguous, match by fingerprint only
  const entry =
    tls.clientIdentities.find((c) => c.fingerprintSha256 !== undefined && c.fingerprintSha256 === cert.fingerprint256) ??
    (subjectCn === undefined ? undefined : tls.clientIdentities.find((c) => c.subjectCn !== undefined && c.subjectCn === subjectCn));
  if (!entry) return { kind: 'unmapped', subjectCn, fingerprint: cert.fingerprint256 };
  return { kind: 'mapped', identity: { name: entry.name, scopes: parseScopes(entry.scopes), scopeList: entry.scopes } };
}
