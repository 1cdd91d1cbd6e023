import bs58 from 'bs58';

/** Base58 alphabet, 32..44 characters: the textual form of a 32-byte Solana address. */
export const BASE58_ADDRESS_PATTERN = '^[1-9A-HJ-NP-Za-km-z]{32,44}$';
const BASE58_ADDRESS = new RegExp(BASE58_ADDRESS_PATTERN);

/** The Solana address of a 32-byte ed25519 public key (or any 32-byte account key): its base58 text. */
export function solanaAddress(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new TypeError(`a Solana address is 32 bytes, got ${publicKey.length}`);
  return bs58.encode(publicKey);
}

/** Decodes a base58 Solana address into its 32 bytes; undefined when it is not exactly that. */
export function decodeSolanaAddress(text: string): Uint8Array | undefined {
  if (!BASE58_ADDRESS.test(text)) return undefined;
  const bytes = bs58.decodeUnsafe(text);
  if (bytes === undefined || bytes.length !== 32) return undefined;
  // Canonical form only: no leading-zero aliases.
  if (bs58.encode(bytes) !== text) return undefined;
  return Uint8Array.from(bytes);
}

/** Encodes a 64-byte signature (or any bytes) as base58, the form explorers show transaction ids in. */
export function toBase58(bytes: Uint8Array): string {
  return bs58.encode(bytes);
}
