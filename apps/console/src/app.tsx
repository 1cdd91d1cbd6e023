import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, createApi, fetchHealth, type Health, type WhoAmI } from './api.js';
import { loadToken, saveToken } from './session.js';
import { SignIn } from './pages/sign-in.js';
import { KeysPage } from './pages/keys-page.js';
import { ActivityPage } from './pages/activity-page.js';
import { AuditPage } from './pages/audit-page.js';
import { ApprovalsPage } from './pages/approvals-page.js';
import { HealthBanner } from './components/health-banner.js';

export interface Session {
  readonly who: WhoAmI;
  /** Admin scope: kill switches (and approvals). */
  readonly admin: boolean;
  /** Admin or an approve scope: approve or deny held requests. */
  readonly approver: boolean;
}

const PAGES = [
  { id: 'keys', title: 'Keys' },
  { id: 'activity', title: 'Activity' },
  { id: 'audit', title: 'Audit trail' },
  { id: 'approvals', title: 'Approvals' },
] as const;
type PageId = (typeof PAGES)[number]['id'];

function pageFromHash(): PageId {
  const id = location.hash.replace(/^#\/?/, '');
  return (PAGES.find((p) => p.id === id)?.id ?? 'keys') as PageId;
}

export function App() {
  const [token, setToken] = useState<string | undefined>(loadToken());
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [signInError, setSignInError] = useState<string | undefined>(undefined);
  const [page, setPage] = useState<PageId>(pageFromHash());
  const [health, setHealth] = useState<Health | undefined>(undefined);
  const [healthError, setHealthError] = useState(false);
  const api = useMemo(() => (token ? createApi(token) : undefined), [token]);

  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const h = await fetchHealth();
        if (!stopped) {
          setHealth(h);
          setHealthError(false);
        }
      } catch {
        if (!stopped) setHealthError(true);
      }
      if (!stopped) timer = setTimeout(run, 3000);
    };
    void run();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, []);

  useEffect(() => {
    if (!api) return;
    let stopped = false;
    api
      .get<WhoAmI>('/whoami')
      .then((r) => {
        if (stopped || !r.body) return;
        const scopes = r.body.scopes;
        if (!scopes.includes('read') && !scopes.includes('admin')) {
          setSignInError('This token has neither read nor admin scope: the console needs one of them.');
          setToken(undefined);
          saveToken(undefined);
          return;
        }
        setSession({
          who: r.body,
          admin: scopes.includes('admin'),
          approver: scopes.includes('admin') || scopes.some((s) => s === 'approve' || s.startsWith('approve:')),
        });
        setSignInError(undefined);
      })
      .catch((err: unknown) => {
        if (stopped) return;
        setSignInError(
          err instanceof ApiError && err.status === 401
            ? 'The signer does not accept this token.'
            : `Sign-in failed: ${err instanceof Error ? err.message : String(err)}`,
        );
        setToken(undefined);
        saveToken(undefined);
      });
    return () => {
      stopped = true;
    };
  }, [api]);

  const signOut = () => {
    saveToken(undefined);
    setToken(undefined);
    setSession(undefined);
  };

  return (
    <div class="shell">
      <header class="top">
        <span class="brand">openKMS console</span>
        {session && (
          <span class="who">
            <span data-testid="token-name">{session.who.token_name}</span> <span class="muted">({session.who.scopes.join(', ')})</span>{' '}
            <button type="button" class="link" onClick={signOut}>
              Sign out
            </button>
          </span>
        )}
      </header>
      <HealthBanner health={health} unreachable={healthError} />
      {!api || !session ? (
        <SignIn
          error={signInError}
          busy={api !== undefined && session === undefined && signInError === undefined}
          onSubmit={(t) => {
            saveToken(t);
            setSignInError(undefined);
            setToken(t);
          }}
        />
      ) : (
        <>
          <nav class="tabs" aria-label="Pages">
            {PAGES.map((p) => (
              <a key={p.id} href={`#/${p.id}`} aria-current={p.id === page ? 'page' : undefined}>
                {p.title}
              </a>
            ))}
          </nav>
          <main id="main">
            {page === 'keys' && <KeysPage api={api} session={session} />}
            {page === 'activity' && <ActivityPage api={api} />}
            {page === 'audit' && <AuditPage api={api} />}
            {page === 'approvals' && <ApprovalsPage api={api} session={session} />}
          </main>
        </>
      )}
    </div>
  );
}
