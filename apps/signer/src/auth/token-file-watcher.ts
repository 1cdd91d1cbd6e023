import { statSync } from 'node:fs';
import { TokenStore } from './token-store.js';

/** A token added to or removed from the token file (a replaced token is a revoke and a create). */
export interface TokenChange {
  readonly action: 'token_create' | 'token_revoke';
  readonly name: string;
  readonly scopes: readonly string[];
}

export interface TokenFileWatcherHandlers {
  /** Called once per change of the file's content, with what changed since the last file that loaded. */
  readonly onChange: (changes: readonly TokenChange[]) => void;
  /**
   * The changed file could not be loaded (missing, invalid, insecure mode, another owner): from now on every token is
   * refused until a valid file is back. Called once per change of the file, not once per request.
   */
  readonly onError: (err: unknown) => void;
  /** Optional: a valid file is back after a rejected one; tokens are accepted again (called before onChange). */
  readonly onRecover?: () => void;
}

const NO_TOKENS = TokenStore.empty('(token file rejected)');

/**
 * The token store of a running signer. `openkms token create/revoke` rewrite the file atomically (a new inode);
 * every lookup checks the file's identity with one stat and re-reads it when it changed, so a revoked token stops
 * working at the next request and each change is reported (the signer audits it) without a reload.
 *
 * Fails closed: when the changed file cannot be loaded (deleted, invalid JSON, group/world-readable, chowned to another
 * user), no token is accepted until a valid file is back; the previous tokens are never served again.
 */
export class TokenFileWatcher {
  private stamp: string | undefined;
  /** The last file that loaded: what changes are diffed against. */
  private lastLoaded: TokenStore;
  /** What requests are checked against: `lastLoaded`, or no tokens at all while the file is rejected. */
  private serving: TokenStore;

  /** Loads the file now; throws like TokenStore.load (startup and reload refuse a bad token file). */
  constructor(
    readonly file: string,
    private readonly handlers: TokenFileWatcherHandlers,
  ) {
    this.stamp = fileStamp(file);
    this.lastLoaded = TokenStore.load(file);
    this.serving = this.lastLoaded;
  }

  /**
   * The tokens of the last file that loaded, without looking at the file (for diffs on reload). Not for authentication:
   * while the file is rejected this still holds the old tokens; use tokens().
   */
  get store(): TokenStore {
    return this.lastLoaded;
  }

  /** True while the current file is rejected (every token is refused). */
  get rejected(): boolean {
    return this.serving !== this.lastLoaded;
  }

  /** The tokens to authenticate against now (the file is re-read when it changed since the last look). */
  tokens(): TokenStore {
    const stamp = fileStamp(this.file);
    if (stamp === this.stamp) return this.serving;
    this.stamp = stamp;
    let next: TokenStore;
    try {
      next = TokenStore.load(this.file);
    } catch (err) {
      this.serving = NO_TOKENS;
      this.handlers.onError(err);
      return this.serving;
    }
    const wasRejected = this.rejected;
    const changes = diffTokenStores(this.lastLoaded, next);
    this.lastLoaded = next;
    this.serving = next;
    if (wasRejected) this.handlers.onRecover?.();
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

/** Identity of the file's current content and permissions (undefined when it cannot be stat'ed). */
function fileStamp(file: string): string | undefined {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.mode}:${st.uid}:${st.gid}`;
  } catch {
    return undefined;
  }
}
