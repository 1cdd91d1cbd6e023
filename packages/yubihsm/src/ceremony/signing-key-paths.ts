import { HDKey as Bip32Key } from '@scure/bip32';
import { HDKey as Slip10Ed25519Key } from 'micro-key-producer/slip10.js';
import { openKmsError } from '@openkms/core';
import { checkDerivationPath } from './derivation-paths.js';

/**
 * SLIP-10 Ed25519 private key (the 32-byte seed a YubiHSM2 imports) at `path`. Ed25519 has only hardened children,
 * so every index is hardened whether or not it is marked (the original openKMS reads paths the same way).
 */
export function deriveEd25519Key(seed: Uint8Array, path: string): Uint8Array {
  checkDerivationPath(path);
  return Slip10Ed25519Key.fromMasterSeed(seed).derive(path, true).privateKey;
}

/** BIP-32 secp256k1 private scalar (32 bytes, big-endian) at `path`. */
export function deriveSecp256k1Key(seed: Uint8Array, path: string): Uint8Array {
  checkDerivationPath(path);
  const key = Bip32Key.fromMasterSeed(seed).derive(path).privateKey;
  if (!key) throw openKmsError('config_invalid', `no private key at ${path}`, { path });
  return key;
}
