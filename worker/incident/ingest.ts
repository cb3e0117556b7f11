/**
 * Alert events applied to an open incident, as a pure function.
 * Duplicates only count; new alerts, acknowledgements and resolutions become timeline entries.
 *
 * Counting: `alertCount` is distinct alerts (by alert key: Alertmanager fingerprint, PagerDuty dedup_key …),
 * `firingCount` those firing now, `notificationCount` every trigger that arrived, and each alert's `count`
 * the times it started firing. A repeat of a firing alert (a re-notification, or a sender retrying after a
 * lost answer: the two look the same) adds a notification, never an alert nor a firing, keeps the alert's
 * first body and never raises the incident's severity.
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
    ...(event.rules?.length ? { rules: event.rules } : {}),
    links: event.links,
    count: 1,
    firstSeenAt: event.occurredAt ?? now,
    lastSeenAt: now,
  };
}

/** ". Rules matched: Route DB alerts": how an alert's timeline entry names the event rules that shaped it. */
export const rulesMatched = (rules: readonly { name: string }[] | undefined): string =>
  rules?.length ? `. Rules matched: ${rules.map((r) => r.name).join(', ')}` : '';

/** Distinct alerts and how many of them fire. */
export function alertCounts(alerts: Iterable<IncidentAlert>): {
  alertCount: number;
  firingCount: number;
} {
  let alertCount = 0;
  let firingCount = 0;
  for (const alert of alerts) {
    alertCount += 1;
    if (alert.status === 'firing') firingCount += 1;
  }
  return { alertCount, firingCount };
}

/**
 * The title the alerts give their incident: the summary the whole group shares (Alertmanager's and
 * Grafana's commonAnnotations.summary), else the most severe firing alert's (the earliest seen on a tie);
 * null when nothing fires, so the last title stays.
 */
export function alertTitle(alerts: Iterable<IncidentAlert>, groupSummary?: string): string | null {
  if (groupSummary) return groupSummary;
  let best: IncidentAlert | null = null;
  for (const alert of alerts) {
    if (alert.status !== 'firing') continue;
    if (
      !best ||
      moreSevere(alert.severity, best.severity) ||
      (alert.severity === best.severity && alert.firstSeenAt < best.firstSeenAt)
    )
      best = alert;
  }
  return best?.summary ?? null;
}

/** The summary shared by the group in this batch, if the sender said one. */
export const groupSummaryOf = (events: readonly AlertEvent[]): string | undefined =>
  events.find((e) => e.groupSummary)?.groupSummary;

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
  const save = (alert: IncidentAlert) => {
    changed.set(alert.key, alert);
    alerts.set(alert.key, alert);
  };

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
      next.notificationCount += 1;
      if (event.truncatedAlerts !== undefined) senderTruncated = event.truncatedAlerts;
      if (current?.status === 'firing' || over === 'firing') {
        duplicates += 1;
        // Counted by identity: a replayed request must not count its alert twice (issue 19).
        if (current) save({ ...current, lastSeenAt: now });
        continue;
      }
      if (over === 'resolved' || (!current && alerts.size >= cap)) {
        if (!over && !total) entries.push(capReachedEntry(cap));
        if (!over) total += 1;
        firing += 1;
        overflow.set(key, 'firing');
      } else {
        const alert = current
          ? {
              ...alertFromEvent(event, now),
              count: current.count + 1,
              firstSeenAt: current.firstSeenAt,
            }
          : alertFromEvent(event, now);
        save(alert);
        entries.push({
          kind: 'alert_added',
          text: `${current ? 'Firing again' : 'Alert'}: ${event.summary}${rulesMatched(event.rules)}`,
          data: { alertKey: key, severity: event.severity },
        });
      }
      if (moreSevere(event.severity, next.severity)) {
        entries.push({
          kind: 'severity_changed',
          text: `Severity raised from ${next.severity} to ${event.severity} by a new alert`,
          data: { from: next.severity, to: event.severity },
        });
        next.severity = event.severity;
      }
    } else if (current?.status === 'firing') {
      save({ ...current, status: 'resolved', resolvedBy: 'monitor', lastSeenAt: now });
      if (alerts.size > 1)
        entries.push({
          kind: 'alert_resolved',
          text: `Alert resolved: ${current.summary}`,
          data: { alertKey: key },
        });
    } else if (over === 'firing') {
      firing -= 1;
      overflow.set(key, 'resolved');
    }
  }
  next.truncatedAlerts = senderTruncated + total;

  // Distinct and firing alerts count those past the cap too: only their bodies are not kept.
  const listed = alertCounts(alerts.values());
  next = {
    ...next,
    alertCount: listed.alertCount + total,
    firingCount: listed.firingCount + firing,
  };
  if (!next.titleEdited && events.some((e) => e.action !== 'acknowledge')) {
    const title = alertTitle(alerts.values(), groupSummaryOf(events));
    if (title && title !== next.title) {
      entries.push({
        kind: 'title_changed',
        text: `Title follows the alerts: “${title}”`,
        data: { from: next.title, to: title },
      });
      next.title = title;
    }
  }

  const allResolved = alerts.size > 0 && next.firingCount === 0;
  const anyResolveNow = events.some((e) => e.action === 'resolve');
  if (allResolved && anyResolveNow && next.status !== 'resolved') {
    // Resolving is not acknowledging: an incident nobody acknowledged keeps acknowledgedAt null, so MTTA stays honest.
    next = { ...next, status: 'resolved', resolvedAt: now, resolvedBy: actor };
    entries.push({
      kind: 'resolved',
      text:
        next.alertCount > 1
          ? `Resolved by ${actor.name}: all ${next.alertCount} alerts resolved`
          : `Resolved by ${actor.name}`,
    });
  }
  if (entries.length || duplicates || changed.size || overflow.size) next.updatedAt = now;
  return { incident: next, alerts: [...changed.values()], overflow, entries, duplicates };
}

/**
 * A person resolved the incident: the alerts still firing end with it, marked as such (their monitor may
 * still be firing, and its next trigger opens a new incident). Returns the alerts that changed.
 */
export function closeAlerts(alerts: readonly IncidentAlert[]): IncidentAlert[] {
  return alerts
    .filter((a) => a.status === 'firing')
    .map((a) => ({ ...a, status: 'resolved' as const, resolvedBy: 'incident' as const }));
}
