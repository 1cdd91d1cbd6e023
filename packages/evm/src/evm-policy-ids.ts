import type { PolicyIdKind } from '@openkms/core';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const SELECTOR = /^0x[0-9a-fA-F]{8}$/;
const METHOD = /^[A-Za-z_$][A-Za-z0-9_$]{0,127}$/;

/**
 * Checks an id in an EVM key's policy. Assets are `native` (wei) or `erc20:<contract>`; programs (`allowed_programs`,
 * `allowed_recipients[].program`) are contract addresses or the pseudo-program `native` (plain value transfers);
 * recipients and contracts are 20-byte hex addresses (any case: compared case-insensitively); methods are names or
 * 4-byte selectors. EVM transactions have no message types, so `allowed_messages` entries are errors on an EVM key.
 */
export function checkEvmPolicyId(kind: PolicyIdKind, value: string): string | undefined {
  switch (kind) {
    case 'asset':
      if (value === 'native') return undefined;
      if (value.startsWith('erc20:')) return ADDRESS.test(value.slice(6)) ? undefined : `"${short(value)}" is not erc20:<0x + 40 hex digits>`;
      return `"${short(value)}" is not an asset an EVM key can move (native, or erc20:<contract>)`;
    case 'program':
      return value === 'native' || ADDRESS.test(value) ? undefined : `"${short(value)}" is not a contract address (0x + 40 hex digits) or native`;
    case 'address':
    case 'contract':
      return ADDRESS.test(value) ? undefined : `"${short(value)}" is not an EVM address (0x + 40 hex digits)`;
    case 'method':
      return METHOD.test(value) || SELECTOR.test(value) || value === '*' ? undefined : `"${short(value)}" is not a method name or 4-byte selector`;
    case 'message_type':
      return 'an EVM transaction has no message types (allowed_messages does not apply to EVM keys; use allowed_contracts)';
    default:
      return `unknown id kind ${String(kind)}`;
  }
}

/** The network an EVM key is pinned to: its chain id as a decimal string (what the intents report). */
export function evmKeyNetwork(options: Readonly<Record<string, unknown>>): string | undefined {
  const raw = options['chain_id'];
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return String(raw);
  if (typeof raw === 'string' && /^[1-9][0-9]*$/.test(raw)) return raw;
  if (typeof raw === 'string' && /^0x[0-9a-fA-F]+$/.test(raw)) return BigInt(raw).toString();
  return undefined;
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
