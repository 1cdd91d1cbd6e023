import { entropyToMnemonic, generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes } from '@noble/hashes/utils.js';
import { openKmsError } from '@openkms/core';

/** A new 24-word English BIP-39 mnemonic (256 bits of entropy from the platform CSPRNG). */
export function newCeremonyMnemonic(): string {
  return generateMnemonic(wordlist, 256);
}

/**
 * A 24-word mnemonic whose 256-bit entropy is SHA-256(domain ‖ device random ‖ host random): as unpredictable as the
 * stronger of the two sources, so neither a weak device generator nor a weak host alone decides the phrase. The
 * device's bytes come from GET_PSEUDO_RANDOM (its TRNG-seeded DRBG); the host's from the platform CSPRNG.
 */
export function mixedEntropyMnemonic(deviceRandom: Uint8Array, hostRandom: Uint8Array = randomBytes(32)): string {
  if (deviceRandom.length < 32 || hostRandom.length < 32) throw openKmsError('invalid_request', 'need 32 random bytes from each source', {});
  const entropy = sha256(concatBytes(new TextEncoder().encode('openkms/v1/mnemonic-entropy'), deviceRandom, hostRandom));
  try {
    return entropyToMnemonic(entropy, wordlist);
  } finally {
    entropy.fill(0);
  }
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
