// Test-only helpers shared by this package's tests (excluded from the build by the `test-*` pattern).
import type { ChainKey, KeyBackend } from '@openkms/core';
import { createSoftwareKeyBackend } from '@openkms/tooling/test-helpers';
import { privateKeyToAccount } from 'viem/accounts';
import { bytesToHex } from 'viem';
import { evmAddress } from './evm-address.js';

export const PRIVATE_KEY = new Uint8Array(32).fill(0x11);
export const OTHER_PRIVATE_KEY = new Uint8Array(32).fill(0x22);
export const CHAIN_ID = 31337n;
export const account = privateKeyToAccount(bytesToHex(PRIVATE_KEY));
export const RECIPIENT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
export const TOKEN = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';

export function chainKey(label: string, id: string, publicKey: Uint8Array, options: Record<string, unknown> = { chain_id: Number(CHAIN_ID) }): ChainKey {
  return { label, chain: 'evm', curve: 'secp256k1', ref: { id }, publicKey, address: evmAddress(publicKey), options };
}

export async function evmTestKeys(): Promise<{ backend: KeyBackend & { signCount(id: string): number }; key: ChainKey; other: ChainKey }> {
  const backend = createSoftwareKeyBackend([
    { id: 'k1', curve: 'secp256k1', privateKey: PRIVATE_KEY },
    { id: 'k2', curve: 'secp256k1', privateKey: OTHER_PRIVATE_KEY },
  ]);
  const key = chainKey('evm-hot', 'k1', await backend.getPublicKey({ id: 'k1' }));
  const other = chainKey('evm-other', 'k2', await backend.getPublicKey({ id: 'k2' }));
  return { backend, key, other };
}

/** A backend that wraps another and lets a test corrupt what signSecp256k1 returns. */
export function tamperingBackend(
  inner: KeyBackend,
  tamper: (sig: { signature: Uint8Array; recovery: 0 | 1 }) => { signature: Uint8Array; recovery: 0 | 1 },
): KeyBackend {
  return { ...inner, signSecp256k1: async (ref, digest, o) => tamper(await inner.signSecp256k1(ref, digest, o)) };
}
