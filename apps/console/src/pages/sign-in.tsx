import { useState } from 'preact/hooks';

export function SignIn({ onSubmit, error, busy }: { onSubmit: (token: string) => void; error?: string; busy: boolean }) {
  const [value, setValue] = useState('');
  return (
    <main id="main" class="sign-in">
      <h1>Sign in</h1>
      <p>
        Paste an admin token (acts: kill switches, approvals) or a read token (looks only). It stays in this tab (session storage) and is sent only as an{' '}
        <code>Authorization</code> header.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const t = value.trim();
          if (t) onSubmit(t);
        }}
      >
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
          required
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </main>
  );
}
