import type { AssetUnit } from '@openkms/core';

/** The units the EVM plugin knows: the native asset (wei) is ETH with 18 decimals. */
export function evmAssetUnit(asset: string): AssetUnit | undefined {
  return asset === 'native' ? { symbol: 'ETH', decimals: 18 } : undefined;
}
