import type { AssetUnit, IntentSummary } from '@openkms/core';

/** The units an approval's assets are read in, by asset id (from the chain plugin's describeAsset; see ApprovalRecord.assets). */
export type AssetUnits = Readonly<Record<string, AssetUnit>>;

/** `3000000000` native with `{native: SOL, 9}` → `3 SOL`; an asset without a unit → `5 spl:<mint> (base units)`. */
export function formatAmount(asset: string, amount: string, units: AssetUnits = {}): string {
  const unit = Object.hasOwn(units, asset) ? units[asset] : undefined;
  if (unit === undefined || !Number.isSafeInteger(unit.decimals) || unit.decimals < 0 || unit.decimals > 77 || !/^\d+$/.test(amount)) {
    return `${amount} ${asset} (base units)`;
  }
  const v = BigInt(amount);
  const scale = 10n ** BigInt(unit.decimals);
  const frac = (v % scale).toString().padStart(unit.decimals, '0').replace(/0+$/, '');
  return `${v / scale}${frac ? `.${frac}` : ''} ${unit.symbol}`;
}

/** The decoded intent in plain words, one line per fact (what an operator reads before approving). */
export function describeIntent(intent: IntentSummary, units: AssetUnits = {}): string[] {
  const lines: string[] = [];
  lines.push(`${intent.chain}${intent.network ? ` (${intent.network})` : ''}, signed by ${intent.signer}`);
  for (const t of intent.transfers) {
    lines.push(`send ${formatAmount(t.asset, t.amount, units)} from ${t.from} to ${t.to} (via ${t.via}${t.channel ? `, channel ${t.channel}` : ''})`);
  }
  for (const c of intent.contracts) lines.push(`call ${c.method ?? c.selector ?? 'a method'} on contract ${c.contract} (via ${c.via})`);
  for (const f of intent.fees) lines.push(`fee up to ${formatAmount(f.asset, f.amount, units)}${f.payer ? ` paid by ${f.payer}` : ''}`);
  if (intent.programs.length > 0) lines.push(`programs: ${intent.programs.join(', ')}`);
  if (intent.message_types.length > 0) lines.push(`message types: ${intent.message_types.join(', ')}`);
  if (intent.flags.length > 0) lines.push(`flags: ${intent.flags.join(', ')}`);
  for (const m of intent.memos ?? []) lines.push(`memo: ${m}`);
  return lines;
}
