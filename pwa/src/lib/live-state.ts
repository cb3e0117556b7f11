/**
 * The pure half of the live incident view: fold server messages into state.
 * Timeline entries are keyed by `seq` (never two with one seq) and kept in ascending order,
 * so a resumed socket, an HTTP load and a late event can arrive in any order and still agree.
 */
import type { Incident, ServerMessage, TimelineEntry, Viewer } from './types';

export interface LiveState {
  incident: Incident | null;
  /** Ascending by seq, no duplicates. */
  timeline: TimelineEntry[];
  /** Highest seq seen. */
  lastSeq: number;
  viewers: Viewer[];
}

/** Everything the reducer accepts: socket messages plus the two things the page learns over HTTP. */
export type LiveAction =
  | ServerMessage
  | { type: 'loaded'; incident: Incident; timeline: TimelineEntry[] }
  | { type: 'incident'; incident: Incident };

export const emptyLiveState: LiveState = { incident: null, timeline: [], lastSeq: 0, viewers: [] };

/** Apply one message; returns the same object when nothing changed. */
export function applyLive(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    // Snapshots and HTTP loads are fresh reads: their copy of an entry replaces ours.
    case 'snapshot':
      return {
        ...mergeEntries(withIncident(state, action.incident), action.timeline, 'replace'),
        viewers: action.viewers,
      };
    case 'loaded':
      return mergeEntries(withIncident(state, action.incident), action.timeline, 'replace');
    // The rest of a resume, page by page: fresh reads like the snapshot.
    case 'backlog':
      return mergeEntries(state, action.timeline, 'replace');
    // A broadcast event is append-only: a seq we already hold is a duplicate and is dropped.
    case 'event':
      return mergeEntries(withIncident(state, action.incident), [action.entry], 'keep');
    // A running entry (suppressed-duplicate count) rewritten in place.
    case 'entry_updated':
      return mergeEntries(withIncident(state, action.incident), [action.entry], 'replace');
    case 'incident':
      return withIncident(state, action.incident);
    case 'result':
      return action.ok ? withIncident(state, action.incident) : state;
    case 'presence':
      return { ...state, viewers: action.viewers };
    case 'pong':
      return state;
  }
  // A message type from a newer server: ignore it rather than break the view.
  return state;
}

/**
 * Where the unbroken run of newest entries starts. Seqs are dense, so a jump is entries this copy never got
 * (an HTTP load of the newest page after a storm, say); what lies below the jump waits until "Show earlier"
 * fills it, rather than being shown as if nothing happened in between.
 */
export function newestRunStart(timeline: readonly TimelineEntry[]): number {
  let i = timeline.length - 1;
  while (i > 0 && timeline[i - 1]!.seq === timeline[i]!.seq - 1) i--;
  return Math.max(0, i);
}

/**
 * The `since` to reconnect with. One entry of overlap: the newest entry is the only one the server
 * rewrites in place (entry_updated), and a rewrite made while we were away must come back in the snapshot.
 * The overlapping entry is deduplicated by seq.
 */
export function resumeSince(state: LiveState): number {
  return Math.max(0, state.lastSeq - 1);
}

/** Keep whichever incident is newer, so a late message never rolls the header back. */
function withIncident(state: LiveState, next: Incident): LiveState {
  const cur = state.incident;
  if (
    cur &&
    cur.id === next.id &&
    (cur.lastSeq > next.lastSeq || (cur.lastSeq === next.lastSeq && cur.updatedAt > next.updatedAt))
  ) {
    return state;
  }
  return { ...state, incident: next };
}

function mergeEntries(
  state: LiveState,
  entries: TimelineEntry[],
  onSameSeq: 'keep' | 'replace',
): LiveState {
  let timeline = state.timeline;
  let lastSeq = state.lastSeq;
  for (const entry of entries) {
    // Almost always an append, so search from the end.
    let i = timeline.length;
    while (i > 0 && timeline[i - 1]!.seq > entry.seq) i--;
    const same = i > 0 && timeline[i - 1]!.seq === entry.seq;
    if (same && (onSameSeq === 'keep' || sameEntry(timeline[i - 1]!, entry))) continue;
    if (timeline === state.timeline) timeline = timeline.slice();
    if (same) timeline[i - 1] = entry;
    else timeline.splice(i, 0, entry);
    lastSeq = Math.max(lastSeq, entry.seq);
  }
  return timeline === state.timeline ? state : { ...state, timeline, lastSeq };
}

function sameEntry(a: TimelineEntry, b: TimelineEntry): boolean {
  return a.text === b.text && a.at === b.at && JSON.stringify(a.data) === JSON.stringify(b.data);
}

/** Reconnect delay: exponential from `base`, capped, with "equal jitter" (half fixed, half random). */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  base = 500,
  cap = 30_000,
): number {
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
