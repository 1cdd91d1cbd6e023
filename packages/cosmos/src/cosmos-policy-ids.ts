import { fromBech32 } from '@cosmjs/encoding';
import type { PolicyAliases, PolicyIdKind } from '@openkms/core';
import { bech32PrefixOf } from './cosmos-address.js';

/**
 * Cosmos SDK denomination grammar (sdk.ValidateDenom: a letter, then 2..127 of letters, digits, `/ : . _ -`), as
 * policy asset ids `denom:<denom>` must use it.
 */
export const DENOM_PATTERN = '^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$';
const DENOM = new RegExp(DENOM_PATTERN);
/** Protobuf type URLs of messages, e.g. `/cosmos.bank.v1beta1.MsgSend`. */
const TYPE_URL = /^\/[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;
/** CosmWasm execute-message keys, e.g. `swap`, `execute_swap_operations`. */
const METHOD = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A bare key of `allowed_messages[].per_tx_cap` is a bank denom (`uatom` = `denom:uatom`), as in the original openKMS. */
export const cosmosPolicyAliases: PolicyAliases = { bareAssetNamespace: 'denom' };

/**
 * Checks an id in a Cosmos key's policy, for a key whose address prefix is `options.bech32_prefix` (else
 * `defaultPrefix`): assets are `denom:<denom>`; addresses and contracts are bech32 with that prefix (20- or 32-byte
 * data); message types (and `allowed_recipients[].program`, which is matched against the message type moving the
 * funds) are type URLs; methods are identifiers.
 */
export function checkCosmosPolicyId(
  kind: PolicyIdKind,
  value: string,
  options: Readonly<Record<string, unknown>>,
  defaultPrefix: string,
  context: { readonly via?: string } = {},
): string | undefined {
  switch (kind) {
    case 'asset': {
      if (!value.startsWith('denom:')) return `"${short(value)}" is not an asset a Cosmos key can move (denom:<denom>)`;
      return DENOM.test(value.slice(6)) ? undefined : `"${short(value.slice(6))}" is not a valid bank denomination`;
    }
    case 'address': {
      // recipients: an account of the key's chain, a validator (staking messages name it as the recipient), or a
      // governance proposal (`proposal:<id>`, the recipient of a deposit)
      if (/^proposal:[0-9]{1,20}$/.test(value)) return undefined;
      // an IBC transfer's receiver is an account on the counterparty chain: any prefix, but a valid bech32 address
      if (context.via === IBC_TRANSFER_TYPE_URL) return checkBech32(value, undefined, 'address');
      const prefix = prefixOf(options, defaultPrefix);
      return checkBech32(value, [prefix, `${prefix}valoper`], 'address');
    }
    case 'contract':
      return checkBech32(value, [prefixOf(options, defaultPrefix)], 'contract address');
    case 'program':
    case 'message_type':
      return TYPE_URL.test(value) ? undefined : `"${short(value)}" is not a message type URL (e.g. /cosmos.bank.v1beta1.MsgSend)`;
    case 'method':
      return METHOD.test(value) ? undefined : `"${short(value)}" is not a contract method name`;
    default:
      return `unknown id kind ${String(kind)}`;
  }
}

const IBC_TRANSFER_TYPE_URL = '/ibc.applications.transfer.v1.MsgTransfer';

function prefixOf(options: Readonly<Record<string, unknown>>, fallback: string): string {
  try {
    return bech32PrefixOf(options, fallback);
  } catch {
    return fallback;
  }
}

function checkBech32(value: string, prefixes: readonly string[] | undefined, what: string): string | undefined {
  let decoded: { prefix: string; data: Uint8Array };
  try {
    // an explicit length limit: cosmjs 0.39's default (Infinity) is refused by the @scure/base 2 it uses
    decoded = fromBech32(value, 128);
  } catch {
    return `"${short(value)}" is not a bech32 ${what}`;
  }
  if (prefixes !== undefined && !prefixes.includes(decoded.prefix))
    return `"${short(value)}" has prefix "${decoded.prefix}", but this key's addresses use "${prefixes.join('" or "')}"`;
  if (decoded.data.length !== 20 && decoded.data.length !== 32) return `"${short(value)}" is not a ${what} (20 or 32 bytes of data)`;
  if (value !== value.toLowerCase()) return `"${short(value)}" must be written in lower case`;
  return undefined;
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
