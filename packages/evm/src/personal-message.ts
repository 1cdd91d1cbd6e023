import type { Intent } from '@openkms/core';
import type { Address } from 'viem';

/** The EIP-191 (version 0x45) bytes of a personal message: "\x19Ethereum Signed Message:\n" ‖ length ‖ message. */
export function personalMessageSigningBytes(message: Uint8Array | string): Uint8Array {
  const utf8 = new TextEncoder();
  const body = typeof message === 'string' ? utf8.encode(message) : message;
  const prefix = utf8.encode(`\x19Ethereum Signed Message:\n${body.length}`);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
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
