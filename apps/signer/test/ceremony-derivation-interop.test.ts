/**
 * The keys `openkms keys provision` derives (SLIP-10 / BIP-32 through @openkms/yubihsm's ceremony paths) give the
 * addresses the chains' own libraries derive from the same mnemonic (and passphrase): @solana/web3.js (Keypair.fromSeed
 * over the SLIP-10 key), cosmjs (DirectSecp256k1HdWallet) and viem (mnemonicToAccount).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { makeCosmoshubPath } from '@cosmjs/amino';
import { DirectSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { Keypair } from '@solana/web3.js';
import { mnemonicToAccount } from 'viem/accounts';
import { cosmosDerivationPath, evmDerivationPath, solanaDerivationPath } from '@openkms/yubihsm';
import { deriveEd25519Key, deriveSecp256k1Key, ceremonySeed } from '@openkms/yubihsm/ceremony';
import { chainAddress } from '../src/cli/key-addresses.js';

const MNEMONICS = [
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
  // BIP-39 vector: 24 words
  'letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic bless',
];

for (const mnemonic of MNEMONICS) {
  for (const passphrase of ['', 'TREZOR']) {
    test(`addresses equal web3.js, cosmjs and viem (${mnemonic.split(' ').length} words, passphrase ${passphrase ? 'set' : 'empty'})`, async () => {
      const seed = ceremonySeed(mnemonic, passphrase);
      for (const n of [0, 1, 7]) {
        const solKey = deriveEd25519Key(seed, solanaDerivationPath(n));
        assert.equal(chainAddress('solana', ed25519.getPublicKey(solKey)), Keypair.fromSeed(solKey).publicKey.toBase58(), `solana ${n}`);

        const cosmosPub = secp256k1.getPublicKey(deriveSecp256k1Key(seed, cosmosDerivationPath(n)), true);
        const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { hdPaths: [makeCosmoshubPath(n)], prefix: 'cosmos', bip39Password: passphrase });
        assert.equal(chainAddress('cosmos', cosmosPub), (await wallet.getAccounts())[0]!.address, `cosmos ${n}`);

        const evmPub = secp256k1.getPublicKey(deriveSecp256k1Key(seed, evmDerivationPath(n)), true);
        assert.equal(chainAddress('evm', evmPub), mnemonicToAccount(mnemonic, { addressIndex: n, ...(passphrase ? { passphrase } : {}) }).address, `evm ${n}`);
      }
    });
  }
}
