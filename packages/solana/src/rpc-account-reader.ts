import { address, createSolanaRpc, getBase64Encoder } from '@solana/kit';
import { ErrorCode, openKmsError } from '@openkms/core';

/** An account as the operator's RPC reports it. */
export interface AccountSnapshot {
  readonly owner: string;
  readonly lamports: bigint;
  readonly data: Uint8Array;
}

/** Reads accounts from a trusted source. `null`: the account does not exist. Throws `rpc_unavailable` when unreachable. */
export interface AccountReader {
  getAccount(account: string): Promise<AccountSnapshot | null>;
}

const base64 = getBase64Encoder();

/**
 * An AccountReader over the operator's Solana JSON-RPC (`getAccountInfo`, base64 encoding, `confirmed` commitment)
 * through @solana/kit's RPC client. Each call is bounded by `timeoutMs`; a timeout, a network failure or a JSON-RPC
 * error is `rpc_unavailable` (503: the signer fails closed and the agent may retry).
 */
export function createRpcAccountReader(url: string, timeoutMs: number): AccountReader {
  const rpc = createSolanaRpc(url);
  return {
    async getAccount(account: string): Promise<AccountSnapshot | null> {
      let result;
      try {
        result = await rpc
          .getAccountInfo(address(account), { encoding: 'base64', commitment: 'confirmed' })
          .send({ abortSignal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        const timedOut = (err as { name?: string }).name === 'TimeoutError';
        throw openKmsError(
          ErrorCode.rpcUnavailable,
          timedOut ? `the Solana RPC did not answer within ${timeoutMs} ms` : 'the Solana RPC could not be reached or returned an error',
          { account, timeout_ms: timeoutMs },
          err,
        );
      }
      const value = result.value;
      if (value === null) return null;
      return { owner: value.owner as string, lamports: BigInt(value.lamports), data: Uint8Array.from(base64.encode(value.data[0])) };
    },
  };
}
