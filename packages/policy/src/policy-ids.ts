import type { PolicyIdKind } from '@openkms/core';
import type { KeyPolicy } from './key-policy.js';

/** One id written in a policy, with the dotted path it is at. */
export interface PolicyIdRef {
  readonly kind: PolicyIdKind;
  readonly value: string;
  readonly path: string;
  /** For a recipient: the message type or program it is allowed through (a chain may accept other address forms there). */
  readonly via?: string;
}

/** A problem found in a policy (or a config), with the dotted path of the offending value. */
export interface PolicyProblem {
  readonly path: string;
  readonly message: string;
}

/** Checks one id; returns the reason it is invalid, or undefined. Bound by the caller to the key's chain and options. */
export type PolicyIdCheck = (kind: PolicyIdKind, value: string, context: { readonly via?: string }) => string | undefined;

/** Every asset id, program, address, contract, type URL and method a normalised policy names, in field order. */
export function policyIdRefs(policy: KeyPolicy, path: string): PolicyIdRef[] {
  const at = (...parts: string[]) => [path, ...parts].filter((p) => p !== '').join('.');
  const out: PolicyIdRef[] = [];
  for (const field of ['per_tx_caps', 'window_caps', 'fee_caps'] as const) {
    for (const asset of Object.keys(policy[field])) out.push({ kind: 'asset', value: asset, path: at(field, asset) });
  }
  policy.allowed_programs.forEach((p, i) => out.push({ kind: 'program', value: p.id, path: at(`allowed_programs[${i}]`, 'id') }));
  policy.allowed_messages.forEach((m, i) => {
    const p = `allowed_messages[${i}]`;
    out.push({ kind: 'message_type', value: m.type_url, path: at(p, 'type_url') });
    (m.allowed_recipients ?? []).forEach((a, j) => out.push({ kind: 'address', value: a, path: at(p, `allowed_recipients[${j}]`), via: m.type_url }));
    (m.allowed_contracts ?? []).forEach((c, j) => out.push({ kind: 'contract', value: c, path: at(p, `allowed_contracts[${j}]`) }));
    (m.allowed_methods ?? []).forEach((x, j) => out.push({ kind: 'method', value: x, path: at(p, `allowed_methods[${j}]`) }));
    for (const asset of Object.keys(m.per_tx_cap ?? {})) out.push({ kind: 'asset', value: asset, path: at(p, 'per_tx_cap', asset) });
  });
  policy.allowed_recipients.forEach((r, i) => {
    const p = `allowed_recipients[${i}]`;
    if (r.program !== undefined) out.push({ kind: 'program', value: r.program, path: at(p, 'program') });
    if (r.asset !== undefined) out.push({ kind: 'asset', value: r.asset, path: at(p, 'asset') });
    r.addresses.forEach((a, j) =>
      out.push({ kind: 'address', value: a, path: at(p, `addresses[${j}]`), ...(r.program === undefined ? {} : { via: r.program }) }),
    );
  });
  const approval = policy.approval;
  if (approval !== undefined) {
    for (const asset of Object.keys(approval.above)) out.push({ kind: 'asset', value: asset, path: at('approval', 'above', asset) });
    approval.programs.forEach((x, i) => out.push({ kind: 'program', value: x, path: at('approval', `programs[${i}]`) }));
    approval.message_types.forEach((x, i) => out.push({ kind: 'message_type', value: x, path: at('approval', `message_types[${i}]`) }));
    approval.contracts.forEach((x, i) => out.push({ kind: 'contract', value: x, path: at('approval', `contracts[${i}]`) }));
  }
  return out;
}

/** Runs `check` on every id of `policy`; returns every problem (not only the first). */
export function checkPolicyIds(policy: KeyPolicy, path: string, check: PolicyIdCheck): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const ref of policyIdRefs(policy, path)) {
    const reason = check(ref.kind, ref.value, ref.via === undefined ? {} : { via: ref.via });
    if (reason !== undefined) problems.push({ path: ref.path, message: `${ref.path}: ${reason}` });
  }
  return problems;
}
