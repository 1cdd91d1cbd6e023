import type { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { ErrorCode, openKmsError, parseAmount } from '@openkms/core';

/** Cosmos SDK denomination syntax (sdk.Coin validation). */
const DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;

export interface ParsedCoin {
  /** Intent asset id: `denom:<denom>`. */
  readonly asset: string;
  readonly denom: string;
  readonly amount: bigint;
}

/**
 * Parses a Coin into an intent asset and a bigint amount. A bad denom or an amount that is not a plain decimal
 * integer fails closed (decode_failed): it is never read as 0.
 */
export function parseCoin(coin: Coin, where: string, field = 'sign_doc_b64'): ParsedCoin {
  if (!DENOM.test(coin.denom)) {
    throw openKmsError(ErrorCode.decodeFailed, `invalid denom in ${where}`, { field, part: where });
  }
  const amount = parseAmount(coin.amount);
  if (amount === undefined) {
    throw openKmsError(ErrorCode.decodeFailed, `unparseable amount in ${where}`, { field, part: where, denom: coin.denom });
  }
  return { asset: `denom:${coin.denom}`, denom: coin.denom, amount };
}
