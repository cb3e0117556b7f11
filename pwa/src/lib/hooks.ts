/** Small hooks shared by pages. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, UserFacingError } from './api';

/** The current time, re-read every `everyMs` (for ages that tick). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** Sets document.title while the page is shown. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Firebell` : 'Firebell';
  }, [title]);
}

/**
 * Run `load` now, whenever the page regains focus, becomes visible or comes back online, and every `everyMs` while visible.
 * Overlapping runs are skipped. A new `load` (memoize it) starts over and aborts the old one's request.
 */
export function useRefresh(load: (signal: AbortSignal) => Promise<void>, everyMs: number): void {
  useEffect(() => {
    const ctrl = new AbortController();
    let running = false;
    const run = async () => {
      if (running || document.visibilityState === 'hidden') return;
      running = true;
      try {
        await load(ctrl.signal);
      } finally {
        running = false;
      }
    };
    void run();
    const timer = setInterval(() => void run(), everyMs);
    const onVisible = () => void run();
    window.addEventListener('focus', onVisible);
    window.addEventListener('online', onVisible);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      ctrl.abort();
      clearInterval(timer);
      window.removeEventListener('focus', onVisible);
      window.removeEventListener('online', onVisible);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [load, everyMs]);
}

export type Outcome = { ok: true; text: string } | { ok: false; text: string };

/** One user action at a time: which one is running, and how the last one ended (`report` sets it from elsewhere). */
export function useAction() {
  const [pending, setPending] = useState<string | null>(null);
  const [outcome, report] = useState<Outcome | null>(null);
  const setOutcome = report;
  const run = useCallback(async (name: string, work: () => Promise<string>) => {
    setPending(name);
    setOutcome(null);
    try {
      setOutcome({ ok: true, text: await work() });
      return true;
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
      return false;
    } finally {
      setPending(null);
    }
  }, []);
  return { pending, outcome, run, report };
}

/** What to tell the user about an error: an ApiError's detail, or a generic line. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.detail;
  if (err instanceof UserFacingError) return err.message;
  return 'Something went wrong. Please try again.';
}

/**
 * A list (or anything) a screen loads when it opens: what it gave (null until then), why it failed, and `reload`
 * for after a change. A failed reload keeps what is shown and says why beside it. `load` is read once: what it
 * depends on goes in `deps`.
 */
export function useLoaded<T>(
  load: () => Promise<T>,
  deps: readonly unknown[] = [],
): { data: T | null; error: string | null; reload: () => Promise<void> } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setData(await load());
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
    // `load` is an inline function, new each render: `deps` says when it really changes.
  }, deps);
  useEffect(() => void reload(), [reload]);
  return { data, error, reload };
}

/** Long enough that typing a word sends one preview, short enough to feel live. */
export const PREVIEW_DEBOUNCE_MS = 400;

/**
 * An editor's live preview of `body` (the form as JSON, or null while it is invalid): one request per pause in
 * typing, a newer edit (or `target`, what is edited) aborting the older request, and `refresh` to ask again.
 * `on.result` and `on.error` let the editor clear or place its field errors; `on.error` says what to show.
 */
export function useLivePreview<T>(
  body: string | null,
  target: string,
  ask: (body: string, signal: AbortSignal) => Promise<T>,
  on: { result: () => void; error: (err: unknown) => string },
): { preview: T | null; busy: boolean; error: string | null; refresh: () => void } {
  const [preview, setPreview] = useState<T | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refreshes, setRefreshes] = useState(0);
  const latest = useRef<AbortController | null>(null);
  // The newest callbacks, without restarting the preview whenever the editor renders.
  const callbacks = useRef({ ask, on });
  callbacks.current = { ask, on };
  useEffect(() => {
    if (!body) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      latest.current?.abort();
      latest.current = ctrl;
      setBusy(true);
      callbacks.current
        .ask(body, ctrl.signal)
        .then(
          (value) => {
            setPreview(value);
            setError(null);
            callbacks.current.on.result();
          },
          (err: unknown) => {
            if (!ctrl.signal.aborted) setError(callbacks.current.on.error(err));
          },
        )
        .finally(() => {
          if (latest.current === ctrl) setBusy(false);
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [body, refreshes, target]);
  const refresh = useCallback(() => setRefreshes((n) => n + 1), []);
  return { preview, busy, error, refresh };
}
