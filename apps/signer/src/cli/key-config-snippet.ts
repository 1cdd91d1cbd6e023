import type { CeremonyChain } from './key-addresses.js';

export interface SnippetKey {
  readonly label: string;
  readonly chain: CeremonyChain;
  readonly backend: string;
  readonly keyId: string;
  readonly address: string;
  readonly derivationPath?: string;
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
    `[keys.${k.label}.policy]`,
    '# deny by default: add the limits this key may sign within (see README "Policy authoring")',
  ].join('\n');
}
