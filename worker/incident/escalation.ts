/**
 * Escalation maths, pure: where the policy stands and what comes next.
 * escalate.ts decides from these answers; the incident object stores the state and carries out the effects.
 */
import type { EscalationPolicy } from '../../schema/oncall';

export interface EscalationState {
  /** The policy as it was when the incident opened: edits mid-incident do not move the goalposts. */
  policy: EscalationPolicy;
  /** 0-based pass through the policy (the policy runs `repeat` times). */
  round: number;
  /** 0-based index of the level paged last; -1 before the first page. */
  level: number;
  /** Someone was actually paged at some level since the policy (re)started. */
  reachedSomeone: boolean;
  /** Escalation is over: acknowledged, resolved, or the policy ran out. */
  stopped: boolean;
  /** The service's name for the pages' text, read with the policy so no page waits on D1 for it (absent in older states). */
  serviceName?: string;
}

export type Step = { kind: 'page'; level: number; round: number } | { kind: 'exhausted' };

export function startState(policy: EscalationPolicy, serviceName?: string): EscalationState {
  return {
    policy,
    round: 0,
    level: -1,
    reachedSomeone: false,
    stopped: false,
    ...(serviceName === undefined ? {} : { serviceName }),
  };
}

/** The level after the current one, wrapping into the next round while repeats remain. */
export function nextStep(state: EscalationState): Step {
  const levels = state.policy.levels.length;
  if (levels === 0) return { kind: 'exhausted' };
  if (state.level + 1 < levels) return { kind: 'page', level: state.level + 1, round: state.round };
  if (state.round + 1 < Math.max(1, state.policy.repeat))
    return { kind: 'page', level: 0, round: state.round + 1 };
  return { kind: 'exhausted' };
}

/** Milliseconds to wait at `level` before escalating further. */
export function levelDelayMs(state: EscalationState, level: number): number {
  return Math.max(0, (state.policy.levels[level]?.delayMinutes ?? 0) * 60_000);
}

/** "level 2" for people; round shown only when the policy repeats. */
export function levelLabel(step: { level: number; round: number }, repeat: number): string {
  return repeat > 1
    ? `level ${step.level + 1} (round ${step.round + 1} of ${repeat})`
    : `level ${step.level + 1}`;
}
