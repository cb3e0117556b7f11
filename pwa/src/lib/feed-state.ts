/**
 * The pure half of the live incident list: which rows a filter shows, and how a row from the feed or
 * a page from HTTP folds into what is on screen. Rows are kept newest first (the server's order), one per
 * id, and an older copy of a row never replaces a newer one, whichever way it arrived.
 */
import { involves } from '../../../schema/incident';
import type { IncidentSummary, Severity } from './types';

export type View = 'mine' | 'open' | 'resolved';

export interface ListFilter {
  view: View;
  /** A service id, or null for every service. */
  service: string | null;
  severity: Severity | null;
}

export interface ListState {
  /** Newest first, one per id. */
  rows: IncidentSummary[];
  /** Where "Show more" continues; null when the list is complete. */
  nextCursor: string | null;
  /** The newest `updatedAt` seen per id, including rows that left the list: a stale copy must not bring one back. */
  seen: Record<string, number>;
}

export const emptyList: ListState = { rows: [], nextCursor: null, seen: {} };

const OPEN = new Set(['triggered', 'acknowledged']);

/** Whether a row belongs in the list the filter describes. */
export function matches(row: IncidentSummary, filter: ListFilter, meId: string): boolean {
  if (filter.service && row.serviceId !== filter.service) return false;
  if (filter.severity && row.severity !== filter.severity) return false;
  if (filter.view === 'resolved') return row.status === 'resolved';
  if (!OPEN.has(row.status)) return false;
  return filter.view === 'open' || involves(row, meId);
}

/** Triggered and waiting on me (paged, assigned, or holding a role): the rows that go first. */
export const needsMe = (row: IncidentSummary, meId: string) =>
  row.status === 'triggered' && involves(row, meId);

/** Split the rows into "Needs me" and the rest (the resolved view has no "Needs me"). */
export function splitLists(
  state: ListState,
  filter: ListFilter,
  meId: string,
): { needsMe: IncidentSummary[]; rest: IncidentSummary[] } {
  if (filter.view === 'resolved') return { needsMe: [], rest: state.rows };
  const first: IncidentSummary[] = [];
  const rest: IncidentSummary[] = [];
  for (const row of state.rows) (needsMe(row, meId) ? first : rest).push(row);
  return { needsMe: first, rest };
}

/** The server's order: newest created first, ties by id descending. */
function newerFirst(a: IncidentSummary, b: IncidentSummary): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * Fold one row from the feed in: replace the old copy, add it if it now matches, drop it if it no longer does.
 * Returns the same object when nothing changed.
 */
export function mergeRow(
  state: ListState,
  row: IncidentSummary,
  filter: ListFilter,
  meId: string,
): ListState {
  const seenAt = state.seen[row.id];
  if (seenAt !== undefined && seenAt > row.updatedAt) return state;
  const seen = seenAt === row.updatedAt ? state.seen : { ...state.seen, [row.id]: row.updatedAt };
  const at = state.rows.findIndex((r) => r.id === row.id);
  const keep = matches(row, filter, meId);
  if (at === -1) {
    // A row older than everything loaded belongs to a page not fetched yet: "Show more" will bring it.
    const oldest = state.rows.at(-1);
    if (!keep || (state.nextCursor && oldest && newerFirst(row, oldest) > 0))
      return seen === state.seen ? state : { ...state, seen };
    return { ...state, rows: [...state.rows, row].sort(newerFirst), seen };
  }
  const rows = state.rows.slice();
  if (keep) rows[at] = row;
  else rows.splice(at, 1);
  return { ...state, rows, seen };
}

/**
 * A fresh first page from HTTP (a load, a reconnect, a fallback poll) replaces what page 1 covered.
 * Copies we already hold that are newer win; rows paged in with "Show more" (older than page 1) stay.
 */
export function mergeLoaded(
  prev: ListState | null,
  loaded: { rows: IncidentSummary[]; nextCursor: string | null },
): ListState {
  const seen: Record<string, number> = { ...prev?.seen };
  const held = new Map((prev?.rows ?? []).map((r) => [r.id, r]));
  const rows: IncidentSummary[] = [];
  for (const row of loaded.rows) {
    const mine = held.get(row.id);
    const seenAt = seen[row.id];
    if (mine && mine.updatedAt > row.updatedAt) rows.push(mine);
    else if (seenAt !== undefined && seenAt > row.updatedAt)
      continue; // a newer copy already left the list
    else rows.push(row);
    seen[row.id] = Math.max(seenAt ?? 0, row.updatedAt);
  }
  rows.sort(newerFirst);
  let nextCursor = loaded.nextCursor;
  const oldest = rows.at(-1);
  if (prev && loaded.nextCursor && oldest) {
    const ids = new Set(rows.map((r) => r.id));
    const older = prev.rows.filter((r) => !ids.has(r.id) && newerFirst(r, oldest) > 0);
    if (older.length) {
      rows.push(...older);
      nextCursor = prev.nextCursor;
    }
  }
  return { rows, nextCursor, seen };
}

/** The next page from "Show more", appended after what is already there. */
export function appendPage(
  state: ListState,
  page: { rows: IncidentSummary[]; nextCursor: string | null },
): ListState {
  const ids = new Set(state.rows.map((r) => r.id));
  const seen = { ...state.seen };
  const fresh = page.rows.filter((r) => {
    if (ids.has(r.id) || (seen[r.id] ?? 0) > r.updatedAt) return false;
    seen[r.id] = r.updatedAt;
    return true;
  });
  return { rows: [...state.rows, ...fresh].sort(newerFirst), nextCursor: page.nextCursor, seen };
}
