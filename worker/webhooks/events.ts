/**
 * Which outgoing webhook events a committed incident change makes, pure: the change's new timeline entries
 * (numbered) and the incident as saved → one pending event per entry that maps to an event type.
 * The event id is the incident id, the entry's seq and the type: the same on every retry, so a queue that
 * already has it drops the copy. Entries that only count (duplicates, alert receipts, pages sent) make none.
 */
import type { Incident, TimelineEntry } from '../../schema/incident';
import type { WebhookEvent, WebhookEventType } from '../../schema/webhook-schemas';

/** The timeline entry kinds that are webhook events, and the event each one is. */
const EVENT_OF: Partial<Record<TimelineEntry['kind'], WebhookEventType>> = {
  created: 'incident.triggered',
  acknowledged: 'incident.acknowledged',
  // Every page to a level (and "escalate now", and a policy running out) is an escalation to a watcher.
  escalated: 'incident.escalated',
  reassigned: 'incident.reassigned',
  resolved: 'incident.resolved',
  reopened: 'incident.reopened',
  severity_changed: 'incident.severity_changed',
  role_assigned: 'incident.role_assigned',
  note: 'incident.note_added',
  status_update: 'incident.status_update',
};

/**
 * An event as the incident records it, before delivery: the incident as it was when the change committed.
 * The service's name and the PWA link are filled in when it is sent (toWebhookEvent).
 */
export interface PendingWebhookEvent {
  id: string;
  type: WebhookEventType;
  /** Milliseconds since the epoch: when the entry was written. */
  at: number;
  incident: Pick<Incident, 'id' | 'number' | 'title' | 'status' | 'severity' | 'serviceId'>;
  actor: TimelineEntry['actor'];
  entry: { seq: number; kind: string; text: string } | null;
}

/** The stable id of the event `type` for entry `seq` of incident `incidentId`. */
export const webhookEventId = (incidentId: string, seq: number | string, type: string): string =>
  `${incidentId}:${seq}:${type}`;

/** The webhook events a committed change makes, in entry order. */
export function webhookEvents(
  incident: Incident,
  entries: readonly TimelineEntry[],
): PendingWebhookEvent[] {
  const summary = {
    id: incident.id,
    number: incident.number,
    title: incident.title,
    status: incident.status,
    severity: incident.severity,
    serviceId: incident.serviceId,
  };
  return entries.flatMap((entry) => {
    const type = EVENT_OF[entry.kind];
    if (!type) return [];
    return [
      {
        id: webhookEventId(incident.id, entry.seq, type),
        type,
        at: entry.at,
        incident: summary,
        actor: entry.actor,
        entry: { seq: entry.seq, kind: entry.kind, text: entry.text },
      },
    ];
  });
}

/** The body a subscriber receives (schema/webhook-schemas.ts, version 1) for a recorded event. */
export function toWebhookEvent(
  pending: PendingWebhookEvent,
  service: { id: string; name: string } | null,
  origin: string,
): WebhookEvent {
  const { incident, actor } = pending;
  return {
    version: 1,
    id: pending.id,
    type: pending.type,
    occurred_at: new Date(pending.at).toISOString(),
    incident: {
      id: incident.id,
      number: incident.number,
      title: incident.title,
      status: incident.status,
      severity: incident.severity,
      service,
      url: `${origin}/incidents/${encodeURIComponent(incident.id)}`,
    },
    actor: { type: actor.kind, id: actor.id, name: actor.name },
    entry: pending.entry,
  };
}

/** The event for a review published at `at` (it has no timeline entry; its id is stable per publication). */
export function reviewPublishedEvent(
  incident: Incident,
  actor: TimelineEntry['actor'],
  at: number,
): PendingWebhookEvent {
  const type = 'incident.review_published';
  return {
    id: webhookEventId(incident.id, `review@${at}`, type),
    type,
    at,
    incident: {
      id: incident.id,
      number: incident.number,
      title: incident.title,
      status: incident.status,
      severity: incident.severity,
      serviceId: incident.serviceId,
    },
    actor,
    entry: null,
  };
}
