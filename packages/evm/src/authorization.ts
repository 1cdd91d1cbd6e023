import type { Intent } from '@openkms/core';
import { concat, hexToBytes, numberToHex, toRlp } from 'viem/utils';
import type { Address } from 'viem';
import { readAddress } from './evm-address.js';
import { chainIdNumber } from './evm-transaction.js';
import { quantity } from './quantity.js';
import type { EvmAuthorizationJson } from './sign-request-schema.js';

/** An EIP-7702 authorization to sign: the account delegates its code to `address` on `chainId`. */
export interface EvmAuthorization {
  readonly chainId: bigint;
  readonly address: Address;
  readonly nonce: bigint;
}

/** Reads an authorization request; chain id 0 ("every chain") is refused (chain_id_mismatch). */
export function authorizationFromJson(json: EvmAuthorizationJson): EvmAuthorization {
  const chainId = quantity(json.chainId, 'authorization.chainId');
  chainIdNumber(chainId, 'authorization.chainId');
  return { chainId, address: readAddress(json.address, 'authorization.address'), nonce: quantity(json.nonce, 'authorization.nonce', 64) };
}

/** 0x05 ‖ rlp([chain_id, address, nonce]): the bytes whose keccak256 an EIP-7702 authorization signs. */
export function authorizationSigningBytes(auth: EvmAuthorization): Uint8Array {
  const q = (n: bigint) => (n === 0n ? '0x' : numberToHex(n));
  return hexToBytes(concat(['0x05', toRlp([q(auth.chainId), auth.address, q(auth.nonce)])]));
}

/**
 * The policy facts of an authorization: flag `delegation_authorization` (a 7702 authorization hands the whole account
 * to the delegate's code: denied unless `allowed_flags` lists it), and a contract call `delegate` of the delegate, so
 * allowed_contracts must name it too.
 */
export function buildAuthorizationIntent(auth: EvmAuthorization, signer: Address): Intent {
  return {
    chain: 'evm',
    network: auth.chainId.toString(),
    signer,
    actions: [{ program: auth.address, kind: 'eip7702_authorization', known: true }],
    programs: [auth.address],
    messageTypes: [],
    contracts: [{ contract: auth.address, method: 'delegate', via: auth.address }],
    transfers: [],
    fees: [],
    flags: ['delegation_authorization'],
  };
}
