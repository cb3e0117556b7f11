/**
 * Alert events applied to an open incident, as a pure function.
 * Duplicates only count; new alerts, acknowledgements and resolutions become timeline entries.
 */
import type { AlertEvent } from '../../schema/alert';
import type { Actor, Incident, IncidentAlert } from '../../schema/incident';
import { moreSevere, type EntryDraft } from './reducer';

export interface IngestOutcome {
  incident: Incident;
  /** Alerts that changed and must be saved. */
  alerts: IncidentAlert[];
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

/** Apply events to an incident that is not resolved (the caller opens a new incident for triggers after resolution). */
export function applyAlertEvents(incident: Incident, known: ReadonlyMap<string, IncidentAlert>, events: readonly AlertEvent[], actor: Actor, now: number): IngestOutcome {
  let next: Incident = { ...incident };
  const alerts = new Map(known);
  const changed = new Map<string, IncidentAlert>();
  const entries: EntryDraft[] = [];
  let duplicates = 0;

  for (const event of events) {
    const current = alerts.get(event.alertKey);
    if (event.action === 'trigger') {
      next.alertCount += 1;
      if (event.truncatedAlerts !== undefined) next.truncatedAlerts = event.truncatedAlerts;
      if (current?.status === 'firing') {
        duplicates += 1;
        changed.set(event.alertKey, { ...current, count: current.count + 1, lastSeenAt: now });
      } else {
        const alert = current ? { ...alertFromEvent(event, now), count: current.count + 1, firstSeenAt: current.firstSeenAt } : alertFromEvent(event, now);
        changed.set(event.alertKey, alert);
        entries.push({ kind: 'alert_added', text: current ? `Firing again: ${event.summary}` : `Alert: ${event.summary}`, data: { alertKey: event.alertKey, severity: event.severity } });
      }
      if (moreSevere(event.severity, next.severity)) {
        entries.push({ kind: 'severity_changed', text: `Severity raised from ${next.severity} to ${event.severity} by a new alert`, data: { from: next.severity, to: event.severity } });
        next.severity = event.severity;
      }
    } else if (event.action === 'acknowledge') {
      if (next.status === 'triggered') {
        next = { ...next, status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: actor };
        entries.push({ kind: 'acknowledged', text: `Acknowledged by ${actor.name}` });
      }
    } else if (current && current.status === 'firing') {
      changed.set(event.alertKey, { ...current, status: 'resolved', lastSeenAt: now });
      if (alerts.size > 1) entries.push({ kind: 'alert_resolved', text: `Alert resolved: ${current.summary}`, data: { alertKey: event.alertKey } });
    }
    for (const [key, alert] of changed) alerts.set(key, alert);
  }

  const allResolved = alerts.size > 0 && [...alerts.values()].every((a) => a.status === 'resolved');
  const anyResolveNow = events.some((e) => e.action === 'resolve');
  if (allResolved && anyResolveNow && next.status !== 'resolved') {
    next = { ...next, status: 'resolved', resolvedAt: now, resolvedBy: actor, acknowledgedAt: next.acknowledgedAt ?? now, acknowledgedBy: next.acknowledgedBy ?? actor };
    entries.push({ kind: 'resolved', text: alerts.size > 1 ? `Resolved by ${actor.name}: all ${alerts.size} alerts resolved` : `Resolved by ${actor.name}` });
  }
  if (entries.length || duplicates || changed.size) next.updatedAt = now;
  return { incident: next, alerts: [...changed.values()], entries, duplicates };
}
