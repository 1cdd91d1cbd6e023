import type { ChainSigner } from '@openkms/core';
import type { PolicyKeyConfig } from '@openkms/policy';
import { policyKeyConfig } from '../config/check-keys.js';
import type { SignerConfig } from '../config/signer-config.js';

/** The policy engine's view of the keys: policy, plus the chain plugin's aliases and id checks (bindConfig found a plugin for each). */
export function policyKeys(config: SignerConfig, chains: ReadonlyMap<string, ChainSigner<any, any>>): Record<string, PolicyKeyConfig> {
  const out: Record<string, PolicyKeyConfig> = {};
  for (const [label, k] of Object.entries(config.keys)) out[label] = policyKeyConfig(k, chains.get(k.chain)!);
  return out;
}
