/**
 * Alertmanager webhook_configs, payload version 4. One notification carries a whole alert group:
 * the group is the incident (groupKey), each alert inside it is keyed by its fingerprint.
 */
import type { z } from 'zod';
import {
  alertmanagerSchema,
  groupAlertSchema,
  type groupSchema,
} from '../../schema/alert-group-schemas';
import { LIMITS, type AlertEvent, type AlertLink, type Severity } from '../../schema/alert';
import type { AdapterResult } from './normalize';
import {
  fitKey,
  isRecord,
  issueMessages,
  mapSeverity,
  normalizeEvent,
  parseTimestamp,
} from './normalize';

/**
 * Alertmanager routes by free-form labels, so an unknown severity label is not an error.
 * Default "error" matches Alertmanager's own pagerduty_configs default severity.
 */
export const DEFAULT_GROUP_SEVERITY: Severity = 'error';

/**
 * A group format read alert by alert (worker/service/group-body.ts): each alert is checked on arrival,
 * the group's own fields at the end, and then both become events exactly as the whole-body adapter would.
 */
export interface GroupAdapter<A = unknown, F = unknown> {
  alertSchema: z.ZodType<A>;
  fieldsSchema: z.ZodObject & z.ZodType<F>;
  toEvents: (fields: F, alerts: A[]) => Promise<AlertEvent[]>;
}

const alertmanagerFields = alertmanagerSchema.omit({ alerts: true });

/** Alertmanager's group, read alert by alert. */
export const alertmanagerGroup: GroupAdapter<
  z.infer<typeof groupAlertSchema>,
  z.infer<typeof alertmanagerFields>
> = {
  alertSchema: groupAlertSchema,
  fieldsSchema: alertmanagerFields,
  toEvents: (fields, alerts) => groupToEvents({ ...fields, alerts }, 'Alertmanager'),
};

export type GroupAlert = z.infer<typeof groupAlertSchema> & {
  /** Sender-specific links (Grafana silence/dashboard/panel), shown after the rule's source link. */
  extraLinks?: AlertLink[];
  extraDetails?: Record<string, unknown>;
};
export type AlertGroup = Omit<z.infer<typeof groupSchema>, 'alerts'> & { alerts: GroupAlert[] };

function alertSummary(alert: GroupAlert): string {
  const annotations = alert.annotations ?? {};
  const fromAnnotations = [annotations.summary, annotations.description].find((t) => t?.trim());
  if (fromAnnotations) return fromAnnotations;
  const { alertname, instance } = alert.labels;
  if (!alertname?.trim()) return `Alert ${alert.fingerprint}`;
  return instance?.trim() ? `${alertname} on ${instance}` : alertname;
}

/**
 * Shared by Alertmanager and Grafana, whose notifications have the same group shape.
 * Past the first LIMITS.alertsPerIncident distinct alerts, an incident follows alerts by key and state only,
 * so those alerts travel on lean (no labels, annotations, details or links): a 16 MB group stays small in memory
 * and on its way to the incident.
 */
export async function groupToEvents(group: AlertGroup, senderName: string): Promise<AlertEvent[]> {
  const dedupKey = await fitKey(group.groupKey);
  // A summary common to the whole group names the incident better than any one alert of it.
  const groupSummary = group.commonAnnotations?.summary;
  const keys = await Promise.all(group.alerts.map((alert) => fitKey(alert.fingerprint)));
  const listed = new Set<string>();
  for (const key of keys) if (listed.size < LIMITS.alertsPerIncident) listed.add(key);
  return group.alerts.map((alert, i): AlertEvent => {
    const alertKey = keys[i] as string;
    const common = {
      action: alert.status === 'firing' ? ('trigger' as const) : ('resolve' as const),
      dedupKey,
      alertKey,
      summary: alertSummary(alert),
      severity: mapSeverity(alert.labels.severity) ?? DEFAULT_GROUP_SEVERITY,
      truncatedAlerts: group.truncatedAlerts,
      groupSummary,
    };
    if (!listed.has(alertKey)) return normalizeEvent(common);
    const annotations = alert.annotations ?? {};
    const links: AlertLink[] = [];
    if (annotations.runbook_url) links.push({ href: annotations.runbook_url, text: 'Runbook' });
    if (alert.generatorURL) links.push({ href: alert.generatorURL, text: 'Source' });
    links.push(...(alert.extraLinks ?? []));
    if (group.externalURL) links.push({ href: group.externalURL, text: senderName });
    const endsAt = parseTimestamp(alert.endsAt);
    return normalizeEvent({
      ...common,
      source: alert.labels.instance ?? alert.labels.job,
      occurredAt: parseTimestamp(alert.startsAt),
      details: {
        receiver: group.receiver,
        ...(group.groupLabels && Object.keys(group.groupLabels).length
          ? { groupLabels: group.groupLabels }
          : {}),
        ...(alert.startsAt ? { startsAt: alert.startsAt } : {}),
        ...(endsAt !== undefined ? { endsAt: alert.endsAt } : {}),
        ...alert.extraDetails,
      },
      labels: alert.labels,
      annotations,
      links,
    });
  });
}

export async function adaptAlertmanager(body: unknown, _now: number): Promise<AdapterResult> {
  if (!isRecord(body)) return { ok: false, errors: ['body: expected a JSON object'] };
  const parsed = alertmanagerSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: issueMessages(parsed.error.issues) };
  return { ok: true, events: await groupToEvents(parsed.data, 'Alertmanager') };
}
