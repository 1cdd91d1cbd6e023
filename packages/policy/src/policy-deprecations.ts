import type { KeyPolicy } from './key-policy.js';

/** One deprecated setting in effect, for the signer to log as a warning. */
export interface PolicyDeprecation {
  readonly path: string;
  readonly message: string;
}

/** The deprecated settings a key's policy uses (`path` is the dotted path under `base`, e.g. `keys.hot.policy`). */
export function policyDeprecations(policy: KeyPolicy, base: string): PolicyDeprecation[] {
  const out: PolicyDeprecation[] = [];
  if (policy.allow_unknown_instructions) {
    out.push({
      path: `${base}.allow_unknown_instructions`,
      message:
        'allow_unknown_instructions on the whole key is deprecated: it admits undecoded instructions of every allowed program. Set allow_unknown_instructions = true on the one allowed_programs entry that needs it.',
    });
  }
  return out;
}
