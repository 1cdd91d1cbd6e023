// Test-only helpers shared by this package's tests (excluded from the build by the `test-*` pattern).
import type { ChainKey } from '@openkms/core';
import { createSoftwareKeyBackend } from '@openkms/tooling/test-helpers';
import { solanaAddress } from './solana-address.js';

export const PAYER_SEED = new Uint8Array(32).fill(7);
export const OTHER_SEED = new Uint8Array(32).fill(9);

export async function solanaTestKeys() {
  const backend = createSoftwareKeyBackend([
    { id: 'payer', curve: 'ed25519', seed: PAYER_SEED },
    { id: 'other', curve: 'ed25519', seed: OTHER_SEED },
  ]);
  const payer = chainKey('hot-0', 'payer', await backend.getPublicKey({ id: 'payer' }));
  const other = chainKey('hot-1', 'other', await backend.getPublicKey({ id: 'other' }));
  return { backend, payer, other };
}

export function chainKey(label: string, id: string, publicKey: Uint8Array): ChainKey {
  return { label, chain: 'solana', curve: 'ed25519', ref: { id }, publicKey, address: solanaAddress(publicKey), options: {} };
}
