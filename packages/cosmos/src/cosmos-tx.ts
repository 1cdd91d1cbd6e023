import type { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import type { Any } from 'cosmjs-types/google/protobuf/any';

/** What both sign modes decode to before the intent is built: the messages as protobuf Anys, the fee, notes. */
export interface CosmosTx {
  readonly chainId: string;
  readonly messages: readonly Any[];
  readonly fee: {
    readonly amount: readonly Coin[];
    /** Fee payer (empty: the first signer). */
    readonly payer: string;
    /** Fee granter (empty: none). */
    readonly granter: string;
  };
  /** Facts recorded for the audit log (non-critical extension options, timeout height, …). */
  readonly notes: readonly string[];
  /** The request field carrying the document, for error context. */
  readonly field: 'sign_doc_b64' | 'sign_doc';
}
