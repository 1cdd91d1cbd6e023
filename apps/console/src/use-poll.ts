import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from './api.js';

export interface Polled<T> {
  readonly data?: T;
  readonly error?: string;
  /** Fetches again now (after an action). */
  refresh(): void;
}

/** GET `path` every `intervalMs` while the tab is visible, with If-None-Match (a 304 keeps the data). */
export function usePoll<T>(api: Api, path: string | undefined, intervalMs = 2000): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const etag = useRef<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    etag.current = undefined;
    setData(undefined);
    setError(undefined);
  }, [path]);

  useEffect(() => {
    if (path === undefined) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (document.visibilityState !== 'hidden') {
        try {
          const r = await api.get<T>(path, etag.current);
          if (stopped) return;
          if (r.body !== undefined) {
            etag.current = r.etag;
            setData(r.body);
          }
          setError(undefined);
        } catch (err) {
          if (!stopped) setError(err instanceof Error ? err.message : String(err));
        }
      }
      if (!stopped) timer = setTimeout(run, intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [api, path, intervalMs, tick]);

  return { data, error, refresh };
}
