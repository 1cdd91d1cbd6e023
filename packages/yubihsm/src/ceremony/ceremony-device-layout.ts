import type { Capabilities } from '../protocol/capability.js';
import type { Domains } from '../protocol/domains.js';

/**
 * The object layout the openKMS ceremony gives a YubiHSM2 (the original Rust openKMS's layout): three
 * authentication keys and one AES-256-CCM wrap key, all derived from one BIP-39 mnemonic, signing keys in domain 1.
 */
export const CEREMONY_LAYOUT = {
  /** Everything, every domain: setup, reset, backups. Its password stays offline. Replaces the factory key (also id 1). */
  ceremony: {
    id: 1,
    label: 'openkms-ceremony',
    domains: 'all' as Domains,
    capabilities: 'all' as Capabilities,
    delegatedCapabilities: 'all' as Capabilities,
  },
  /** Key management and wrap export/import in domain 1 (key provisioning, backup, restore). */
  provisioner: {
    id: 2,
    label: 'openkms-provisioner',
    domains: [1] as Domains,
    capabilities: ['put-asymmetric-key', 'import-wrapped', 'export-wrapped', 'delete-asymmetric-key'] as Capabilities,
    delegatedCapabilities: ['sign-ecdsa', 'sign-eddsa', 'exportable-under-wrap'] as Capabilities,
  },
  /** What the running signer logs in with: signing and randomness only, domain 1. */
  signer: {
    id: 3,
    label: 'openkms-signer',
    domains: [1] as Domains,
    capabilities: ['sign-ecdsa', 'sign-eddsa', 'get-pseudo-random'] as Capabilities,
    delegatedCapabilities: [] as Capabilities,
  },
  /** The backup wrap key (object 1 of type wrap-key; ids are per type, so it does not clash with auth key 1). */
  wrap: {
    id: 1,
    label: 'openkms-wrap',
    domains: [1] as Domains,
    capabilities: ['export-wrapped', 'import-wrapped'] as Capabilities,
    delegatedCapabilities: ['sign-ecdsa', 'sign-eddsa', 'exportable-under-wrap'] as Capabilities,
  },
  /** Domain of signing keys. */
  signingDomain: 1,
} as const;
