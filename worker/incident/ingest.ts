/**
 * Alert events applied to an open incident, as a pure function.
 * Duplicates only count; new alerts, acknowledgements and resolutions become timeline entries.
 */
import { LIMITS, type AlertEvent } from '../../schema/alert';
import type { Actor, Incident, IncidentAlert } from '../../schema/incident';
import { moreSevere, type EntryDraft } from './reducer';

/** What an incident past its alert cap keeps of the alerts it does not list: their keys and whether they fire. */
export type OverflowState = 'firing' | 'resolved';

export interface Overflow {
  /** The state of every over-cap alert this batch names that was seen before (only those are needed). */
  known: ReadonlyMap<string, OverflowState>;
  /** Distinct over-cap alerts before this batch, and how many of them fire. */
  total: number;
  firing: number;
}

export const NO_OVERFLOW: Overflow = { known: new Map(), total: 0, firing: 0 };

export interface IngestOutcome {
  incident: Incident;
  /** Alerts that changed and must be saved. */
  alerts: IncidentAlert[];
  /** Over-cap alerts whose state changed (or that are new), to be saved with the alerts. */
  overflow: Map<string, OverflowState>;
  entries: EntryDraft[];
  /** How many triggers only repeated an alert that was already firing. */
  duplicates: number;
}

export function alertFromEvent(event: AlertEvent, now: number): IncidentAlert {
  return {
    key: event.alertKey,
    status: event.action === 'resolve' ? 'resolved' : 'firing',
    summary: event.summary,
    severity: event.severity,
    ...(event.source ? { source: event.source } : {}),
    ...(event.labels ? { labels: event.labels } : {}),
    ...(event.annotations ? { annotations: event.annotations } : {}),
    ...(event.details ? { details: event.details } : {}),
    links: event.links,
    count: 1,
    firstSeenAt: event.occurredAt ?? now,
    lastSeenAt: now,
  };
}

/** The one timeline entry an incident gets when it first leaves alerts unlisted. */
export function capReachedEntry(cap: number): EntryDraft {
  return {
    kind: 'alerts_truncated',
    text: `This incident lists ${cap.toLocaleString('en-US')} alerts, the most one incident keeps: later new alerts are counted and their state followed, not listed`,
    data: { cap },
  };
}

/**
 * Apply events to an incident that is not resolved (the caller opens a new incident for triggers after resolution).
 * At most `cap` distinct alerts are kept in full; a new alert past that is an over-cap alert: counted in
 * `truncatedAlerts`, its key and state kept, so the incident resolves only when those resolve too.
 */
export function applyAlertEvents(
  incident: Incident,
  known: ReadonlyMap<string, IncidentAlert>,
  events: readonly AlertEvent[],
  actor: Actor,
  now: number,
  cap: number = LIMITS.alertsPerIncident,
  overflowBefore: Overflow = NO_OVERFLOW,
): IngestOutcome {
  let next: Incident = { ...incident };
  const alerts = new Map(known);
  const changed = new Map<string, IncidentAlert>();
  const overflow = new Map<string, OverflowState>();
  const entries: EntryDraft[] = [];
  let duplicates = 0;
  let { total, firing } = overflowBefore;
  // truncatedAlerts = what the sender left out of its latest notification + the distinct over-cap alerts.
  let senderTruncated = Math.max(0, incident.truncatedAlerts - overflowBefore.total);
  const overCap = (key: string) => overflow.get(key) ?? overflowBefore.known.get(key);

  for (const event of events) {
    const key = event.alertKey;
    const current = alerts.get(key);
    if (event.action === 'acknowledge') {
      if (next.status === 'triggered') {
        next = { ...next, status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: actor };
        entries.push({ kind: 'acknowledged', text: `Acknowledged by ${actor.name}` });
      }
      continue;
    }
    const over = current ? undefined : overCap(key);
    if (event.action === 'trigger') {
      next.alertCount += 1;
      if (event.truncatedAlerts !== undefined) senderTruncated = event.truncatedAlerts;
      if (current?.status === 'firing' || over === 'firing') {
        duplicates += 1;
        if (current) set(changed, alerts, { ...current, count: current.count + 1, lastSeenAt: now });
      } else if (over === 'resolved' || (!current && alerts.size >= cap)) {
        if (!over && !total) entries.push(capReachedEntry(cap));
        if (!over) total += 1;
        firing += 1;
        overflow.set(key, 'firing');
      } else {
        const alert = current ? { ...alertFromEvent(event, now), count: current.count + 1, firstSeenAt: current.firstSeenAt } : alertFromEvent(event, now);
        set(changed, alerts, alert);
        entries.push({ kind: 'alert_added', text: current ? `Firing again: ${event.summary}` : `Alert: ${event.summary}`, data: { alertKey: key, severity: event.severity } });
      }
      if (moreSevere(event.severity, next.severity)) {
        entries.push({ kind: 'severity_changed', text: `Severity raised from ${next.severity} to ${event.severity} by a new alert`, data: { from: next.severity, to: event.severity } });
        next.severity = event.severity;
      }
    } else if (current?.status === 'firing') {
      set(changed, alerts, { ...current, status: 'resolved', lastSeenAt: now });
      if (alerts.size > 1) entries.push({ kind: 'alert_resolved', text: `Alert resolved: ${current.summary}`, data: { alertKey: key } });
    } else if (over === 'firing') {
      firing -= 1;
      overflow.set(key, 'resolved');
    }
  }
  next.truncatedAlerts = senderTruncated + total;

  const allResolved = alerts.size > 0 && firing === 0 && [...alerts.values()].every((a) => a.status === 'resolved');
  const anyResolveNow = events.some((e) => e.action === 'resolve');
  if (allResolved && anyResolveNow && next.status !== 'resolved') {
    next = { ...next, status: 'resolved', resolvedAt: now, resolvedBy: actor, acknowledgedAt: next.acknowledgedAt ?? now, acknowledgedBy: next.acknowledgedBy ?? actor };
    const all = alerts.size + total;
    entries.push({ kind: 'resolved', text: all > 1 ? `Resolved by ${actor.name}: all ${all} alerts resolved` : `Resolved by ${actor.name}` });
  }
  if (entries.length || duplicates || changed.size || overflow.size) next.updatedAt = now;
  return { incident: next, alerts: [...changed.values()], overflow, entries, duplicates };
}

function set(changed: Map<string, IncidentAlert>, alerts: Map<string, IncidentAlert>, alert: IncidentAlert): void {
  changed.set(alert.key, alert);
  alerts.set(alert.key, alert);
}
