import { YubiHsmProtocolError } from './errors.js';

/** Domains 1–16, as a list, 'all', or a raw u16 mask (a number, or `{ mask }`) where domain n = bit n−1. */
export type Domains = readonly number[] | 'all' | number | { readonly mask: number };

export const ALL_DOMAINS_MASK = 0xffff;

export function domainMask(domains: Domains): number {
  if (domains === 'all') return ALL_DOMAINS_MASK;
  if (!Array.isArray(domains)) {
    const mask = typeof domains === 'number' ? domains : (domains as { mask: number }).mask;
    if (!Number.isInteger(mask) || mask < 0 || mask > 0xffff) throw new YubiHsmProtocolError('invalid_argument', 'domain mask out of range');
    return mask;
  }
  let mask = 0;
  for (const d of domains as readonly number[]) {
    if (!Number.isInteger(d) || d < 1 || d > 16) throw new YubiHsmProtocolError('invalid_argument', `invalid domain ${String(d)}`);
    mask |= 1 << (d - 1);
  }
  return mask;
}

/** u16 mask → sorted domain numbers. */
export function domainList(mask: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= 16; d++) if (mask & (1 << (d - 1))) out.push(d);
  return out;
}

export function domainsOverlap(a: number, b: number): boolean {
  return (a & b & 0xffff) !== 0;
}

export function isDomainSubset(inner: number, outer: number): boolean {
  return (inner & ~outer & 0xffff) === 0;
}
