import type { components } from './openapi-types.js';

/** Names for the API's schemas (generated from openapi/openkms.v1.yaml into openapi-types.ts). */
type Schemas = components['schemas'];

export type Health = Schemas['Health'];
export type Key = Schemas['Key'];
export type PolicyView = Schemas['PolicyView'];
export type Explanation = Schemas['Explanation'];
export type DenialDetails = Schemas['DenialDetails'];
export type ErrorBody = Schemas['Error'];
export type SolanaSignRequest = Schemas['SignRequest.solana'];
export type SolanaSignResponse = Schemas['SignResponse.solana'];
export type CosmosSignRequest = Schemas['SignRequest.cosmos'];
export type CosmosSignResponse = Schemas['SignResponse.cosmos'];
export type EvmSignRequest = Schemas['SignRequest.evm'];
export type EvmSignResponse = Schemas['SignResponse.evm'];
/** A request held for an operator approval (POST /sign/<chain> answered 202). */
export type ApprovalPending = Schemas['ApprovalPending'];
/** A sign request of any chain (what POST /policy/{label}/explain takes). */
export type SignRequest = SolanaSignRequest | CosmosSignRequest | EvmSignRequest;
