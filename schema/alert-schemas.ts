/**
 * The normalized alert event as a zod shape, with its type derived from it. Every monitor adapter produces
 * AlertEvents; the router hands them to the incident object, so this is the contract between the two.
 * Limits are not part of the shape: the adapters' shared normalize step cuts to LIMITS (./alert).
 */
import { z } from '@hono/zod-openapi';
import { ALERT_ACTIONS, SEVERITIES } from './alert';

export const alertLinkSchema = z.object({ href: z.string(), text: z.string().optional() });

export const alertEventSchema = z.object({
  action: z.enum(ALERT_ACTIONS),
  /** Groups events into one open incident (PagerDuty dedup_key, Alertmanager groupKey, Opsgenie alias…). */
  dedupKey: z.string(),
  /** Identity of one alert inside the incident (Alertmanager fingerprint); equals dedupKey for single-alert formats. */
  alertKey: z.string(),
  summary: z.string(),
  /** True when summary or details were cut to fit LIMITS. */
  truncated: z.boolean(),
  severity: z.enum(SEVERITIES),
  source: z.string().optional(),
  /** When the monitor says the alert started (epoch ms), if it says. */
  occurredAt: z.number().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  links: z.array(alertLinkSchema),
  /** Alertmanager/Grafana: alerts the sender dropped from this notification. */
  truncatedAlerts: z.number().int().optional(),
  /** Alertmanager/Grafana: the summary every alert of the group shares (commonAnnotations.summary), if any. */
  groupSummary: z.string().optional(),
  /** The event rules that matched it, on every service it passed through (worker/service/judge.ts). */
  rules: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  /** A rule's auto_resolve: the incident resolves after this many minutes without a new trigger. */
  autoResolveMinutes: z.number().int().optional(),
  /** A rule's attach_runbook: the runbook an incident this alert opens gets instead of the service default. */
  runbookId: z.string().optional(),
});

export type AlertLink = z.infer<typeof alertLinkSchema>;
export type AlertEvent = z.infer<typeof alertEventSchema>;
