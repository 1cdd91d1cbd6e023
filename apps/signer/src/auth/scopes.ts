/** A token's permissions. `sign` without labels means every label. */
export interface Scopes {
  readonly signAll: boolean;
  readonly signLabels: ReadonlySet<string>;
  readonly read: boolean;
  readonly admin: boolean;
  /** `approve` (every label) or `approve:<label>`: may approve or deny requests waiting for an operator approval. */
  readonly approveAll?: boolean;
  readonly approveLabels?: ReadonlySet<string>;
}

const SCOPE = /^(sign|read|admin|approve)(?::([A-Za-z0-9._-]{1,64}))?$/;

/** `sign`, `sign:<label>`, `read`, `admin`, `approve`, `approve:<label>`. Returns undefined for anything else. */
export function isValidScope(scope: string): boolean {
  const m = SCOPE.exec(scope);
  return m !== null && (m[2] === undefined || m[1] === 'sign' || m[1] === 'approve');
}

export function parseScopes(list: readonly string[]): Scopes {
  let signAll = false;
  let read = false;
  let admin = false;
  let approveAll = false;
  const signLabels = new Set<string>();
  const approveLabels = new Set<string>();
  for (const s of list) {
    const m = SCOPE.exec(s);
    if (!m) continue;
    if (m[1] === 'sign') {
      if (m[2] === undefined) signAll = true;
      else signLabels.add(m[2]);
    } else if (m[1] === 'approve') {
      if (m[2] === undefined) approveAll = true;
      else approveLabels.add(m[2]);
    } else if (m[1] === 'read') read = true;
    else if (m[1] === 'admin') admin = true;
  }
  return { signAll, signLabels, read, admin, approveAll, approveLabels };
}

/** Approving or denying a held request needs admin scope, or an `approve` scope naming the key (or every key). */
export function canApprove(scopes: Scopes, label: string): boolean {
  return scopes.admin || scopes.approveAll === true || scopes.approveLabels?.has(label) === true;
}

/** Listing held requests: admin, or any `approve` scope. */
export function canApproveAny(scopes: Scopes): boolean {
  return scopes.admin || scopes.approveAll === true || (scopes.approveLabels?.size ?? 0) > 0;
}

export function canSign(scopes: Scopes, label: string): boolean {
  return scopes.signAll || scopes.signLabels.has(label);
}

/** /keys and /policy need read scope, or a sign scope (then only the labels it may sign are shown). */
export function canRead(scopes: Scopes, label?: string): boolean {
  if (scopes.read || scopes.admin) return true;
  return label === undefined ? scopes.signAll || scopes.signLabels.size > 0 : canSign(scopes, label);
}
