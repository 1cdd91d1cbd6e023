import { BaseError, serializeTransaction, type Hex, type LocalAccount, type SerializeTransactionFn, type TransactionSerializable } from 'viem';
import { toAccount } from 'viem/accounts';
import type { EvmSignRequest } from './api-types.js';
import { toEvmJson } from './evm-json.js';
import type { OpenKmsClient } from './openkms-client.js';
import { ClientErrorCode, OpenKmsError } from './openkms-error.js';
import { assertSameAddress, resolveSigningKey } from './signing-key.js';

export interface OpenKmsViemAccountOptions {
  readonly label: string;
}

type TypedDataJson = Extract<EvmSignRequest, { typed_data: unknown }>['typed_data'];

function chainIdOf(value: unknown, what: string): string {
  if (value === undefined || value === null) {
    throw new OpenKmsError({
      code: ClientErrorCode.invalidRequest,
      message: `${what} has no chainId: openKMS signs only for a named chain`,
      details: { field: 'chainId' },
    });
  }
  return String(value);
}

/**
 * A viem custom `Account` (`toAccount`) over POST /sign/evm: `signTransaction` (the unsigned transaction serialized
 * by viem, `tx_hex`; the signer returns the signed raw transaction), `signTypedData` (EIP-712), `signMessage`
 * (EIP-191, text or raw bytes; the key's policy must list `personal_message` in `allowed_flags`),
 * `signAuthorization` (EIP-7702; the policy must list `delegation_authorization`). Use it as the
 * `account` of a wallet client: `sendTransaction` fills nonce, gas and fees from the node, then signs here.
 * `sign` (a raw hash) is not in the API: it throws `unsupported`. Errors are {@link OpenKmsError}s, except that
 * `signTransaction` wraps its OpenKmsError in a viem `BaseError` (viem's sendTransaction needs one): use
 * `err.walk((e) => e instanceof OpenKmsError)`.
 */
export async function createOpenKmsViemAccount(client: OpenKmsClient, options: OpenKmsViemAccountOptions): Promise<LocalAccount> {
  const key = await resolveSigningKey(client, options.label, 'evm');
  const address = key.address as Hex;
  const signed = async (request: Record<string, unknown>) => {
    const res = await client.signEvm({ label: options.label, ...request } as EvmSignRequest);
    assertSameAddress(address, res.signer_address, options.label, true);
    return res;
  };
  const account = toAccount({
    address,
    async sign() {
      throw new OpenKmsError({
        code: ClientErrorCode.unsupported,
        message: 'openKMS does not sign raw hashes (a policy cannot judge them): sign the transaction, typed data or message itself',
      });
    },
    async signMessage({ message }) {
      const body =
        typeof message === 'string' ? { message } : { message_hex: typeof message.raw === 'string' ? message.raw : (toEvmJson(message.raw) as string) };
      return (await signed(body)).signature as Hex;
    },
    async signTransaction(transaction, opts) {
      try {
        const serializer = (opts?.serializer ?? serializeTransaction) as SerializeTransactionFn<TransactionSerializable>;
        const txHex = await serializer(transaction as TransactionSerializable);
        const res = await signed({ expected_chain_id: chainIdOf((transaction as TransactionSerializable).chainId, 'the transaction'), tx_hex: txHex });
        if (!res.raw_transaction) {
          throw new OpenKmsError({ code: ClientErrorCode.invalidResponse, message: 'the signer answered a transaction without raw_transaction' });
        }
        return res.raw_transaction as Hex;
      } catch (err) {
        // viem's sendTransaction reads `details` of the error it catches as a string: hand it a viem error whose
        // cause is the OpenKmsError (find it with `err.walk((e) => e instanceof OpenKmsError)`)
        if (err instanceof OpenKmsError) throw new BaseError(`openKMS did not sign the transaction: ${err.message}`, { cause: err });
        throw err;
      }
    },
    async signAuthorization(authorization) {
      const target = authorization.address ?? authorization.contractAddress;
      const res = await signed({
        expected_chain_id: String(authorization.chainId),
        authorization: { chainId: authorization.chainId, address: target, nonce: authorization.nonce },
      });
      return { address: target, chainId: authorization.chainId, nonce: authorization.nonce, r: res.r as Hex, s: res.s as Hex, yParity: res.y_parity };
    },
    async signTypedData(parameters) {
      const typed = toEvmJson(parameters) as TypedDataJson & { domain?: { chainId?: unknown } };
      const body = { domain: typed.domain ?? {}, types: typed.types, primaryType: typed.primaryType, message: typed.message ?? {} };
      return (await signed({ expected_chain_id: chainIdOf(typed.domain?.chainId, 'the typed-data domain'), typed_data: body })).signature as Hex;
    },
  });
  return account;
}
