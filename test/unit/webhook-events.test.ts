/**
 * Which webhook events a committed incident change makes (worker/webhooks/events.ts), from the pure decisions
 * themselves: each change is numbered as ledger.ts numbers it, then mapped. A fixed clock, no storage.
 */
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../schema/alert';
import type { Actor, Incident, IncidentAlert, TimelineEntry } from '../../schema/incident';
import { decideCommand, decideIngest, type Change } from '../../worker/incident/decide';
import { NO_OVERFLOW } from '../../worker/incident/ingest';
import { openIncident } from '../../worker/incident/open';
import { reviewPublishedEvent, toWebhookEvent, webhookEvents } from '../../worker/webhooks/events';

const T0 = Date.UTC(2026, 11, 1, 11, 0);
const MONITOR: Actor = { kind: 'integration', id: 'am', name: 'Alertmanager' };
const ANA: Actor = { kind: 'user', id: 'ana', name: 'Ana' };
const ROLES = ['incident_commander'];

const trigger = (alertKey: string, severity: AlertEvent['severity'] = 'warning'): AlertEvent => ({
  action: 'trigger',
  dedupKey: 'group',
  alertKey,
  summary: `${alertKey} is down`,
  truncated: false,
  severity,
  links: [],
});

/** An incident as its object keeps it, committing changes by ledger.ts's rules; returns each commit's events. */
function incident() {
  const alerts = new Map<string, IncidentAlert>();
  const timeline: TimelineEntry[] = [];
  let current = null as unknown as Incident;
  const commit = (change: Change, actor: Actor) => {
    const seq = change.incident.lastSeq;
    const entries = change.entries.map((draft, i): TimelineEntry => ({
      seq: seq + i + 1,
      at: change.at,
      actor,
      ...draft,
    }));
    for (const a of change.alerts) alerts.set(a.key, a);
    timeline.push(...entries);
    if (change.rewrite) timeline[change.rewrite.seq - 1] = change.rewrite;
    current = { ...change.incident, lastSeq: seq + entries.length };
    return webhookEvents(current, entries);
  };
  const opened = commit(
    openIncident(
      {
        id: 'inc_1',
        title: 'db is down',
        severity: 'warning',
        serviceId: 'svc_checkout',
        actor: MONITOR,
        events: [trigger('db')],
      },
      42,
      ROLES,
      T0,
    ),
    MONITOR,
  );
  return {
    opened,
    get incident() {
      return current;
    },
    ingest: (batch: AlertEvent[]) =>
      commit(
        decideIngest(current, batch, MONITOR, T0 + 1000, {
          known: alerts,
          overflow: NO_OVERFLOW,
          last: timeline[current.lastSeq - 1] ?? null,
        }),
        MONITOR,
      ),
    command: (command: Parameters<typeof decideCommand>[1], actor = ANA) => {
      const decision = decideCommand(current, command, actor, T0 + 2000, {
        roles: ROLES,
        names: { bo: 'Bo' },
      });
      if (!decision.ok || !decision.change) throw new Error(`no change from ${command.type}`);
      return commit(decision.change, actor);
    },
  };
}

const types = (events: { type: string }[]) => events.map((e) => e.type);

describe('webhook events from incident changes', () => {
  it('an incident opened by a monitor is incident.triggered, by the monitor, with its opening entry', () => {
    const { opened } = incident();
    expect(opened).toEqual([
      {
        id: 'inc_1:1:incident.triggered',
        type: 'incident.triggered',
        at: T0,
        incident: {
          id: 'inc_1',
          number: 42,
          title: 'db is down',
          status: 'triggered',
          severity: 'warning',
          serviceId: 'svc_checkout',
        },
        actor: MONITOR,
        entry: { seq: 1, kind: 'created', text: 'Incident #42 opened by Alertmanager: db is down' },
      },
    ]);
  });

  it('each responder command makes its own event, carrying the incident as it is after the command', () => {
    const s = incident();
    expect(types(s.command({ type: 'acknowledge' }))).toEqual(['incident.acknowledged']);
    expect(types(s.command({ type: 'reassign', assignees: ['bo'] }))).toEqual([
      'incident.reassigned',
    ]);
    expect(
      types(s.command({ type: 'assign_role', role: 'incident_commander', userId: 'bo' })),
    ).toEqual(['incident.role_assigned']);
    const severity = s.command({ type: 'set_severity', severity: 'critical' });
    expect(types(severity)).toEqual(['incident.severity_changed']);
    expect(severity[0]?.incident.severity).toBe('critical');
    expect(types(s.command({ type: 'add_note', text: 'Replica lag 40 s' }))).toEqual([
      'incident.note_added',
    ]);
    const update = s.command({ type: 'post_status_update', text: 'Failing over' });
    expect(update[0]).toMatchObject({
      type: 'incident.status_update',
      actor: ANA,
      entry: { kind: 'status_update', text: 'Failing over' },
    });
    const resolved = s.command({ type: 'resolve' });
    expect(types(resolved)).toEqual(['incident.resolved']);
    expect(resolved[0]?.incident.status).toBe('resolved');
    expect(types(s.command({ type: 'reopen' }))).toEqual(['incident.reopened']);
  });

  it('a monitor raising the severity and resolving its alerts makes severity_changed and resolved', () => {
    const s = incident();
    expect(types(s.ingest([trigger('api', 'critical')]))).toEqual(['incident.severity_changed']);
    expect(
      types(
        s.ingest([
          { ...trigger('db'), action: 'resolve' },
          { ...trigger('api'), action: 'resolve' },
        ]),
      ),
    ).toEqual(['incident.resolved']);
  });

  it('a change that only counts a duplicate alert makes no event, nor does renaming or unassigning a role', () => {
    const s = incident();
    expect(s.ingest([trigger('db')])).toEqual([]);
    expect(s.ingest([trigger('db'), trigger('db')])).toEqual([]); // counted on in place
    expect(s.command({ type: 'change_title', title: 'Primary db down' })).toEqual([]);
  });

  it('an escalation entry is incident.escalated, written by Firebell', () => {
    const s = incident();
    const entry: TimelineEntry = {
      seq: s.incident.lastSeq + 1,
      at: T0 + 5000,
      actor: { kind: 'system', id: 'firebell', name: 'Firebell' },
      kind: 'escalated',
      text: 'Escalated to level 2: Bo',
    };
    expect(webhookEvents(s.incident, [entry])).toMatchObject([
      { id: `inc_1:${entry.seq}:incident.escalated`, type: 'incident.escalated' },
    ]);
  });

  it('the same entry always makes the same event id, so a retried hand-over is dropped by the queue', () => {
    const a = incident().command({ type: 'acknowledge' });
    const b = incident().command({ type: 'acknowledge' });
    expect(a[0]?.id).toBe('inc_1:2:incident.acknowledged');
    expect(b[0]?.id).toBe(a[0]?.id);
  });

  it('the body a subscriber receives is version 1 with the service, the PWA link and an ISO time', () => {
    const [triggered] = incident().opened;
    if (!triggered) throw new Error('no event');
    expect(
      toWebhookEvent(
        triggered,
        { id: 'svc_checkout', name: 'Checkout' },
        'https://firebell.example',
      ),
    ).toEqual({
      version: 1,
      id: 'inc_1:1:incident.triggered',
      type: 'incident.triggered',
      occurred_at: '2026-12-01T11:00:00.000Z',
      incident: {
        id: 'inc_1',
        number: 42,
        title: 'db is down',
        status: 'triggered',
        severity: 'warning',
        service: { id: 'svc_checkout', name: 'Checkout' },
        url: 'https://firebell.example/incidents/inc_1',
      },
      actor: { type: 'integration', id: 'am', name: 'Alertmanager' },
      entry: { seq: 1, kind: 'created', text: 'Incident #42 opened by Alertmanager: db is down' },
    });
  });

  it('a published review is incident.review_published with no entry, its id fixed by the publication time', () => {
    const s = incident();
    const event = reviewPublishedEvent(s.incident, ANA, T0 + 9000);
    expect(event).toMatchObject({
      id: `inc_1:review@${T0 + 9000}:incident.review_published`,
      type: 'incident.review_published',
      entry: null,
    });
  });
});
