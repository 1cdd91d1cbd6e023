import { statSync } from 'node:fs';
import { TokenStore } from './token-store.js';

/** A token added to or removed from the token file (a replaced token is a revoke and a create). */
export interface TokenChange {
  readonly action: 'token_create' | 'token_revoke';
  readonly name: string;
  readonly scopes: readonly string[];
}

export interface TokenFileWatcherHandlers {
  /** Called once per change of the file's content, with what changed. */
  readonly onChange: (changes: readonly TokenChange[]) => void;
  /** The changed file could not be loaded (insecure, invalid, missing): the previous tokens stay. */
  readonly onError: (err: unknown) => void;
}

/**
 * The token store of a running signer. `openkms token create/revoke` rewrite the file atomically (a new inode);
 * every lookup checks the file's identity with one stat and re-reads it when it changed, so a revoked token stops
 * working at the next request and each change is reported (the signer audits it) without a reload.
 */
export class TokenFileWatcher {
  private stamp: string | undefined;
  private current: TokenStore;

  /** Loads the file now; throws like TokenStore.load (startup and reload refuse a bad token file). */
  constructor(
    readonly file: string,
    private readonly handlers: TokenFileWatcherHandlers,
  ) {
    this.stamp = fileStamp(file);
    this.current = TokenStore.load(file);
  }

  /** The tokens as last loaded, without looking at the file. */
  get store(): TokenStore {
    return this.current;
  }

  /** The tokens as the file holds them now (re-read when the file changed since the last look). */
  tokens(): TokenStore {
    const stamp = fileStamp(this.file);
    if (stamp === this.stamp) return this.current;
    this.stamp = stamp;
    let next: TokenStore;
    try {
      next = TokenStore.load(this.file);
    } catch (err) {
      this.handlers.onError(err);
      return this.current;
    }
    const changes = diffTokenStores(this.current, next);
    this.current = next;
    if (changes.length > 0) this.handlers.onChange(changes);
    return next;
  }
}

/** Names added and removed between two stores; an entry whose scopes or creation time changed was replaced. */
export function diffTokenStores(before: TokenStore, after: TokenStore): TokenChange[] {
  const key = (t: { name: string; scopes: readonly string[]; created_at: string }) => `${t.name}\n${t.scopes.join(',')}\n${t.created_at}`;
  const old = new Map(before.list().map((t) => [key(t), t]));
  const now = new Map(after.list().map((t) => [key(t), t]));
  const changes: TokenChange[] = [];
  for (const [k, t] of old) if (!now.has(k)) changes.push({ action: 'token_revoke', name: t.name, scopes: t.scopes });
  for (const [k, t] of now) if (!old.has(k)) changes.push({ action: 'token_create', name: t.name, scopes: t.scopes });
  return changes;
}

/** Identity of the file's current content: inode, size and times (undefined when it cannot be stat'ed). */
function fileStamp(file: string): string | undefined {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.mode}`;
  } catch {
    return undefined;
  }
}
