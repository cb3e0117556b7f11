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
