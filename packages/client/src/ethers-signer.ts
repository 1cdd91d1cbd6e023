import { AbstractSigner, Signature, Transaction, TypedDataEncoder, copyRequest, getAddress, hexlify, resolveAddress, resolveProperties } from 'ethers';
import type { Authorization, AuthorizationRequest, Provider, TransactionRequest, TypedDataDomain, TypedDataField } from 'ethers';
import type { EvmSignRequest, EvmSignResponse } from './api-types.js';
import { toEvmJson } from './evm-json.js';
import type { OpenKmsClient } from './openkms-client.js';
import { ClientErrorCode, OpenKmsError } from './openkms-error.js';
import { assertSameAddress, resolveSigningKey } from './signing-key.js';

export interface OpenKmsEthersSignerOptions {
  readonly label: string;
}

/**
 * An ethers v6 `AbstractSigner` over POST /sign/evm. `sendTransaction` (inherited) populates nonce, gas, fees and
 * chain id from the provider, then `signTransaction` sends the unsigned serialized transaction (`tx_hex`) and
 * returns the signer's raw transaction. `signTypedData` (EIP-712) and `signMessage` (EIP-191; the key's policy must
 * list `personal_message` in `allowed_flags`) and `authorize` (EIP-7702) too.
 * Create it with {@link createOpenKmsEthersSigner}.
 */
export class OpenKmsEthersSigner extends AbstractSigner {
  constructor(
    readonly client: OpenKmsClient,
    readonly label: string,
    readonly address: string,
    provider: Provider | null = null,
  ) {
    super(provider);
  }

  override async getAddress(): Promise<string> {
    return this.address;
  }

  override connect(provider: Provider | null): OpenKmsEthersSigner {
    return new OpenKmsEthersSigner(this.client, this.label, this.address, provider);
  }

  private async sign(request: Record<string, unknown>): Promise<EvmSignResponse> {
    const res = await this.client.signEvm({ label: this.label, ...request } as EvmSignRequest);
    assertSameAddress(this.address, res.signer_address, this.label, true);
    return res;
  }

  override async signTransaction(request: TransactionRequest): Promise<string> {
    // a Transaction (what sendTransaction passes) keeps its fields behind getters: copy them out
    const tx = copyRequest(request);
    const { to, from } = await resolveProperties({
      to: tx.to ? resolveAddress(tx.to, this) : undefined,
      from: tx.from ? resolveAddress(tx.from, this) : undefined,
    });
    if (to != null) tx.to = to;
    if (from != null) {
      assertSameAddress(this.address, getAddress(from), this.label, true);
    }
    delete tx.from;
    const unsigned = Transaction.from(tx as Parameters<typeof Transaction.from>[0]);
    if (unsigned.chainId === 0n) {
      throw new OpenKmsError({
        code: ClientErrorCode.invalidRequest,
        message: 'the transaction has no chainId: openKMS signs only for a named chain',
        details: { field: 'chainId' },
      });
    }
    const res = await this.sign({ expected_chain_id: unsigned.chainId.toString(), tx_hex: unsigned.unsignedSerialized });
    if (!res.raw_transaction)
      throw new OpenKmsError({ code: ClientErrorCode.invalidResponse, message: 'the signer answered a transaction without raw_transaction' });
    return res.raw_transaction;
  }

  override async signMessage(message: string | Uint8Array): Promise<string> {
    return (await this.sign(typeof message === 'string' ? { message } : { message_hex: hexlify(message) })).signature;
  }

  /** EIP-7702: nonce and chain id filled from the provider when absent (the policy must list `delegation_authorization`). */
  override async authorize(request: AuthorizationRequest): Promise<Authorization> {
    const auth = await this.populateAuthorization(request);
    const address = await resolveAddress(auth.address, this);
    const chainId = BigInt(auth.chainId!);
    const nonce = BigInt(auth.nonce!);
    const res = await this.sign({
      expected_chain_id: chainId.toString(),
      authorization: { chainId: chainId.toString(), address, nonce: nonce.toString() },
    });
    return { address, nonce, chainId, signature: Signature.from({ r: res.r, s: res.s, yParity: res.y_parity }) };
  }

  override async signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string> {
    const populated = await TypedDataEncoder.resolveNames(domain, types, value, async (name) => {
      const resolved = this.provider ? await this.provider.resolveName(name) : null;
      if (resolved == null) throw new OpenKmsError({ code: ClientErrorCode.invalidRequest, message: `cannot resolve the name ${name}`, details: { name } });
      return resolved;
    });
    const payload = toEvmJson(TypedDataEncoder.getPayload(populated.domain, types, populated.value)) as {
      domain: { chainId?: unknown };
      types: Record<string, unknown>;
      primaryType: string;
      message: Record<string, unknown>;
    };
    if (payload.domain.chainId === undefined) {
      throw new OpenKmsError({
        code: ClientErrorCode.invalidRequest,
        message: 'the typed-data domain has no chainId: openKMS signs only for a named chain',
        details: { field: 'chainId' },
      });
    }
    return (await this.sign({ expected_chain_id: String(payload.domain.chainId), typed_data: payload })).signature;
  }
}

/** An {@link OpenKmsEthersSigner} for the key `label` (its address from GET /keys), connected to `provider` if given. */
export async function createOpenKmsEthersSigner(
  client: OpenKmsClient,
  options: OpenKmsEthersSignerOptions,
  provider: Provider | null = null,
): Promise<OpenKmsEthersSigner> {
  const key = await resolveSigningKey(client, options.label, 'evm');
  return new OpenKmsEthersSigner(client, options.label, key.address, provider);
}
