// Test-only helpers shared by this package's tests (excluded from the build by the `test-*` pattern).
import type { ChainKey } from '@openkms/core';
import { createSoftwareKeyBackend } from '@openkms/tooling/test-helpers';
import { isSignerRole, isWritableRole } from '@solana/kit';
import type { InstructionInput } from './instructions/instruction-facts.js';
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

/** A deterministic test address (32 bytes of `n`). */
export function testAddress(n: number): string {
  return solanaAddress(new Uint8Array(32).fill(n));
}

/** A kit-built instruction as the plugin's instruction decoders see it (roles from the library's account metas). */
export function instructionInput(ix: {
  programAddress: string;
  accounts?: readonly { address: string; role: number }[];
  data?: Uint8Array | ArrayLike<number>;
}): InstructionInput {
  return {
    index: 0,
    programAddress: ix.programAddress,
    accounts: (ix.accounts ?? []).map((a) => ({ address: a.address, signer: isSignerRole(a.role), writable: isWritableRole(a.role), fromLookupTable: false })),
    data: Uint8Array.from(ix.data ?? []),
  };
}
