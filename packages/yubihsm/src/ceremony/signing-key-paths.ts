import { HDKey as Bip32Key } from '@scure/bip32';
import { HDKey as Slip10Ed25519Key } from 'micro-key-producer/slip10.js';
import { openKmsError } from '@openkms/core';

/** The Solana account path of the ceremony layout: SLIP-10 m/44'/501'/N'/0'. */
export function solanaDerivationPath(account: number): string {
  return `m/44'/501'/${checkIndex(account)}'/0'`;
}

/** The Cosmos account path of the ceremony layout: BIP-32 m/44'/118'/0'/0/N. */
export function cosmosDerivationPath(index: number): string {
  return `m/44'/118'/0'/0/${checkIndex(index)}`;
}

/** The EVM account path (viem's and MetaMask's default): BIP-32 m/44'/60'/0'/0/N. */
export function evmDerivationPath(index: number): string {
  return `m/44'/60'/0'/0/${checkIndex(index)}`;
}

/**
 * SLIP-10 Ed25519 private key (the 32-byte seed a YubiHSM2 imports) at `path`. Ed25519 has only hardened children,
 * so every index is hardened whether or not it is marked (the original openKMS reads paths the same way).
 */
export function deriveEd25519Key(seed: Uint8Array, path: string): Uint8Array {
  checkPath(path);
  return Slip10Ed25519Key.fromMasterSeed(seed).derive(path, true).privateKey;
}

/** BIP-32 secp256k1 private scalar (32 bytes, big-endian) at `path`. */
export function deriveSecp256k1Key(seed: Uint8Array, path: string): Uint8Array {
  checkPath(path);
  const key = Bip32Key.fromMasterSeed(seed).derive(path).privateKey;
  if (!key) throw openKmsError('config_invalid', `no private key at ${path}`, { path });
  return key;
}

function checkIndex(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n >= 0x80000000) throw openKmsError('config_invalid', 'derivation index must be an integer 0–2^31-1', {});
  return n;
}

function checkPath(path: string): void {
  if (!/^m(\/[0-9]+['h]?)*$/.test(path)) throw openKmsError('config_invalid', `invalid derivation path ${JSON.stringify(path)}`, { path });
}
