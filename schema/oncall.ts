/**
 * Escalation policies and paging targets on the wire (types only, shared with the PWA).
 * Schedules are modelled in worker/oncall/types.ts.
 */

export interface EscalationTarget {
  type: 'user' | 'schedule';
  id: string;
}

export interface EscalationLevel {
  /** Minutes to wait for an acknowledgement before the next level is paged. */
  delayMinutes: number;
  targets: EscalationTarget[];
}

export interface EscalationPolicy {
  id: string;
  name: string;
  levels: EscalationLevel[];
  /** How many times the whole policy runs before it stops (1 = once through). */
  repeat: number;
  /** Page the current level's targets again every N minutes while unacknowledged; null = never. */
  renotifyMinutes: number | null;
}

/** A half-open interval [start, end) of epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/**
 * When nobody is on call within [from, to): the gaps, sorted. A gap that ends at `to` may run on
 * past the window; one that starts at `from` was already under way.
 */
export interface Coverage {
  from: number;
  to: number;
  gaps: Interval[];
}

/** A policy level that reaches nobody right now (1-based), and when someone next comes on call (null: not within the window). */
export interface EmptyLevel {
  level: number;
  until: number | null;
}
