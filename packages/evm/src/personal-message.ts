import type { Intent } from '@openkms/core';
import { hexToBytes, toPrefixedMessage } from 'viem';
import type { Address } from 'viem';

/** The EIP-191 (version 0x45) bytes of a personal message: "\x19Ethereum Signed Message:\n" ‖ length ‖ message. */
export function personalMessageSigningBytes(message: Uint8Array | string): Uint8Array {
  return hexToBytes(toPrefixedMessage(typeof message === 'string' ? message : { raw: message }));
}

/**
 * The policy facts of a personal message: no action, no transfer, the risk flag `personal_message` (denied unless
 * `allowed_flags` lists it: the signer cannot know what an off-chain signature authorises).
 */
export function buildPersonalMessageIntent(signer: Address, chainId: bigint): Intent {
  return {
    chain: 'evm',
    network: chainId.toString(),
    signer,
    actions: [],
    programs: [],
    messageTypes: [],
    contracts: [],
    transfers: [],
    fees: [],
    flags: ['personal_message'],
  };
}
