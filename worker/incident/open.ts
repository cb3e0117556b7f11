/**
 * Opening an incident, pure: (input, number, role names, now) → the change that creates it.
 * The opening alerts are grouped as any later batch is (ingest.ts); the object commits the change
 * and carries out its effects.
 */
import type { Runbook } from '../../schema/runbook-schemas';
import { LIMITS, SEVERITIES, type AlertEvent, type Severity } from '../../schema/alert';
import type { Actor, Incident } from '../../schema/incident';
import type { MaintenanceHold } from '../../schema/maintenance-schemas';
import { ANNOUNCE, duplicatesEntry, type Change } from './decide';
import { applyAlertEvents, capReachedEntry, rulesMatched } from './ingest';
import type { EntryDraft } from './reducer';

export interface CreateIncidentInput {
  id: string;
  title: string;
  description?: string;
  serviceId?: string | null;
  severity: Severity;
  dedupKey?: string | null;
  actor: Actor;
  /** The alert events that opened it, when a monitor did. */
  events?: AlertEvent[];
  /** Opened during this maintenance window: no one is paged until it ends (the object arms that). */
  maintenance?: MaintenanceHold | null;
  /** Its number, from the opening router's block (number-block.ts); else create takes one from D1. */
  number?: number;
  /** The service's default runbook as its router holds it (null: none); absent, create reads D1. */
  defaultRunbook?: Runbook | null;
}

const LEAST_SEVERE = SEVERITIES[SEVERITIES.length - 1] as Severity;

/** The change that opens incident `number`: its first entries and alerts; escalation starts before the index write. */
export function openIncident(
  input: CreateIncidentInput,
  number: number,
  roleNames: readonly string[],
  now: number,
): Change {
  const triggers = (input.events ?? []).filter((e) => e.action === 'trigger');
  const opening: Incident = {
    id: input.id,
    number,
    title: input.title,
    description: input.description ?? '',
    serviceId: input.serviceId ?? null,
    // With alerts, the worst of their first bodies decides: grouping only ever raises it from the least severe.
    severity: triggers.length ? LEAST_SEVERE : input.severity,
    status: 'triggered',
    assignees: [],
    roles: Object.fromEntries(roleNames.map((r) => [r, null])),
    dedupKey: input.dedupKey ?? null,
    alertCount: 0,
    firingCount: 0,
    notificationCount: 0,
    truncatedAlerts: 0,
    // Opened by hand, the title is a person's; opened by a monitor, it follows the alerts until someone renames it.
    titleEdited: !triggers.length,
    paged: [],
    createdAt: now,
    createdBy: input.actor,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    updatedAt: now,
    escalationLevel: 0,
    nobodyPaged: false,
    lastSeq: 0,
    maintenance: input.maintenance ?? null,
  };
  // The opening batch is grouped as any later one: repeats of one alert only count, the first
  // LIMITS.alertsPerIncident distinct alerts are kept in full, the rest fire past the cap. Its story is
  // told in one opening entry instead of alert by alert, so applyAlertEvents' own entries are not kept.
  const { incident, alerts, overflow, duplicates } = applyAlertEvents(
    opening,
    new Map(),
    triggers,
    input.actor,
    now,
  );
  const entries: EntryDraft[] = [
    {
      kind: 'created',
      text: `Incident #${number} opened by ${input.actor.name}: ${incident.title}${rulesMatched(alerts[0]?.rules)}`,
      data: { severity: incident.severity },
    },
    ...alerts.slice(1).map((a): EntryDraft => ({
      kind: 'alert_added',
      text: `Alert: ${a.summary}${rulesMatched(a.rules)}`,
      data: { alertKey: a.key },
    })),
  ];
  if (overflow.size) entries.push(capReachedEntry(LIMITS.alertsPerIncident));
  // Triggers merged into the opening batch are duplicates too: the same running entry ingest keeps.
  if (duplicates) entries.push(duplicatesEntry(duplicates, now));
  if (input.maintenance) entries.push(maintenanceEntry(input.maintenance));
  return {
    incident,
    at: now,
    entries,
    alerts,
    overflow,
    closeAlerts: false,
    rewrite: null,
    // Level 1 is armed before the index write, so its alarm can run while D1 answers; in maintenance, the
    // window's end arms it instead.
    effects: input.maintenance
      ? [...ANNOUNCE]
      : [{ kind: 'escalation', change: 'started' }, ...ANNOUNCE],
  };
}

/** "In maintenance: <window> until <time> UTC; no one is paged until then." */
export function maintenanceEntry(hold: MaintenanceHold): EntryDraft {
  const until = new Date(hold.until).toISOString().slice(0, 16).replace('T', ' ');
  return {
    kind: 'maintenance',
    text: `In maintenance: ${hold.name} until ${until} UTC; no one is paged until then`,
    data: { ...hold },
  };
}
