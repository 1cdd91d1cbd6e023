import type { CeremonyChain } from './key-addresses.js';

export interface SnippetKey {
  readonly label: string;
  readonly chain: CeremonyChain;
  readonly backend: string;
  readonly keyId: string;
  readonly address: string;
  readonly derivationPath?: string;
  /** Cosmos: the key's bech32 prefix (default cosmos). */
  readonly bech32Prefix?: string;
}

/** Each chain's required key options, with mainnet values for the operator to change. */
function chainOptions(k: SnippetKey): string[] {
  if (k.chain === 'solana') return ['cluster = "mainnet-beta"'];
  if (k.chain === 'cosmos') return [`bech32_prefix = "${k.bech32Prefix ?? 'cosmos'}"`, 'chain_id = "cosmoshub-4"'];
  return ['chain_id = 1'];
}

/**
 * The `[keys.<label>]` table a new key needs in the signer's config. Its policy table is left empty: the signer's
 * defaults deny everything until the operator writes the limits this key may sign within.
 */
export function keyConfigSnippet(k: SnippetKey): string {
  return [
    `[keys.${k.label}]`,
    `chain = "${k.chain}"`,
    `backend = "${k.backend}"`,
    `key_id = "${k.keyId}"`,
    ...(k.derivationPath ? [`derivation_path = "${k.derivationPath}"`] : []),
    `# address: ${k.address}`,
    '',
    `[keys.${k.label}.options]`,
    '# the chain this key signs for (a request for another gets chain_id_mismatch): change it to yours',
    ...chainOptions(k),
    '',
    `[keys.${k.label}.policy]`,
    '# deny by default: add the limits this key may sign within (see README "Policy authoring")',
  ].join('\n');
}
