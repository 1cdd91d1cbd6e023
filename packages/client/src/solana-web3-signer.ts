import { PublicKey, type Transaction, type VersionedTransaction } from '@solana/web3.js';
import { base64 } from '@scure/base';
import type { OpenKmsClient } from './openkms-client.js';
import { assertSameAddress, resolveSigningKey } from './signing-key.js';

export interface OpenKmsWeb3SignerOptions {
  readonly label: string;
  /** The cluster the transactions are for (sent as `expected_chain_id`). */
  readonly cluster?: string;
}

/** The wallet-adapter signer shape that @solana/web3.js 1.x code (Anchor's Wallet, wallet-adapter helpers) accepts. */
export interface OpenKmsWeb3Signer {
  readonly publicKey: PublicKey;
  signTransaction<T extends Transaction | VersionedTransaction>(transaction: T): Promise<T>;
  signAllTransactions<T extends Transaction | VersionedTransaction>(transactions: T[]): Promise<T[]>;
}

const isVersioned = (tx: Transaction | VersionedTransaction): tx is VersionedTransaction => 'version' in tx;

/**
 * `{ publicKey, signTransaction, signAllTransactions }` over POST /sign/solana for legacy `Transaction`s and
 * `VersionedTransaction`s: the message bytes are signed by the signer and the signature put in the key's slot of the
 * same object (other signatures untouched), as a wallet does. A legacy transaction without a fee payer gets the key.
 */
export async function createOpenKmsWeb3Signer(client: OpenKmsClient, options: OpenKmsWeb3SignerOptions): Promise<OpenKmsWeb3Signer> {
  const key = await resolveSigningKey(client, options.label, 'solana');
  const publicKey = new PublicKey(key.address);
  async function sign(message: Uint8Array): Promise<Uint8Array> {
    const res = await client.signSolana({
      label: options.label,
      message_b64: base64.encode(message),
      ...(options.cluster !== undefined ? { expected_chain_id: options.cluster } : {}),
    });
    assertSameAddress(key.address, res.signer_address, options.label);
    return base64.decode(res.signature_b64);
  }
  const signer: OpenKmsWeb3Signer = {
    publicKey,
    async signTransaction(transaction) {
      if (isVersioned(transaction)) {
        transaction.addSignature(publicKey, await sign(transaction.message.serialize()));
      } else {
        transaction.feePayer ??= publicKey;
        // web3.js copies the signature bytes into its own buffer type
        transaction.addSignature(publicKey, (await sign(transaction.serializeMessage())) as Parameters<Transaction['addSignature']>[1]);
      }
      return transaction;
    },
    async signAllTransactions(transactions) {
      const out = [];
      for (const t of transactions) out.push(await signer.signTransaction(t));
      return out;
    },
  };
  return Object.freeze(signer);
}
