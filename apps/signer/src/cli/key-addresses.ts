import { cosmosAddress } from '@openkms/cosmos';
import { evmAddress } from '@openkms/evm';
import { solanaAddress } from '@openkms/solana';
import { cosmosDerivationPath, evmDerivationPath, solanaDerivationPath } from '@openkms/yubihsm';
import { type DeviceSigningKey } from '@openkms/yubihsm/ceremony';
import { UsageError } from './parse-args.js';

/** The chains the ceremony commands know: their curve and default derivation path. */
export const CEREMONY_CHAINS = {
  solana: { curve: 'ed25519', path: solanaDerivationPath },
  cosmos: { curve: 'secp256k1', path: cosmosDerivationPath },
  evm: { curve: 'secp256k1', path: evmDerivationPath },
} as const;

export type CeremonyChain = keyof typeof CEREMONY_CHAINS;

export function chainOf(value: string | undefined): CeremonyChain {
  if (value === undefined) throw new UsageError('--chain solana|cosmos|evm is required');
  if (!Object.hasOwn(CEREMONY_CHAINS, value)) throw new UsageError(`--chain must be solana, cosmos or evm (got ${JSON.stringify(value)})`);
  return value as CeremonyChain;
}

/** The --label of a new key: 1–40 of A-Z a-z 0-9 . _ - (a config table name and a device label). */
export function labelOf(value: string | undefined): string {
  if (!value || !/^[A-Za-z0-9._-]{1,40}$/.test(value)) throw new UsageError('--label LABEL is required (1–40 of A-Z a-z 0-9 . _ -)');
  return value;
}

/** The address of a public key on a chain (Cosmos with `bech32Prefix`, default cosmos). */
export function chainAddress(chain: CeremonyChain, publicKey: Uint8Array, bech32Prefix = 'cosmos'): string {
  if (chain === 'solana') return solanaAddress(publicKey);
  if (chain === 'cosmos') return cosmosAddress(publicKey, bech32Prefix);
  return evmAddress(publicKey);
}

/**
 * The chain of a device key: `hint` (from --chain or the config), else Solana for Ed25519, else a secp256k1 key's
 * label prefix (`evm…`/`eth…` → evm, `cosmos…` → cosmos); undefined when it cannot tell (both addresses are shown).
 */
export function guessChain(key: Pick<DeviceSigningKey, 'curve' | 'label'>, hint?: string): CeremonyChain | undefined {
  if (hint && Object.hasOwn(CEREMONY_CHAINS, hint)) return hint as CeremonyChain;
  if (key.curve === 'ed25519') return 'solana';
  if (key.curve !== 'secp256k1') return undefined;
  if (/^(evm|eth)/i.test(key.label)) return 'evm';
  if (/^cosmos/i.test(key.label)) return 'cosmos';
  return undefined;
}

/** Every address a device key has on the chains of its curve. */
export function addressesOf(key: Pick<DeviceSigningKey, 'curve' | 'publicKey'>, bech32Prefix = 'cosmos'): Partial<Record<CeremonyChain, string>> {
  if (key.curve === 'ed25519') return { solana: solanaAddress(key.publicKey) };
  if (key.curve === 'secp256k1') return { cosmos: cosmosAddress(key.publicKey, bech32Prefix), evm: evmAddress(key.publicKey) };
  return {};
}
