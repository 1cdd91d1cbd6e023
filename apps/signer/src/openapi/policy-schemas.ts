import type { ChainSigner } from '@openkms/core';
import { mergePolicyAliases, policyJsonSchemaFor, policyOverlayJsonSchemaFor } from '@openkms/policy';
import type { ComposeExtras } from './compose-openapi.js';

/**
 * The Policy and PolicyOverlay schemas of the served document: @openkms/policy's, with the alias fields of every
 * loaded chain plugin (Solana's `per_tx_cap_lamports`, …). Each key's own policy is checked with its own plugin's.
 */
export function policySchemasFor(plugins: readonly { readonly signer: ChainSigner<any, any> }[]): Required<ComposeExtras> {
  const aliases = mergePolicyAliases(plugins.map((p) => p.signer.policyAliases));
  return { policySchema: policyJsonSchemaFor(aliases), policyOverlaySchema: policyOverlayJsonSchemaFor(aliases) };
}
