/** Certificates from a file an operator supplies: one DER certificate, or any number of PEM CERTIFICATE blocks. */
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;

/** The DER certificates in `bytes` (PEM blocks in order, else the whole input as one DER certificate). */
export function parseCertificateBundle(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  const blocks = [...text.matchAll(PEM_BLOCK)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  if (blocks.length > 0) return blocks;
  return bytes.length > 0 && bytes[0] === 0x30 ? [bytes.slice()] : [];
}

/** PEM text of one DER certificate. */
export function certificateToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}
