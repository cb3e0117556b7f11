/**
 * Incident decisions against the pure functions, with a fixed clock: opening, monitor events and
 * responder commands each return a change, which a small in-memory ledger commits as the object's
 * ledger does (entries numbered after the last, the running count rewritten in place).
 */
import { describe, expect, it } from 'vitest';
import { LIMITS, type AlertEvent } from '../../schema/alert';
import type { Actor, Incident, IncidentAlert, TimelineEntry } from '../../schema/incident';
import {
  ANNOUNCE,
  decideCommand,
  decideIngest,
  deliveredEntry,
  type Change,
} from '../../worker/incident/decide';
import { NO_OVERFLOW } from '../../worker/incident/ingest';
import { openIncident } from '../../worker/incident/open';

const T0 = Date.UTC(2026, 2, 3, 14, 0);
const MIN = 60_000;
const MONITOR: Actor = { kind: 'integration', id: 'am', name: 'Alertmanager' };
const ANA: Actor = { kind: 'user', id: 'ana', name: 'Ana' };
const ROLES = ['incident_commander', 'incident_manager'];
const CTX = { roles: ROLES, names: {} };

function trigger(alertKey: string, severity: AlertEvent['severity'] = 'warning'): AlertEvent {
  return {
    action: 'trigger',
    dedupKey: 'group',
    alertKey,
    summary: `${alertKey} is down`,
    truncated: false,
    severity,
    links: [],
  };
}
const resolve = (alertKey: string): AlertEvent => ({ ...trigger(alertKey), action: 'resolve' });
const acknowledge = (alertKey: string): AlertEvent => ({
  ...trigger(alertKey),
  action: 'acknowledge',
});

/** One incident as its object keeps it: committed by the same rules as ledger.ts, in memory. */
function incidentFrom(events: AlertEvent[]) {
  const timeline: TimelineEntry[] = [];
  const alerts = new Map<string, IncidentAlert>();
  let incident = null as unknown as Incident;
  let now = T0;

  function commit(change: Change, actor: Actor): TimelineEntry[] {
    const seq = change.incident.lastSeq;
    const added = change.entries.map((draft, i): TimelineEntry => ({
      seq: seq + i + 1,
      at: change.at,
      actor,
      kind: draft.kind,
      text: draft.text,
      ...(draft.data ? { data: draft.data } : {}),
    }));
    for (const alert of change.alerts) alerts.set(alert.key, alert);
    timeline.push(...added);
    if (change.rewrite) timeline[change.rewrite.seq - 1] = change.rewrite;
    incident = { ...change.incident, lastSeq: seq + added.length };
    return added;
  }

  const opening = openIncident(
    { id: 'inc-1', title: 'From the monitor', severity: 'critical', actor: MONITOR, events },
    7,
    ROLES,
    now,
  );
  commit(opening, MONITOR);

  return {
    opening,
    timeline,
    get incident() {
      return incident;
    },
    at(minutes: number) {
      now = T0 + minutes * MIN;
    },
    ingest(batch: AlertEvent[]): Change {
      const change = decideIngest(incident, batch, MONITOR, now, {
        known: alerts,
        overflow: NO_OVERFLOW,
        last: timeline[incident.lastSeq - 1] ?? null,
      });
      commit(change, MONITOR);
      return change;
    },
    command(command: Parameters<typeof decideCommand>[1], actor = ANA) {
      const decision = decideCommand(incident, command, actor, now, CTX);
      if (decision.ok && decision.change) commit(decision.change, actor);
      return decision;
    },
  };
}

const texts = (entries: readonly { text: string }[]) => entries.map((e) => e.text);
const kinds = (change: Change) => change.effects.map((e) => ('change' in e ? e.change : e.kind));

describe('opening an incident', () => {
  it('groups a batch with repeats into one created entry, the other alerts, and one duplicates count', () => {
    const opening = openIncident(
      {
        id: 'inc-1',
        title: 'ignored while alerts name it',
        severity: 'info',
        actor: MONITOR,
        events: [trigger('db'), trigger('api', 'critical'), trigger('db'), trigger('db')],
      },
      12,
      ROLES,
      T0,
    );
    expect(texts(opening.entries)).toEqual([
      'Incident #12 opened by Alertmanager: api is down',
      'Alert: api is down',
      '2 duplicate alerts suppressed',
    ]);
    expect(opening.entries.at(-1)?.data).toEqual({ count: 2, lastAt: T0 });
    expect(opening.alerts.map((a) => [a.key, a.count])).toEqual([
      ['db', 1],
      ['api', 1],
    ]);
    expect(opening.incident).toMatchObject({
      number: 12,
      status: 'triggered',
      severity: 'critical',
      alertCount: 2,
      firingCount: 2,
      notificationCount: 4,
      titleEdited: false,
      roles: { incident_commander: null, incident_manager: null },
      lastSeq: 0,
      createdAt: T0,
    });
  });

  it('starts escalation before telling the room, the lists and the index', () => {
    const opening = openIncident(
      { id: 'inc-1', title: 'Checkout is slow', severity: 'error', actor: ANA },
      1,
      ROLES,
      T0,
    );
    expect(opening.effects).toEqual([{ kind: 'escalation', change: 'started' }, ...ANNOUNCE]);
  });

  it('keeps the title and severity a person gave when it is opened by hand', () => {
    const opening = openIncident(
      { id: 'inc-1', title: 'Checkout is slow', severity: 'error', actor: ANA },
      1,
      ROLES,
      T0,
    );
    expect(texts(opening.entries)).toEqual(['Incident #1 opened by Ana: Checkout is slow']);
    expect(opening.incident).toMatchObject({
      title: 'Checkout is slow',
      severity: 'error',
      titleEdited: true,
      alertCount: 0,
    });
    expect(opening.alerts).toEqual([]);
  });

  it('lists the first alerts up to the cap and counts the ones past it, saying so once', () => {
    const cap = LIMITS.alertsPerIncident;
    const events = Array.from({ length: cap + 2 }, (_, i) => trigger(`alert-${i}`));
    const opening = openIncident(
      { id: 'inc-1', title: 'storm', severity: 'info', actor: MONITOR, events },
      3,
      ROLES,
      T0,
    );
    expect(opening.alerts).toHaveLength(cap);
    expect([...opening.overflow]).toEqual([
      [`alert-${cap}`, 'firing'],
      [`alert-${cap + 1}`, 'firing'],
    ]);
    expect(opening.entries.filter((e) => e.kind === 'alerts_truncated')).toHaveLength(1);
    expect(opening.entries.at(-1)?.kind).toBe('alerts_truncated');
    expect(opening.incident).toMatchObject({
      alertCount: cap + 2,
      firingCount: cap + 2,
      truncatedAlerts: 2,
    });
  });
});

describe('counting duplicate alerts', () => {
  it('counts repeats on in the running entry while it is the last entry', () => {
    const s = incidentFrom([trigger('db')]);
    s.at(1);
    const first = s.ingest([trigger('db')]);
    expect(texts(first.entries)).toEqual(['1 duplicate alert suppressed']);
    expect(first.rewrite).toBeNull();
    const seq = s.incident.lastSeq;

    s.at(2);
    const second = s.ingest([trigger('db'), trigger('db')]);
    expect(second.entries).toEqual([]);
    expect(second.rewrite).toMatchObject({
      seq,
      at: T0 + MIN,
      text: '3 duplicate alerts suppressed',
      data: { count: 3, lastAt: T0 + 2 * MIN },
    });
    expect(s.incident.lastSeq).toBe(seq);
    expect(s.incident.notificationCount).toBe(4);
    expect(second.effects).toEqual([...ANNOUNCE]);
  });

  it('starts a new running entry once anything else was written after it', () => {
    const s = incidentFrom([trigger('db')]);
    s.ingest([trigger('db')]);
    s.command({ type: 'add_note', text: 'Looking at the replica lag' });
    s.at(3);
    const after = s.ingest([trigger('db')]);
    expect(after.rewrite).toBeNull();
    expect(texts(after.entries)).toEqual(['1 duplicate alert suppressed']);
    expect(texts(s.timeline)).toEqual([
      'Incident #7 opened by Alertmanager: db is down',
      '1 duplicate alert suppressed',
      'Looking at the replica lag',
      '1 duplicate alert suppressed',
    ]);
  });

  it('writes the count after a new alert arriving in the same batch, rather than rewriting the old count', () => {
    const s = incidentFrom([trigger('db')]);
    s.ingest([trigger('db')]);
    const mixed = s.ingest([trigger('api'), trigger('db')]);
    expect(mixed.rewrite).toBeNull();
    expect(texts(mixed.entries)).toEqual(['Alert: api is down', '1 duplicate alert suppressed']);
  });
});

describe('monitor events', () => {
  it('resolves the incident and stops escalation when the last firing alert resolves', () => {
    const s = incidentFrom([trigger('db'), trigger('api')]);
    s.at(4);
    const one = s.ingest([resolve('db')]);
    expect(texts(one.entries)).toEqual([
      'Alert resolved: db is down',
      'Title follows the alerts: “api is down”',
    ]);
    expect(one.incident.status).toBe('triggered');
    expect(one.effects).toEqual([...ANNOUNCE]);

    s.at(5);
    const last = s.ingest([resolve('api')]);
    expect(texts(last.entries)).toEqual([
      'Alert resolved: api is down',
      'Resolved by Alertmanager: all 2 alerts resolved',
    ]);
    expect(last.incident).toMatchObject({
      status: 'resolved',
      resolvedAt: T0 + 5 * MIN,
      acknowledgedAt: null,
      firingCount: 0,
    });
    expect(last.effects).toEqual([
      ...ANNOUNCE,
      { kind: 'escalation', change: 'stopped', status: 'resolved' },
    ]);
    expect(kinds(last).at(-1)).toBe('stopped');
  });

  it('stops escalation when the monitor acknowledges, and only the first time', () => {
    const s = incidentFrom([trigger('db')]);
    const acked = s.ingest([acknowledge('db')]);
    expect(texts(acked.entries)).toEqual(['Acknowledged by Alertmanager']);
    expect(acked.effects).toContainEqual({
      kind: 'escalation',
      change: 'stopped',
      status: 'acknowledged',
    });
    const again = s.ingest([acknowledge('db')]);
    expect(again.entries).toEqual([]);
    expect(again.effects).toEqual([...ANNOUNCE]);
  });
});

describe('responder commands', () => {
  it('stops escalation when a person acknowledges, without closing the alerts', () => {
    const s = incidentFrom([trigger('db')]);
    const decision = s.command({ type: 'acknowledge' });
    expect(decision.ok && decision.change).toMatchObject({
      closeAlerts: false,
      effects: [...ANNOUNCE, { kind: 'escalation', change: 'stopped', status: 'acknowledged' }],
    });
  });

  it('closes the alerts and stops escalation when a person resolves a triggered incident', () => {
    const s = incidentFrom([trigger('db')]);
    const decision = s.command({ type: 'resolve', note: 'Failed over' });
    expect(decision.ok && decision.change).toMatchObject({
      closeAlerts: true,
      entries: [{ kind: 'resolved', text: 'Resolved by Ana: Failed over' }],
      effects: [...ANNOUNCE, { kind: 'escalation', change: 'stopped', status: 'resolved' }],
    });
  });

  it('closes the alerts but has no escalation left to stop when an acknowledged incident is resolved', () => {
    const s = incidentFrom([trigger('db')]);
    s.command({ type: 'acknowledge' });
    const decision = s.command({ type: 'resolve' });
    expect(decision.ok && decision.change).toMatchObject({
      closeAlerts: true,
      effects: [...ANNOUNCE],
    });
  });

  it('restarts escalation from level 1 when a person reopens a resolved incident', () => {
    const s = incidentFrom([trigger('db')]);
    s.command({ type: 'resolve' });
    const decision = s.command({ type: 'reopen', reason: 'Still failing' });
    expect(decision.ok && decision.change).toMatchObject({
      closeAlerts: false,
      incident: { status: 'triggered', paged: [] },
      effects: [...ANNOUNCE, { kind: 'escalation', change: 'restarted' }],
    });
  });

  it('commits nothing when a command had already taken effect', () => {
    const s = incidentFrom([trigger('db')]);
    s.command({ type: 'acknowledge' });
    const lastSeq = s.incident.lastSeq;
    expect(s.command({ type: 'acknowledge' })).toEqual({ ok: true, change: null });
    expect(s.incident.lastSeq).toBe(lastSeq);
  });

  it('refuses to acknowledge a resolved incident, with the reason', () => {
    const s = incidentFrom([trigger('db')]);
    s.command({ type: 'resolve' });
    expect(s.command({ type: 'acknowledge' })).toEqual({
      ok: false,
      status: 409,
      detail: 'Incident #7 is already resolved; reopen it before acknowledging.',
    });
  });

  it('announces a note without touching escalation', () => {
    const s = incidentFrom([trigger('db')]);
    const decision = s.command({ type: 'add_note', text: 'Paged the DBA' });
    expect(decision.ok && decision.change?.effects).toEqual([...ANNOUNCE]);
  });
});

describe('delivery receipts', () => {
  it('say which device showed the page and the UTC time it landed', () => {
    const entry = deliveredEntry(
      { userId: 'ana', subscriptionId: 'sub-1', deviceLabel: 'Pixel 8', at: T0 + 90_000 },
      'Ana',
    );
    expect(entry).toEqual({
      kind: 'notification_delivered',
      text: "Delivered to Ana's Pixel 8 at 14:01:30 UTC",
      data: { userId: 'ana', subscriptionId: 'sub-1', at: T0 + 90_000 },
    });
  });
});
