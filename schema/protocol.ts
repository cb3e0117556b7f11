/**
 * The live-room wire protocol: one discriminated union each way.
 * Server sends are checked with `satisfies ServerMessage`.
 */
import type { Incident, IncidentCommand, IncidentSummary, TimelineEntry } from './incident';

export interface Viewer {
  id: string;
  name: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

/**
 * Timeline pages: no message or HTTP answer carries more than 500 entries or 256 KB of them (whichever comes
 * first), oldest first within the page; entry seqs are dense (1, 2, 3 …), so a gap is visible to the client.
 */
export type ServerMessage =
  /**
   * First message on connect (`/live?since=N`).
   * since = 0: the newest page of the timeline; `earlier` is the cursor for the page before it (GET
   * /api/incidents/:id?before=<earlier>), null when it starts at the first entry; `more` is false.
   * since > 0 (resuming): the entries after N (and the running-count entry at N, which may have changed), first
   * page only; when `more` is true, `backlog` messages with the rest follow at once, before any `event`.
   * (`earlier` and `more` are absent from servers older than paged timelines, which sent everything at once.)
   */
  | {
      type: 'snapshot';
      incident: Incident;
      timeline: TimelineEntry[];
      since: number;
      earlier?: number | null;
      more?: boolean;
      viewers: Viewer[];
    }
  /** The next page of a resume's entries after `since`, in order; the last one has `more: false`. */
  | { type: 'backlog'; timeline: TimelineEntry[]; more: boolean }
  /** One new timeline entry, with the incident as it is after it. */
  | { type: 'event'; entry: TimelineEntry; incident: Incident }
  /** A running-count entry (suppressed duplicates) changed in place; replace the entry with this seq. */
  | { type: 'entry_updated'; entry: TimelineEntry; incident: Incident }
  | { type: 'presence'; viewers: Viewer[] }
  /** Answer to a client command, matched by its `id`. */
  | { type: 'result'; id: string; ok: true; incident: Incident }
  | { type: 'result'; id: string; ok: false; problem: ProblemBody }
  | { type: 'pong' };

export type ClientMessage =
  | { type: 'command'; id: string; idempotencyKey?: string; command: IncidentCommand }
  | { type: 'ping' };

/** The incident list's live feed (/api/feed/live): every change to any incident, as its list row. */
export type FeedMessage = { type: 'incident'; incident: IncidentSummary } | { type: 'pong' };
