import type { AssetUnit } from '@openkms/core';

/** The units the Cosmos plugin knows: uatom (the Cosmos Hub's staking denom, also its native asset) is ATOM with 6 decimals. */
export function cosmosAssetUnit(asset: string): AssetUnit | undefined {
  return asset === 'denom:uatom' || asset === 'native' ? { symbol: 'ATOM', decimals: 6 } : undefined;
}
