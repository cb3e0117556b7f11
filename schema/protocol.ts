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

export type ServerMessage =
  /** First message on connect: the incident and the timeline after `since` (all of it when since = 0). */
  | { type: 'snapshot'; incident: Incident; timeline: TimelineEntry[]; since: number; viewers: Viewer[] }
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
