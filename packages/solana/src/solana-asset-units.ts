import type { AssetUnit } from '@openkms/core';

/** The units the Solana plugin knows: the native asset (lamports) is SOL with 9 decimals. */
export function solanaAssetUnit(asset: string): AssetUnit | undefined {
  return asset === 'native' ? { symbol: 'SOL', decimals: 9 } : undefined;
}
