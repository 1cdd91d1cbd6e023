/** Derivation path strings of the ceremony layout (no key-derivation code: cheap to import). */
import { openKmsError } from '@openkms/core';

/** The Solana account path of the ceremony layout: SLIP-10 m/44'/501'/N'/0'. */
export function solanaDerivationPath(account: number): string {
  return `m/44'/501'/${checkDerivationIndex(account)}'/0'`;
}

/** The Cosmos account path of the ceremony layout: BIP-32 m/44'/118'/0'/0/N. */
export function cosmosDerivationPath(index: number): string {
  return `m/44'/118'/0'/0/${checkDerivationIndex(index)}`;
}

/** The EVM account path (viem's and MetaMask's default): BIP-32 m/44'/60'/0'/0/N. */
export function evmDerivationPath(index: number): string {
  return `m/44'/60'/0'/0/${checkDerivationIndex(index)}`;
}

/** Throws `config_invalid` unless `n` is a BIP-32 index 0–2^31-1. */
export function checkDerivationIndex(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n >= 0x80000000) throw openKmsError('config_invalid', 'derivation index must be an integer 0–2^31-1', {});
  return n;
}

/** Throws `config_invalid` unless `path` reads m/N/N'/…. */
export function checkDerivationPath(path: string): void {
  if (!/^m(\/[0-9]+['h]?)*$/.test(path)) throw openKmsError('config_invalid', `invalid derivation path ${JSON.stringify(path)}`, { path });
}
