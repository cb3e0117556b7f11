/** Small hooks shared by pages. */
import { useCallback, useEffect, useState } from 'preact/hooks';
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
