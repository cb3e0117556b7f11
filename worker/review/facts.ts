/**
 * The pre-filled half of a review, derived purely from the incident object's view:
 * key moments, time to acknowledge and resolve, who took part, the alerts.
 */
import type { IncidentAlert, TimelineEntry } from '../../schema/incident';
import { foldPageRetries } from '../../schema/timeline';
import { foldRunbook } from '../../schema/runbook';
import type { IncidentView as PagedView } from '../incident/object';

/** What a review reads: the incident with its whole timeline (IncidentObject.history). */
type IncidentView = Omit<PagedView, 'earlier'>;
import { between } from './duration';
import type {
  KeyMoment,
  KeyMomentKind,
  Participant,
  ReviewAlert,
  ReviewFacts,
} from '../../schema/review';

/** The alerts' bodies (labels, annotations, details, links) a review keeps, in JSON bytes; a review row must stay well inside D1's limits. */
const ALERT_BODY_BUDGET = 256 * 1024;

/** Involvement labels, after the incident's own role names (incident_commander …). */
const INVOLVEMENT = [
  'opened',
  'paged',
  'acknowledged',
  'resolved',
  'assignee',
  'responder',
] as const;

/** Every user id the view mentions, so the caller can look up names the timeline does not carry. */
export function mentionedUserIds(view: IncidentView): string[] {
  const ids = new Set<string>(view.incident.assignees);
  for (const id of Object.values(view.incident.roles)) if (id) ids.add(id);
  for (const entry of view.timeline) {
    const userId = entry.data?.userId;
    if (typeof userId === 'string') ids.add(userId);
    for (const id of pagedIds(entry)) ids.add(id);
    if (entry.actor.kind === 'user') ids.add(entry.actor.id);
  }
  return [...ids];
}

export function buildFacts(
  view: IncidentView,
  names: Record<string, string>,
  capturedAt: number,
): ReviewFacts {
  const { incident, timeline, alerts } = view;
  const firstAck = timeline.find((e) => e.kind === 'acknowledged');
  // After a reopen the record's acknowledgedAt is cleared; the first acknowledgement is what the review measures.
  const acknowledgedAt = firstAck?.at ?? incident.acknowledgedAt;
  const resolvedAt = incident.status === 'resolved' ? incident.resolvedAt : null;
  return {
    incidentId: incident.id,
    number: incident.number,
    title: incident.title,
    severity: incident.severity,
    serviceId: incident.serviceId,
    incidentStatus: incident.status,
    createdAt: incident.createdAt,
    acknowledgedAt,
    resolvedAt,
    timeToAcknowledge: between(incident.createdAt, acknowledgedAt),
    timeToResolve: between(incident.createdAt, resolvedAt),
    escalationLevel: incident.escalationLevel,
    keyMoments: keyMoments(timeline, incident.createdAt),
    participants: participants(view, names),
    alerts: reviewAlerts(alerts),
    ...runbookFacts(timeline),
    lastSeq: incident.lastSeq,
    capturedAt,
  };
}

/** The checklist as the incident left it (schema/runbook.ts folds the ticks from the timeline). */
function runbookFacts(timeline: readonly TimelineEntry[]): Pick<ReviewFacts, 'runbook'> {
  const runbook = foldRunbook(timeline);
  if (!runbook) return {};
  return {
    runbook: {
      name: runbook.name,
      steps: runbook.steps.map((s) => ({
        number: s.number,
        text: s.text,
        done: s.done,
        by: s.by?.name ?? null,
        at: s.at,
      })),
    },
  };
}

/** Each alert with what its monitor said, while the budget lasts; the rest keep their summary line. */
function reviewAlerts(alerts: readonly IncidentAlert[]): ReviewAlert[] {
  let budget = ALERT_BODY_BUDGET;
  return alerts.map((a) => {
    const line: ReviewAlert = {
      key: a.key,
      summary: a.summary,
      severity: a.severity,
      status: a.status,
      ...(a.resolvedBy ? { resolvedBy: a.resolvedBy } : {}),
      source: a.source ?? null,
      count: a.count,
      firstSeenAt: a.firstSeenAt,
      lastSeenAt: a.lastSeenAt,
    };
    const body = {
      ...(a.labels && Object.keys(a.labels).length ? { labels: a.labels } : {}),
      ...(a.annotations && Object.keys(a.annotations).length ? { annotations: a.annotations } : {}),
      ...(a.details && Object.keys(a.details).length ? { details: a.details } : {}),
      ...(a.links.length ? { links: a.links } : {}),
    };
    const bytes = new TextEncoder().encode(JSON.stringify(body)).length;
    if (bytes > budget) return { ...line, bodyOmitted: true };
    budget -= bytes;
    return { ...line, ...body };
  });
}

const EVERY: Partial<Record<TimelineEntry['kind'], KeyMomentKind>> = {
  created: 'triggered',
  acknowledged: 'acknowledged',
  escalated: 'escalated',
  escalation_skipped: 'escalation_skipped',
  nobody_paged: 'nobody_paged',
  status_update: 'status_update',
  reopened: 'reopened',
  resolved: 'resolved',
};
const FIRST: Partial<Record<TimelineEntry['kind'], KeyMomentKind>> = {
  notification_sent: 'first_page',
  notification_delivered: 'first_delivered',
};

/**
 * Every paging decision that explains a delay, and the moments around it. A page that did not get through
 * at once is one moment, however many retries it took (their last attempt says where it ended).
 */
function keyMoments(timeline: TimelineEntry[], createdAt: number): KeyMoment[] {
  const seenFirst = new Set<KeyMomentKind>();
  const moments: KeyMoment[] = [];
  const moment = (kind: KeyMomentKind, entry: TimelineEntry) =>
    moments.push({
      kind,
      at: entry.at,
      offsetMs: Math.max(0, entry.at - createdAt),
      text: entry.text,
      actor: entry.actor.name,
    });
  for (const { entry, retries } of foldPageRetries(timeline)) {
    const last = retries.at(-1) ?? entry;
    const first = FIRST[last.kind];
    if (first && !seenFirst.has(first)) {
      seenFirst.add(first);
      moment(first, last);
    } else if (last.kind === 'notification_failed') moment('page_failed', last);
    else if (retries.length) moment('page_delayed', last);
    const kind = EVERY[entry.kind];
    if (kind) moment(kind, entry);
  }
  // A folded page sits where it began but is dated by its last attempt: keep the list in time order (sort is stable).
  return moments.sort((a, b) => a.at - b.at);
}

function participants(view: IncidentView, names: Record<string, string>): Participant[] {
  const { incident, timeline } = view;
  const byId = new Map<string, { name: string; roles: Set<string> }>();
  const add = (id: string, role: string, name?: string) => {
    const p = byId.get(id) ?? { name: name ?? names[id] ?? id, roles: new Set<string>() };
    if (name && p.name === id) p.name = name;
    p.roles.add(role);
    byId.set(id, p);
  };
  for (const [role, id] of Object.entries(incident.roles)) if (id) add(id, role);
  for (const entry of timeline) {
    const userId = typeof entry.data?.userId === 'string' ? entry.data.userId : null;
    if (entry.kind === 'notification_sent' && userId) add(userId, 'paged');
    if (entry.kind === 'escalated') for (const id of pagedIds(entry)) add(id, 'paged');
    if (entry.actor.kind !== 'user') continue;
    const involvement =
      entry.kind === 'created'
        ? 'opened'
        : entry.kind === 'acknowledged'
          ? 'acknowledged'
          : entry.kind === 'resolved'
            ? 'resolved'
            : 'responder';
    add(entry.actor.id, involvement, entry.actor.name);
  }
  for (const id of incident.assignees) add(id, 'assignee');
  const roleOrder = [...Object.keys(incident.roles), ...INVOLVEMENT];
  const rank = (r: string) => {
    const i = roleOrder.indexOf(r);
    return i < 0 ? roleOrder.length : i;
  };
  return [...byId.entries()]
    .map(([id, p]) => {
      const roles = [...p.roles].sort((a, b) => rank(a) - rank(b));
      // "responder" only says something when nothing more specific does.
      return {
        id,
        name: p.name,
        roles: roles.length > 1 ? roles.filter((r) => r !== 'responder') : roles,
      };
    })
    .sort(
      (a, b) => rank(a.roles[0] ?? '') - rank(b.roles[0] ?? '') || a.name.localeCompare(b.name),
    );
}

/** The users an escalation step targeted (data.userIds), whether or not a device took the push. */
function pagedIds(entry: TimelineEntry): string[] {
  const ids = entry.kind === 'escalated' ? entry.data?.userIds : undefined;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}
