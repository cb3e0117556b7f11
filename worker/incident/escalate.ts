/**
 * Escalation decisions, pure: (state, event, now, facts) → (state, timeline entries, effects).
 * No D1, no storage, no clock: the runner (paging.ts) loads the facts (the incident, who each level
 * reaches now), commits the state and entries in one transaction, then carries out the effects.
 */
import type { Actor, Incident } from '../../schema/incident';
import type { EscalationPolicy } from '../../schema/oncall';
import type { EmptyTarget, ResolvedTargets } from '../oncall/targets';
import { levelDelayMs, levelLabel, nextStep, startState, type EscalationState } from './escalation';
import type { EntryDraft } from './reducer';

export const FIREBELL: Actor = { kind: 'system', id: 'firebell', name: 'Firebell' };

/** The incident object's escalation timers. */
export type Timer = 'start' | 'escalate' | 'renotify';

export type EscalationEvent =
  /** Opened, or reopened: start again from level 1. */
  | { type: 'opened' }
  /** The start timer fired and the service's policy was looked up (null: the service has none). */
  | { type: 'policy-due'; found: (EscalationPolicy & { serviceName?: string }) | null }
  /** The current level's delay ran out with nobody acknowledging; `dueAt` is when the scheduler had it due. */
  | { type: 'timer'; dueAt?: number }
  | { type: 'renotify' }
  | { type: 'acknowledged' }
  | { type: 'resolved' }
  /** "Escalate now" from a person. */
  | { type: 'escalate'; actor: Actor };

/** What the decision knows of the world at `now`. */
export interface Facts {
  incident: Pick<Incident, 'serviceId' | 'status' | 'nobodyPaged'>;
  /** Who each level of the policy in play reaches now (index = level); absent when no policy is in play. */
  levels?: readonly ResolvedTargets[];
}

export interface Person {
  id: string;
  name: string;
}

export type Effect =
  | { kind: 'schedule'; timer: Timer; at: number }
  | { kind: 'cancel'; timers: Timer[] }
  /** Page these people; `entries` and `patch` are written with the notifiers' outcomes, after the sending. */
  | { kind: 'page'; users: Person[]; entries: EntryDraft[]; patch: Partial<Incident> }
  /** Nobody could be paged: page the admins instead (whoever they are when it runs), and flag the incident. */
  | { kind: 'page-admins'; why: string; patch: Partial<Incident> };

export interface WrittenEntry {
  actor: Actor;
  draft: EntryDraft;
}

export interface Decision {
  state: EscalationState | null;
  /** Timeline entries to commit with the state, in order. */
  entries: WrittenEntry[];
  /** Incident fields to commit with them. */
  patch: Partial<Incident>;
  effects: Effect[];
  /** A refused command (escalating without a policy): nothing else changes. */
  refused?: string;
}

const NOBODY: ResolvedTargets = { userIds: [], names: {}, empty: [] };

export function decide(
  state: EscalationState | null,
  event: EscalationEvent,
  now: number,
  facts: Facts,
): Decision {
  const d: Decision = { state, entries: [], patch: {}, effects: [] };
  const { incident } = facts;
  switch (event.type) {
    case 'opened':
      if (incident.serviceId) {
        // Even finding the policy waits for the timer: the webhook that opened it is answered without waiting on paging.
        d.state = null;
        d.effects.push({ kind: 'schedule', timer: 'start', at: now });
      } else if (!incident.nobodyPaged) {
        // No service, no policy: flag it; the admins are not woken, the person who opened it is already there.
        write(d, FIREBELL, {
          kind: 'nobody_paged',
          text: 'Nobody paged: opened by hand without a service, so no escalation policy applies',
        });
        d.patch = { nobodyPaged: true };
      }
      return d;
    case 'policy-due': {
      if (!incident.serviceId || incident.status !== 'triggered') return d;
      if (!event.found) return pageAdmins(d, 'its service has no escalation policy');
      const { serviceName, ...policy } = event.found;
      d.state = startState(policy, serviceName);
      return advance(d, now, facts);
    }
    case 'timer':
      return advance(d, now, facts, event.dueAt);
    case 'acknowledged':
    case 'resolved':
      return stop(d);
    case 'escalate':
      if (!state)
        return { ...d, refused: 'This incident has no escalation policy to escalate through.' };
      write(d, event.actor, {
        kind: 'escalated',
        text: `${event.actor.name} escalated the incident by hand`,
      });
      d.state = { ...state, stopped: false };
      return advance(d, now, facts);
    case 'renotify':
      return renotify(d, now, facts);
  }
}

/** Acknowledged or resolved: stop every timer at once. */
function stop(d: Decision): Decision {
  if (d.state && !d.state.stopped) d.state = { ...d.state, stopped: true };
  d.effects.push({ kind: 'cancel', timers: ['escalate', 'renotify'] });
  return d;
}

/** Page the next level that reaches someone; empty levels are skipped at once and said so. */
function advance(d: Decision, now: number, facts: Facts, dueAt?: number): Decision {
  let state = d.state;
  if (!state || state.stopped) return d;
  if (facts.incident.status === 'resolved') return stop(d);
  for (;;) {
    const step = nextStep(state);
    if (step.kind === 'exhausted') {
      d.state = { ...state, stopped: true };
      d.effects.push({ kind: 'cancel', timers: ['renotify'] });
      if (!state.reachedSomeone)
        return pageAdmins(d, `nobody on escalation policy “${state.policy.name}” could be reached`);
      write(d, FIREBELL, {
        kind: 'escalated',
        text: `Escalation policy “${state.policy.name}” ran out with nobody acknowledging`,
      });
      return d;
    }
    state = { ...state, level: step.level, round: step.round };
    const resolved = facts.levels?.[step.level] ?? NOBODY;
    const label = levelLabel(step, state.policy.repeat);
    if (!resolved.userIds.length) {
      const why = resolved.empty.map(emptyReason).join('; ') || 'it has no targets';
      write(d, FIREBELL, {
        kind: 'escalation_skipped',
        text: `Skipped ${label}: ${why}`,
        data: { level: step.level + 1, round: step.round + 1 },
      });
      continue;
    }
    state = { ...state, reachedSomeone: true };
    d.state = state;
    const users = people(resolved);
    d.effects.push({
      kind: 'page',
      users,
      entries: [
        {
          kind: 'escalated',
          text: `Escalated to ${label}: ${users.map((u) => u.name).join(', ')}`,
          // dueAt: when this step was due, so lateness can be read off the timeline (bench section 4).
          data: {
            level: step.level + 1,
            round: step.round + 1,
            userIds: resolved.userIds,
            ...(dueAt === undefined ? {} : { dueAt }),
          },
        },
      ],
      patch: { escalationLevel: step.level + 1 },
    });
    d.effects.push({
      kind: 'schedule',
      timer: 'escalate',
      at: now + levelDelayMs(state, step.level),
    });
    if (state.policy.renotifyMinutes)
      d.effects.push({
        kind: 'schedule',
        timer: 'renotify',
        at: now + state.policy.renotifyMinutes * 60_000,
      });
    return d;
  }
}

/** Still unacknowledged: page the current level's targets again, and again after the same wait. */
function renotify(d: Decision, now: number, facts: Facts): Decision {
  const state = d.state;
  if (!state || state.stopped || facts.incident.status !== 'triggered') return d;
  if (!state.policy.renotifyMinutes) return d;
  const users = people(facts.levels?.[state.level] ?? NOBODY);
  if (users.length)
    d.effects.push({
      kind: 'page',
      users,
      entries: [
        {
          kind: 'escalated',
          text: `Still unacknowledged: paging ${users.map((u) => u.name).join(', ')} again`,
        },
      ],
      patch: {},
    });
  d.effects.push({
    kind: 'schedule',
    timer: 'renotify',
    at: now + state.policy.renotifyMinutes * 60_000,
  });
  return d;
}

/** Never silence: flag the incident and page the admins instead. */
function pageAdmins(d: Decision, why: string): Decision {
  d.effects.push({ kind: 'page-admins', why, patch: { nobodyPaged: true } });
  return d;
}

/** The entry a page to the admins leads with, once the runner knows who they are. */
export function nobodyPagedEntry(why: string, admins: readonly Person[]): EntryDraft {
  return {
    kind: 'nobody_paged',
    text: `Nobody paged: ${why}. Paging admins instead: ${admins.map((a) => a.name).join(', ') || 'none exist'}`,
  };
}

function write(d: Decision, actor: Actor, draft: EntryDraft): void {
  d.entries.push({ actor, draft });
}

function people(resolved: ResolvedTargets): Person[] {
  return resolved.userIds.map((id) => ({ id, name: resolved.names[id] ?? id }));
}

/** Why a target reached nobody, as the timeline says it. */
function emptyReason(e: EmptyTarget): string {
  if (e.reason === 'inactive')
    return e.type === 'schedule'
      ? `everyone on shift on ${e.name} is disabled or removed`
      : `${e.name} is disabled or removed`;
  return e.type === 'schedule' ? `${e.name} has nobody on shift` : `user ${e.name} does not exist`;
}
