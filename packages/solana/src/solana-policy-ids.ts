import type { PolicyAliases, PolicyIdKind } from '@openkms/core';
import { decodeSolanaAddress } from './solana-address.js';

/**
 * The original openKMS's Solana policy fields, kept as aliases: `per_tx_cap_lamports` is `per_tx_caps.native`,
 * `daily_cap_lamports` is `window_caps.native` (a rolling 24 h window, not a calendar day).
 */
export const solanaPolicyAliases: PolicyAliases = {
  fields: {
    per_tx_cap_lamports: { field: 'per_tx_caps', asset: 'native', description: 'Alias of per_tx_caps.native (lamports).' },
    daily_cap_lamports: {
      field: 'window_caps',
      asset: 'native',
      description: 'Alias of window_caps.native (lamports; rolling 24 h, not a calendar day).',
    },
  },
};

const notAddress = (what: string, value: string) => `"${short(value)}" is not a ${what} (base58 of 32 bytes)`;

/**
 * Checks an id in a Solana key's policy. Assets are `native` (lamports) or `spl:<mint>` with a 32-byte base58 mint;
 * programs and addresses are 32-byte base58 addresses. Solana transactions have no message types, contracts or
 * methods, so those policy entries are errors on a Solana key (they could never match).
 */
export function checkSolanaPolicyId(kind: PolicyIdKind, value: string): string | undefined {
  switch (kind) {
    case 'asset': {
      if (value === 'native') return undefined;
      if (value.startsWith('spl:')) return decodeSolanaAddress(value.slice(4)) === undefined ? notAddress('SPL mint', value.slice(4)) : undefined;
      return `"${short(value)}" is not an asset a Solana key can move (native, or spl:<mint>)`;
    }
    case 'program':
      return decodeSolanaAddress(value) === undefined ? notAddress('Solana program id', value) : undefined;
    case 'address':
      return decodeSolanaAddress(value) === undefined ? notAddress('Solana address', value) : undefined;
    case 'message_type':
      return 'a Solana transaction has no message types (allowed_messages does not apply to Solana keys; use allowed_programs)';
    case 'contract':
    case 'method':
      return 'a Solana transaction has no contract calls (use allowed_programs)';
    default:
      return `unknown id kind ${String(kind)}`;
  }
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
