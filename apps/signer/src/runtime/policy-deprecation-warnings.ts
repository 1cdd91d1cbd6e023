import type { Logger } from 'pino';
import { policyDeprecations } from '@openkms/policy';
import type { SignerConfig } from '../config/signer-config.js';

/** Logs one warning per deprecated policy setting in effect (at start and after every reload). */
export function warnPolicyDeprecations(logger: Logger, config: SignerConfig): void {
  for (const [label, key] of Object.entries(config.keys)) {
    for (const d of policyDeprecations(key.policy, `keys.${label}.policy`)) logger.warn({ label, path: d.path }, d.message);
  }
}
