import type { Address, SignatureBytes, SignatureDictionary, TransactionPartialSigner } from '@solana/kit';
import { base64 } from '@scure/base';
import type { OpenKmsClient } from './openkms-client.js';
import { assertSameAddress, resolveSigningKey } from './signing-key.js';

export interface OpenKmsKitSignerOptions {
  /** The key's label in the signer's config. */
  readonly label: string;
  /** The cluster the transactions are for (sent as `expected_chain_id`; the key refuses another with chain_id_mismatch). */
  readonly cluster?: string;
}

/**
 * A @solana/kit `TransactionPartialSigner` whose signatures come from POST /sign/solana (the transaction's message
 * bytes, policy-checked and audited by the signer). Use it wherever kit takes a signer: as the fee payer, or in an
 * instruction's account, then `signTransactionMessageWithSigners`. Transactions are signed one after the other.
 * No `MessagePartialSigner`: the API signs Solana transaction messages only, not off-chain messages.
 */
export async function createOpenKmsKitSigner(client: OpenKmsClient, options: OpenKmsKitSignerOptions): Promise<TransactionPartialSigner> {
  const key = await resolveSigningKey(client, options.label, 'solana');
  const address = key.address as Address;
  return Object.freeze({
    address,
    async signTransactions(transactions, config): Promise<readonly SignatureDictionary[]> {
      const out: SignatureDictionary[] = [];
      for (const transaction of transactions) {
        config?.abortSignal?.throwIfAborted();
        const res = await client.signSolana(
          {
            label: options.label,
            message_b64: base64.encode(Uint8Array.from(transaction.messageBytes)),
            ...(options.cluster !== undefined ? { expected_chain_id: options.cluster } : {}),
          },
          config?.abortSignal ? { signal: config.abortSignal } : {},
        );
        assertSameAddress(address, res.signer_address, options.label);
        out.push(Object.freeze({ [address]: base64.decode(res.signature_b64) as SignatureBytes }));
      }
      return out;
    },
  } satisfies TransactionPartialSigner);
}
