// The light part of attestation (extension codecs, public-key forms, DER writer, PEM bundles). Verification, which
// parses certificates with @peculiar/asn1-x509, is the `@openkms/yubihsm/attestation` entry, loaded only when used.
export * from './attestation-extensions.js';
export * from './attestation-public-key.js';
export * from './certificate-bundle.js';
export * from './der-writer.js';
