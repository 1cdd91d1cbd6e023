/** Units an operator reads amounts in, where the asset is well known (others are shown in base units). */
const KNOWN_UNITS: Readonly<Record<string, Readonly<Record<string, { symbol: string; decimals: number }>>>> = {
  solana: { native: { symbol: 'SOL', decimals: 9 } },
  cosmos: { 'denom:uatom': { symbol: 'ATOM', decimals: 6 }, native: { symbol: 'ATOM', decimals: 6 } },
  evm: { native: { symbol: 'ETH', decimals: 18 } },
};

/** `3000000000` native on Solana → `3 SOL`; an unknown asset → `5 spl:<mint>` (base units). */
export function formatAmount(chain: string, asset: string, amount: string): string {
  const unit = KNOWN_UNITS[chain]?.[asset];
  if (unit === undefined || !/^\d+$/.test(amount)) return `${amount} ${asset}`;
  const v = BigInt(amount);
  const scale = 10n ** BigInt(unit.decimals);
  const frac = (v % scale).toString().padStart(unit.decimals, '0').replace(/0+$/, '');
  return `${v / scale}${frac ? `.${frac}` : ''} ${unit.symbol}`;
}

/** spent / cap as a percentage 0-100 (base-unit strings, exact with BigInt). */
export function percentOf(spent: string, cap: string): number {
  if (!/^\d+$/.test(spent) || !/^\d+$/.test(cap) || cap === '0') return spent === '0' ? 0 : 100;
  const p = (BigInt(spent) * 1000n) / BigInt(cap);
  return Math.min(100, Number(p) / 10);
}

/** "in 3 min", "in 2 h 5 min" until an ISO time (or "now"). */
export function untilText(iso: string | null, now = Date.now()): string {
  if (iso === null) return '';
  const secs = Math.max(0, Math.round((Date.parse(iso) - now) / 1000));
  if (secs < 60) return secs <= 1 ? 'now' : `in ${secs} s`;
  const mins = Math.floor(secs / 60);
  if (mins < 60) return `in ${mins} min`;
  return `in ${Math.floor(mins / 60)} h ${mins % 60} min`;
}

/** How a policy view's usage reads: live, stale (the figures last read, and when), or unavailable (never read). */
export type UsageState = { readonly kind: 'live' } | { readonly kind: 'stale'; readonly readAt: string } | { readonly kind: 'unavailable' };

export function usageState(runtime: { readonly usage_unavailable?: boolean; readonly usage_read_at?: string | null }): UsageState {
  if (runtime.usage_unavailable !== true) return { kind: 'live' };
  return runtime.usage_read_at ? { kind: 'stale', readAt: runtime.usage_read_at } : { kind: 'unavailable' };
}

/** A usage figure as the console shows it: as is when live; "unavailable" when never read, never a made-up 0. */
export function usageText(state: UsageState, figure: string): string {
  if (state.kind === 'unavailable') return 'unavailable';
  return state.kind === 'stale' ? `${figure} (stale)` : figure;
}

export function timeText(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { hour12: false });
}

interface IntentLike {
  chain?: string;
  network?: string;
  signer?: string;
  transfers?: { asset: string; amount: string; from?: string; to?: string; via?: string }[];
  contracts?: { contract: string; method?: string; selector?: string }[];
  fees?: { asset: string; amount: string }[];
  programs?: string[];
  message_types?: string[];
  flags?: string[];
}

/** A decoded intent in plain words, one line per fact (what an operator reads before approving). */
export function describeIntent(raw: unknown): string[] {
  const intent = (raw ?? {}) as IntentLike;
  const chain = String(intent.chain ?? '');
  const lines: string[] = [];
  lines.push(`${chain}${intent.network ? ` (${intent.network})` : ''}${intent.signer ? `, signed by ${intent.signer}` : ''}`);
  for (const t of intent.transfers ?? [])
    lines.push(`send ${formatAmount(chain, t.asset, t.amount)}${t.from ? ` from ${t.from}` : ''}${t.to ? ` to ${t.to}` : ''}`);
  for (const c of intent.contracts ?? []) lines.push(`call ${c.method ?? c.selector ?? 'a method'} on contract ${c.contract}`);
  for (const f of intent.fees ?? []) lines.push(`fee up to ${formatAmount(chain, f.asset, f.amount)}`);
  if ((intent.programs ?? []).length > 0) lines.push(`programs: ${intent.programs!.join(', ')}`);
  if ((intent.message_types ?? []).length > 0) lines.push(`message types: ${intent.message_types!.join(', ')}`);
  if ((intent.flags ?? []).length > 0) lines.push(`risk flags: ${intent.flags!.join(', ')}`);
  return lines;
}

/** A key's effective policy in plain words. */
export function describePolicy(chain: string, policy: Record<string, any>): string[] {
  const lines: string[] = [];
  if (policy.enabled === false) lines.push('Disabled in the config: signs nothing.');
  const limits = [
    policy.max_signs_per_minute !== undefined ? `${policy.max_signs_per_minute} per minute` : undefined,
    policy.max_signs_per_hour !== undefined ? `${policy.max_signs_per_hour} per hour` : undefined,
    policy.max_signs_per_day !== undefined ? `${policy.max_signs_per_day} per 24 h` : undefined,
  ].filter(Boolean);
  lines.push(limits.length > 0 ? `Signatures: at most ${limits.join(', ')}.` : 'No limit on the number of signatures.');
  for (const [asset, cap] of Object.entries<string>(policy.per_tx_caps ?? {})) lines.push(`Each transaction sends at most ${formatAmount(chain, asset, cap)}.`);
  for (const [asset, cap] of Object.entries<string>(policy.window_caps ?? {})) lines.push(`At most ${formatAmount(chain, asset, cap)} in any 24 hours.`);
  for (const [asset, cap] of Object.entries<string>(policy.fee_caps ?? {})) lines.push(`Fees at most ${formatAmount(chain, asset, cap)} per transaction.`);
  if (policy.deny_uncapped_assets !== false) lines.push('Assets without a cap cannot be sent.');
  else lines.push('Warning: assets without a cap can be sent in any amount.');
  const programs = (policy.allowed_programs ?? []) as { id?: string; address?: string }[];
  if (programs.length > 0) lines.push(`Programs allowed: ${programs.map((p) => p.id ?? p.address ?? '?').join(', ')}.`);
  const messages = (policy.allowed_messages ?? []) as { type_url?: string; type?: string }[];
  if (messages.length > 0) lines.push(`Messages allowed: ${messages.map((m) => m.type_url ?? m.type ?? '?').join(', ')}.`);
  const contracts = (policy.allowed_contracts ?? []) as { address: string; methods?: string[] }[];
  if (contracts.length > 0)
    lines.push(`Contracts allowed: ${contracts.map((c) => `${c.address}${c.methods ? ` (${c.methods.join(', ')})` : ''}`).join('; ')}.`);
  if (programs.length === 0 && messages.length === 0 && contracts.length === 0) lines.push('No program, message or contract is allowed.');
  const recipients = (policy.allowed_recipients ?? []) as unknown[];
  if (recipients.length > 0) lines.push(`Recipients limited by ${recipients.length} allowlist${recipients.length > 1 ? 's' : ''}.`);
  const approval = policy.approval as { above?: Record<string, string>; quorum?: number; ttl_secs?: number } | undefined;
  if (approval) {
    const above = Object.entries(approval.above ?? {}).map(([asset, v]) => `more than ${formatAmount(chain, asset, v)}`);
    lines.push(
      `Needs ${approval.quorum ?? 1} operator approval${(approval.quorum ?? 1) > 1 ? 's' : ''}${above.length ? ` to send ${above.join(' or ')}` : ' for some requests'} (expires after ${approval.ttl_secs ?? 900} s).`,
    );
  }
  return lines;
}
