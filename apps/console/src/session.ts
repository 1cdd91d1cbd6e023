/**
 * The signed-in token: kept in sessionStorage (this tab only, gone when it closes), sent only as an Authorization
 * header by api.ts, never put in a URL or a cookie.
 */
const KEY = 'openkms.console.token';

export function loadToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveToken(token: string | undefined): void {
  try {
    if (token === undefined) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, token);
  } catch {
    // storage disabled: the token lives in memory only
  }
}
