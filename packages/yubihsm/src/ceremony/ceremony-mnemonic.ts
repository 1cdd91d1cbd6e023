import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { openKmsError } from '@openkms/core';

/** A new 24-word English BIP-39 mnemonic (256 bits of entropy from the platform CSPRNG). */
export function newCeremonyMnemonic(): string {
  return generateMnemonic(wordlist, 256);
}

/**
 * BIP-39 mnemonic (+ optional passphrase) → 64-byte seed (PBKDF2-HMAC-SHA512, 2048 rounds, NFKD). Surrounding
 * whitespace is ignored and the checksum is checked; an invalid phrase throws `config_invalid` without echoing it.
 */
export function ceremonySeed(mnemonic: string, passphrase = ''): Uint8Array {
  const phrase = mnemonic.trim().split(/\s+/).join(' ');
  if (!validateMnemonic(phrase, wordlist)) throw openKmsError('config_invalid', 'invalid BIP-39 mnemonic (unknown word or bad checksum)', {});
  return mnemonicToSeedSync(phrase, passphrase);
}
