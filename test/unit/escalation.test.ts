/**
 * Escalation scenarios against the pure decision, with a fixed clock: each step sends one event at a
 * minute of the scenario, and the test reads who was paged, what the timeline says and which timers run.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, Incident } from '../../schema/incident';
import type { EscalationLevel, EscalationPolicy } from '../../schema/oncall';
import {
  decide,
  nobodyPagedEntry,
  type Decision,
  type EscalationEvent,
  type Timer,
} from '../../worker/incident/escalate';
import type { EscalationState } from '../../worker/incident/escalation';
import type { EmptyTarget, ResolvedTargets } from '../../worker/oncall/targets';

const T0 = Date.UTC(2026, 2, 3, 14, 0);
const MIN = 60_000;
const ANA: Actor = { kind: 'user', id: 'ana', name: 'Ana' };

/** Who a level reaches: these people, or nobody for these reasons. */
const reaches = (...names: string[]): ResolvedTargets => ({
  userIds: names.map((n) => n.toLowerCase()),
  names: Object.fromEntries(names.map((n) => [n.toLowerCase(), n])),
  empty: [],
});
const nobody = (...empty: EmptyTarget[]): ResolvedTargets => ({ userIds: [], names: {}, empty });
const emptySchedule = (name: string): EmptyTarget => ({ type: 'schedule', id: name, name });

function policy(
  delays: number[],
  opts: { repeat?: number; renotifyMinutes?: number | null } = {},
): EscalationPolicy & { serviceName: string } {
  const levels: EscalationLevel[] = delays.map((delayMinutes, i) => ({
    delayMinutes,
    targets: [{ type: 'schedule', id: `level-${i + 1}` }],
  }));
  return {
    id: 'pol',
    name: 'Payments',
    levels,
    repeat: opts.repeat ?? 1,
    renotifyMinutes: opts.renotifyMinutes ?? null,
    serviceName: 'Checkout',
  } as EscalationPolicy & { serviceName: string };
}

/**
 * One incident's escalation over time. Timers are kept as the scheduler keeps them (start and level
 * delay share a row), and `next()` fires the earliest, as the incident's alarm would.
 */
function scenario(
  found: (EscalationPolicy & { serviceName: string }) | null,
  levels: ResolvedTargets[],
) {
  let state: EscalationState | null = null;
  let now = T0;
  const incident: Pick<Incident, 'serviceId' | 'status' | 'nobodyPaged'> = {
    serviceId: 'svc',
    status: 'triggered',
    nobodyPaged: false,
  };
  const timers = new Map<string, { timer: Timer; at: number }>();
  const row = (t: Timer) => (t === 'renotify' ? 'renotify' : 'escalate');

  function send(event: EscalationEvent): Decision {
    const d = decide(state, event, now, { incident, levels: found ? levels : undefined });
    if (d.refused) return d;
    state = d.state;
    Object.assign(incident, d.patch);
    for (const e of d.effects) {
      if (e.kind === 'schedule') timers.set(row(e.timer), { timer: e.timer, at: e.at });
      if (e.kind === 'cancel') for (const t of e.timers) timers.delete(row(t));
      if (e.kind === 'page-admins' || e.kind === 'page') Object.assign(incident, e.patch);
    }
    return d;
  }

  return {
    incident,
    get state() {
      return state;
    },
    /** Pending timers as "timer at +minutes", earliest first. */
    timers: () =>
      [...timers.values()]
        .sort((a, b) => a.at - b.at)
        .map((t) => `${t.timer} at +${(t.at - T0) / MIN}`),
    at(minutes: number) {
      now = T0 + minutes * MIN;
    },
    send,
    open: () => send({ type: 'opened' }),
    /** Fire the earliest timer at its due time. */
    next(): Decision {
      const [key, due] = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (!key || !due) throw new Error('no timer is pending');
      timers.delete(key);
      now = due.at;
      if (due.timer === 'start') return send({ type: 'policy-due', found });
      return send({ type: due.timer === 'renotify' ? 'renotify' : 'timer' });
    },
  };
}

/** Who a decision pages, level by level. */
const paged = (d: Decision) =>
  d.effects.flatMap((e) => (e.kind === 'page' ? [e.users.map((u) => u.name).join(', ')] : []));
/** Every timeline line a decision writes: its own entries, then those written with its pages. */
const lines = (d: Decision) => [
  ...d.entries.map((e) => e.draft.text),
  ...d.effects.flatMap((e) => (e.kind === 'page' ? e.entries.map((x) => x.text) : [])),
];

describe('escalating through the levels of a policy', () => {
  it('pages level 1 when the start timer fires, then each next level after its delay, then says it ran out', () => {
    const s = scenario(policy([5, 10]), [reaches('Ana'), reaches('Ben')]);
    const opened = s.open();
    expect(paged(opened)).toEqual([]);
    expect(s.timers()).toEqual(['start at +0']);

    const first = s.next();
    expect(paged(first)).toEqual(['Ana']);
    expect(lines(first)).toEqual(['Escalated to level 1: Ana']);
    expect(first.effects).toContainEqual(
      expect.objectContaining({ kind: 'page', patch: { escalationLevel: 1 } }),
    );
    expect(s.timers()).toEqual(['escalate at +5']);

    const second = s.next();
    expect(paged(second)).toEqual(['Ben']);
    expect(lines(second)).toEqual(['Escalated to level 2: Ben']);
    expect(s.timers()).toEqual(['escalate at +15']);

    const last = s.next();
    expect(paged(last)).toEqual([]);
    expect(lines(last)).toEqual(['Escalation policy “Payments” ran out with nobody acknowledging']);
    expect(s.state).toMatchObject({ level: 1, round: 0, stopped: true, reachedSomeone: true });
    expect(s.timers()).toEqual([]);
  });

  it('skips a level that reaches nobody at once, saying why, and pages the next one in the same step', () => {
    const s = scenario(policy([5, 5, 5]), [
      nobody(emptySchedule('Weekend')),
      nobody({ type: 'user', id: 'cy', name: 'Cy', reason: 'inactive' }),
      reaches('Ben', 'Dee'),
    ]);
    s.open();
    const d = s.next();
    expect(lines(d)).toEqual([
      'Skipped level 1: Weekend has nobody on shift',
      'Skipped level 2: Cy is disabled or removed',
      'Escalated to level 3: Ben, Dee',
    ]);
    expect(paged(d)).toEqual(['Ben, Dee']);
    expect(d.entries.map((e) => e.actor.id)).toEqual(['firebell', 'firebell']);
    expect(s.state).toMatchObject({ level: 2, reachedSomeone: true, stopped: false });
  });

  it('runs the policy as many times as it repeats, naming the round, before it runs out', () => {
    const s = scenario(policy([5], { repeat: 2 }), [reaches('Ana')]);
    s.open();
    expect(lines(s.next())).toEqual(['Escalated to level 1 (round 1 of 2): Ana']);
    expect(lines(s.next())).toEqual(['Escalated to level 1 (round 2 of 2): Ana']);
    expect(s.state).toMatchObject({ level: 0, round: 1 });
    expect(lines(s.next())).toEqual([
      'Escalation policy “Payments” ran out with nobody acknowledging',
    ]);
    expect(s.timers()).toEqual([]);
  });
});

describe('when nobody can be paged', () => {
  it('pages the admins and flags the incident when its service has no policy', () => {
    const s = scenario(null, []);
    s.open();
    const d = s.next();
    expect(d.effects).toEqual([
      {
        kind: 'page-admins',
        why: 'its service has no escalation policy',
        patch: { nobodyPaged: true },
      },
    ]);
    expect(s.state).toBeNull();
    expect(s.timers()).toEqual([]);
  });

  it('pages the admins after saying why each level was skipped when nobody on the policy is on call', () => {
    const s = scenario(policy([5, 5]), [nobody(emptySchedule('Days')), nobody()]);
    s.open();
    const d = s.next();
    expect(lines(d)).toEqual([
      'Skipped level 1: Days has nobody on shift',
      'Skipped level 2: it has no targets',
    ]);
    expect(d.effects).toContainEqual({
      kind: 'page-admins',
      why: 'nobody on escalation policy “Payments” could be reached',
      patch: { nobodyPaged: true },
    });
    expect(s.state).toMatchObject({ stopped: true, reachedSomeone: false });
    expect(s.timers()).toEqual([]);
  });

  it('names the admins paged instead, or says none exist', () => {
    const why = 'its service has no escalation policy';
    expect(nobodyPagedEntry(why, [{ id: 'zoe', name: 'Zoe' }]).text).toBe(
      'Nobody paged: its service has no escalation policy. Paging admins instead: Zoe',
    );
    expect(nobodyPagedEntry(why, []).text).toBe(
      'Nobody paged: its service has no escalation policy. Paging admins instead: none exist',
    );
  });

  it('flags an incident opened by hand without a service once, waking nobody and arming no timer', () => {
    const s = scenario(null, []);
    s.incident.serviceId = null;
    const d = s.open();
    expect(lines(d)).toEqual([
      'Nobody paged: opened by hand without a service, so no escalation policy applies',
    ]);
    expect(d.patch).toEqual({ nobodyPaged: true });
    expect(d.effects).toEqual([]);
    s.incident.nobodyPaged = true;
    expect(lines(s.open())).toEqual([]);
    expect(s.timers()).toEqual([]);
  });
});

describe('re-notifying', () => {
  it('pages the current level again every interval while nobody acknowledges', () => {
    const s = scenario(policy([30], { renotifyMinutes: 10 }), [reaches('Ana')]);
    s.open();
    s.next();
    expect(s.timers()).toEqual(['renotify at +10', 'escalate at +30']);
    const again = s.next();
    expect(paged(again)).toEqual(['Ana']);
    expect(lines(again)).toEqual(['Still unacknowledged: paging Ana again']);
    expect(again.effects).toContainEqual(expect.objectContaining({ kind: 'page', patch: {} }));
    expect(s.timers()).toEqual(['renotify at +20', 'escalate at +30']);
  });

  it('stops re-notifying once the incident is acknowledged, even if its timer still fires', () => {
    const s = scenario(policy([30], { renotifyMinutes: 10 }), [reaches('Ana')]);
    s.open();
    s.next();
    s.incident.status = 'acknowledged';
    s.send({ type: 'acknowledged' });
    s.at(10);
    const late = s.send({ type: 'renotify' });
    expect(late.effects).toEqual([]);
    expect(late.entries).toEqual([]);
  });
});

describe('stopping and starting again', () => {
  it('stops on acknowledge: the state is stopped, both timers cancelled, and a late timer pages nobody', () => {
    const s = scenario(policy([5, 5], { renotifyMinutes: 2 }), [reaches('Ana'), reaches('Ben')]);
    s.open();
    s.next();
    s.at(1);
    s.incident.status = 'acknowledged';
    const ack = s.send({ type: 'acknowledged' });
    expect(ack.effects).toEqual([{ kind: 'cancel', timers: ['escalate', 'renotify'] }]);
    expect(ack.entries).toEqual([]);
    expect(s.state).toMatchObject({ stopped: true, level: 0 });
    expect(s.timers()).toEqual([]);
    s.at(5);
    expect(paged(s.send({ type: 'timer' }))).toEqual([]);
  });

  it('says on the "Escalated" entry when the step was due, so lateness can be read off the timeline', () => {
    const s = scenario(policy([5, 5]), [reaches('Ana'), reaches('Ben')]);
    s.open();
    s.next();
    s.at(5.05); // the alarm ran 3 s after the step was due; the entry is stamped then
    const late = s.send({ type: 'timer', dueAt: T0 + 5 * MIN });
    expect(paged(late)).toEqual(['Ben']);
    const entry = late.effects.flatMap((e) => (e.kind === 'page' ? e.entries : []))[0];
    expect(entry?.text).toBe('Escalated to level 2: Ben');
    expect(entry?.data).toMatchObject({ level: 2, dueAt: T0 + 5 * MIN });
  });

  it('stops on resolve, and a level timer that fires on a resolved incident only stops again', () => {
    const s = scenario(policy([5, 5]), [reaches('Ana'), reaches('Ben')]);
    s.open();
    s.next();
    s.incident.status = 'resolved';
    expect(s.send({ type: 'resolved' }).effects).toEqual([
      { kind: 'cancel', timers: ['escalate', 'renotify'] },
    ]);
    s.at(5);
    const late = s.send({ type: 'timer' });
    expect(paged(late)).toEqual([]);
    expect(s.state).toMatchObject({ stopped: true });
  });

  it('starts again from level 1 when a resolved incident reopens', () => {
    const s = scenario(policy([5, 5]), [reaches('Ana'), reaches('Ben')]);
    s.open();
    s.next();
    s.next();
    s.incident.status = 'resolved';
    s.send({ type: 'resolved' });
    s.at(20);
    s.incident.status = 'triggered';
    const reopened = s.open();
    expect(reopened.state).toBeNull();
    expect(s.timers()).toEqual(['start at +20']);
    const d = s.next();
    expect(lines(d)).toEqual(['Escalated to level 1: Ana']);
    expect(s.state).toMatchObject({ level: 0, round: 0, stopped: false });
    expect(s.timers()).toEqual(['escalate at +25']);
  });
});

describe('escalating by hand', () => {
  it('pages the next level at once, saying who escalated, and restarts the delay from now', () => {
    const s = scenario(policy([30, 30]), [reaches('Ana'), reaches('Ben')]);
    s.open();
    s.next();
    s.at(3);
    const d = s.send({ type: 'escalate', actor: ANA });
    expect(lines(d)).toEqual(['Ana escalated the incident by hand', 'Escalated to level 2: Ben']);
    expect(d.entries[0]?.actor).toEqual(ANA);
    expect(paged(d)).toEqual(['Ben']);
    expect(s.timers()).toEqual(['escalate at +33']);
  });

  it('takes up an escalation that acknowledging stopped', () => {
    const s = scenario(policy([30, 30]), [reaches('Ana'), reaches('Ben')]);
    s.open();
    s.next();
    s.incident.status = 'acknowledged';
    s.send({ type: 'acknowledged' });
    const d = s.send({ type: 'escalate', actor: ANA });
    expect(paged(d)).toEqual(['Ben']);
    expect(s.state).toMatchObject({ stopped: false, level: 1 });
  });

  it('is refused, changing nothing, when the incident has no policy to escalate through', () => {
    const s = scenario(null, []);
    s.open();
    const d = s.send({ type: 'escalate', actor: ANA });
    expect(d.refused).toBe('This incident has no escalation policy to escalate through.');
    expect(d.entries).toEqual([]);
    expect(d.effects).toEqual([]);
  });
});
