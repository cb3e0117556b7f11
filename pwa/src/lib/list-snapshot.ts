/**
 * The home list as this phone last showed it, per filter, so it opens offline as it was left.
 *
 * The page writes what is on screen. (A service-worker copy of the HTTP list was tried first: it held
 * whichever read finished last, and a read aborted on navigation or overtaken by a newer one left a copy
 * older than the screen.) Kept per user, for the few filters used last; cleared on sign-out.
 */
import { readStored, writeStored } from './stored';
import type { IncidentSummary } from './types';

const KEY = 'firebell.lists';
const KEEP_FILTERS = 4;
/** Page 1's size: what the list shows before "Show more". */
const KEEP_ROWS = 50;

interface Saved {
  userId: string;
  /** Most recently written first. */
  lists: { filter: string; rows: IncidentSummary[] }[];
}

/** Remember `rows` as what `userId` last saw for `filter`. */
export function saveList(userId: string, filter: string, rows: IncidentSummary[]): void {
  const saved = readStored<Saved>(KEY);
  const others = saved?.userId === userId ? saved.lists.filter((l) => l.filter !== filter) : [];
  const next: Saved = {
    userId,
    lists: [{ filter, rows: rows.slice(0, KEEP_ROWS) }, ...others].slice(0, KEEP_FILTERS),
  };
  writeStored(KEY, next);
}

/** What `userId` last saw for `filter`, or null if this phone never showed it. */
export function savedList(userId: string, filter: string): IncidentSummary[] | null {
  const saved = readStored<Saved>(KEY);
  if (saved?.userId !== userId) return null;
  return saved.lists.find((l) => l.filter === filter)?.rows ?? null;
}

/** Sign-out: the next person on this phone sees none of it. */
export function clearSavedLists(): void {
  writeStored(KEY, null);
}
