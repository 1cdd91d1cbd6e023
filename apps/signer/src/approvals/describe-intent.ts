import type { IntentSummary } from '@openkms/core';

/** Units an operator reads amounts in, where the asset is well known (others are shown in base units). */
const KNOWN_UNITS: Readonly<Record<string, Readonly<Record<string, { symbol: string; decimals: number }>>>> = {
  solana: { native: { symbol: 'SOL', decimals: 9 } },
  cosmos: { 'denom:uatom': { symbol: 'ATOM', decimals: 6 }, native: { symbol: 'ATOM', decimals: 6 } },
  evm: { native: { symbol: 'ETH', decimals: 18 } },
};

/** `3000000000` native on Solana → `3 SOL`; an unknown asset → `5 spl:<mint> (base units)`. */
export function formatAmount(chain: string, asset: string, amount: string): string {
  const unit = KNOWN_UNITS[chain]?.[asset];
  if (unit === undefined) return `${amount} ${asset} (base units)`;
  const v = BigInt(amount);
  const scale = 10n ** BigInt(unit.decimals);
  const frac = (v % scale).toString().padStart(unit.decimals, '0').replace(/0+$/, '');
  return `${v / scale}${frac ? `.${frac}` : ''} ${unit.symbol}`;
}

/** The decoded intent in plain words, one line per fact (what an operator reads before approving). */
export function describeIntent(intent: IntentSummary): string[] {
  const lines: string[] = [];
  lines.push(`${intent.chain}${intent.network ? ` (${intent.network})` : ''}, signed by ${intent.signer}`);
  for (const t of intent.transfers) {
    lines.push(`send ${formatAmount(intent.chain, t.asset, t.amount)} from ${t.from} to ${t.to} (via ${t.via}${t.channel ? `, channel ${t.channel}` : ''})`);
  }
  for (const c of intent.contracts) lines.push(`call ${c.method ?? c.selector ?? 'a method'} on contract ${c.contract} (via ${c.via})`);
  for (const f of intent.fees) lines.push(`fee up to ${formatAmount(intent.chain, f.asset, f.amount)}${f.payer ? ` paid by ${f.payer}` : ''}`);
  if (intent.programs.length > 0) lines.push(`programs: ${intent.programs.join(', ')}`);
  if (intent.message_types.length > 0) lines.push(`message types: ${intent.message_types.join(', ')}`);
  if (intent.flags.length > 0) lines.push(`flags: ${intent.flags.join(', ')}`);
  for (const m of intent.memos ?? []) lines.push(`memo: ${m}`);
  return lines;
}
