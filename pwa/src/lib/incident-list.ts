/**
 * useIncidentList: the home screen's list, live. One HTTP load per filter, then the feed keeps it current;
 * each (re)connection of the feed reloads page 1 (the feed has no replay), and only while the feed is
 * down does a slow poll stand in for it. What is on screen is saved on this phone (list-snapshot.ts) and
 * shown when a load fails before anything else could be.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { listIncidents, type IncidentQuery } from './api';
import { useIncidentFeed } from './feed';
import { appendPage, mergeLoaded, mergeRow, type ListFilter, type ListState } from './feed-state';
import { errorText } from './hooks';
import { saveList, savedList } from './list-snapshot';
import type { Connection } from './resilient-socket';
import type { IncidentSummary, User } from './types';

/** Only while the feed is down: slow, because the feed is the normal path and reconnects on its own. */
export const FALLBACK_POLL_MS = 30_000;
/** Saving what is on screen waits this long after a change, so a storm of feed rows is one write a second at most. */
export const SAVE_AFTER_MS = 1_000;

const filterKey = (f: ListFilter) => `${f.view}|${f.service ?? ''}|${f.severity ?? ''}`;

function query(filter: ListFilter): IncidentQuery {
  return {
    status: filter.view === 'resolved' ? ['resolved'] : ['triggered', 'acknowledged'],
    ...(filter.view === 'mine' ? { involves: 'me' } : {}),
    ...(filter.service ? { service: filter.service } : {}),
    ...(filter.severity ? { severity: filter.severity } : {}),
  };
}

/**
 * Page 1 for a filter. When there is more than one page, "Needs me" (triggered and waiting on me) is asked
 * for separately so it is complete however long the list.
 */
async function loadFirst(
  filter: ListFilter,
  signal: AbortSignal,
): Promise<{ rows: IncidentSummary[]; nextCursor: string | null }> {
  const page = await listIncidents(query(filter), { signal });
  if (filter.view === 'resolved' || !page.nextCursor)
    return { rows: page.incidents, nextCursor: page.nextCursor };
  const mine = await listIncidents(
    { ...query(filter), status: ['triggered'], involves: 'me' },
    { signal },
  );
  const ids = new Set(page.incidents.map((i) => i.id));
  return {
    rows: [...page.incidents, ...mine.incidents.filter((i) => !ids.has(i.id))],
    nextCursor: page.nextCursor,
  };
}

export interface IncidentList {
  /** Null until the first load for this filter lands. */
  list: ListState | null;
  error: string | null;
  connection: Connection;
  loadingMore: boolean;
  showMore: () => Promise<void>;
}

export function useIncidentList(filter: ListFilter, me: User): IncidentList {
  const [list, setList] = useState<ListState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const load = useRef<{ ctrl: AbortController; arrived: IncidentSummary[] } | null>(null);

  /** Reload page 1; a newer reload aborts an older one. Rows the feed delivers meanwhile are replayed on top. */
  const reload = useCallback(async () => {
    load.current?.ctrl.abort();
    const current = { ctrl: new AbortController(), arrived: [] as IncidentSummary[] };
    load.current = current;
    const f = filterRef.current;
    try {
      const first = await loadFirst(f, current.ctrl.signal);
      if (load.current !== current) return;
      setList((prev) =>
        current.arrived.reduce((s, row) => mergeRow(s, row, f, me.id), mergeLoaded(prev, first)),
      );
      setError(null);
    } catch (err) {
      if (current.ctrl.signal.aborted) return;
      setError(errorText(err));
      // Offline (or Firebell down) with nothing on screen yet: show what this phone last saw.
      const saved = savedList(me.id, filterKey(f));
      if (saved) setList((prev) => prev ?? mergeLoaded(null, { rows: saved, nextCursor: null }));
    } finally {
      if (load.current === current) load.current = null;
    }
  }, [me.id]);

  const onRow = useCallback(
    (row: IncidentSummary) => {
      load.current?.arrived.push(row);
      setList((prev) => prev && mergeRow(prev, row, filterRef.current, me.id));
    },
    [me.id],
  );
  const connection = useIncidentFeed(onRow, () => void reload());

  // A new filter starts from nothing: its rows are a different set.
  const key = filterKey(filter);
  useEffect(() => {
    setList(null);
    void reload();
    return () => load.current?.ctrl.abort();
  }, [key, reload]);

  // Save what is on screen: a moment after it changes, and at once when leaving the screen or the page.
  const unsaved = useRef<{ filter: string; rows: IncidentSummary[] } | null>(null);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const save = useCallback(() => {
    clearTimeout(saveTimer.current);
    saveTimer.current = undefined;
    if (unsaved.current) saveList(me.id, unsaved.current.filter, unsaved.current.rows);
    unsaved.current = null;
  }, [me.id]);
  useEffect(() => {
    if (!list) return;
    unsaved.current = { filter: key, rows: list.rows };
    saveTimer.current ??= setTimeout(save, SAVE_AFTER_MS);
    // Keyed on the list alone: a filter change alone (list not yet reloaded) is nothing new to save.
  }, [list]);
  useEffect(() => {
    // A phone may never unload a backgrounded app, only freeze or kill it: hidden is the last sure moment.
    const hidden = () => document.visibilityState === 'hidden' && save();
    document.addEventListener('visibilitychange', hidden);
    window.addEventListener('pagehide', save);
    return () => {
      document.removeEventListener('visibilitychange', hidden);
      window.removeEventListener('pagehide', save);
      save();
    };
  }, [save]);

  // The fallback: poll while the feed is down (never in the background), and at once when the network returns.
  useEffect(() => {
    if (connection === 'live') return;
    const poll = () => {
      if (document.visibilityState !== 'hidden' && !load.current) void reload();
    };
    const timer = setInterval(poll, FALLBACK_POLL_MS);
    window.addEventListener('online', poll);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', poll);
    };
  }, [connection, reload]);

  const showMore = useCallback(async () => {
    const cursor = list?.nextCursor;
    if (!cursor) return;
    const f = filterRef.current;
    setLoadingMore(true);
    try {
      const page = await listIncidents({ ...query(f), cursor });
      setList(
        (prev) => prev && appendPage(prev, { rows: page.incidents, nextCursor: page.nextCursor }),
      );
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoadingMore(false);
    }
  }, [list?.nextCursor]);

  return { list, error, connection, loadingMore, showMore };
}
