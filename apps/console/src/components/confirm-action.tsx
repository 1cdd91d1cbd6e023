import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A button that asks before it acts: the first press shows what will happen with Confirm and Cancel (keyboard
 * focus moves to Confirm, Escape cancels); the action's error, if any, is shown beside it.
 */
export function ConfirmAction({ label, question, danger, onConfirm }: { label: string; question: string; danger?: boolean; onConfirm: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const confirm = useRef<HTMLButtonElement>(null);
  // focus moves to Confirm once when asked (not on every refresh of the page behind it)
  useEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <span class="action">
        <button type="button" class={danger ? 'danger' : ''} onClick={() => setAsking(true)}>
          {label}
        </button>
        {error && (
          <span class="error" role="alert">
            {error}
          </span>
        )}
      </span>
    );
  }
  return (
    <span
      class="action confirm"
      role="group"
      aria-label={question}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setAsking(false);
      }}
    >
      <span>{question}</span>
      <button
        type="button"
        class={danger ? 'danger' : 'primary'}
        disabled={busy}
        ref={confirm}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
            setError(undefined);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        Confirm
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
