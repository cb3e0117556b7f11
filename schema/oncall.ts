/**
 * Escalation policies, paging targets and coverage on the wire: the types, derived from the zod shapes in
 * ./policy-schemas and ./schedule-schemas, and the constants they share. Nothing here loads zod.
 * Schedules as the rotation maths sees them are modelled in worker/oncall/types.ts.
 */
import type { Policy } from './policy-schemas';

export type { EmptyLevel, EscalationLevel, EscalationTarget } from './policy-schemas';
export type { Coverage, Interval } from './schedule-schemas';

/** How far ahead the on-call views look for gaps. */
export const COVERAGE_DAYS = 7;

/**
 * A policy as paging reads it. levels[].delayMinutes: minutes to wait for an acknowledgement before the
 * next level is paged; repeat: how many times the whole policy runs before it stops (1 = once through);
 * renotifyMinutes: page the current level's targets again every N minutes while unacknowledged (null = never).
 */
export type EscalationPolicy = Pick<
  Policy,
  'id' | 'name' | 'levels' | 'repeat' | 'renotifyMinutes'
>;
