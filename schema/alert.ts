/**
 * The normalized alert event every monitor adapter produces.
 * Adapters are pure: native payload in, AlertEvent[] out; ingestion never sees a native format.
 */

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

export const INTEGRATION_TYPES = [
  'pagerduty',
  'alertmanager',
  'grafana',
  'opsgenie',
  'generic',
] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

/** Limits enforced once, in the adapters' shared normalize step. */
export const LIMITS = {
  /** An alert's summary becomes its incident's title: the same limit binds titles typed by hand (schema/incident.ts). */
  summary: 1024,
  details: 16 * 1024,
  labelValue: 1024,
  links: 20,
  body: 512 * 1024,
  /**
   * Alertmanager and Grafana send a whole alert group in one body and drop any 4xx for good, so theirs is streamed
   * and may be this large: a 10,000-alert group is 0.5–3.5 MB from Alertmanager and up to ~10 MB from Grafana.
   */
  groupBody: 16 * 1024 * 1024,
  /** Distinct alerts (by alert key) one incident keeps in full; past it, only counts and each alert's key and state. */
  alertsPerIncident: 10_000,
} as const;

export interface AlertLink {
  href: string;
  text?: string;
}

export interface AlertEvent {
  action: AlertAction;
  /** Groups events into one open incident (PagerDuty dedup_key, Alertmanager groupKey, Opsgenie alias…). */
  dedupKey: string;
  /** Identity of one alert inside the incident (Alertmanager fingerprint); equals dedupKey for single-alert formats. */
  alertKey: string;
  summary: string;
  /** True when summary or details were cut to fit LIMITS. */
  truncated: boolean;
  severity: Severity;
  source?: string;
  /** When the monitor says the alert started (epoch ms), if it says. */
  occurredAt?: number;
  details?: Record<string, unknown>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  links: AlertLink[];
  /** Alertmanager/Grafana: alerts the sender dropped from this notification. */
  truncatedAlerts?: number;
  /** Alertmanager/Grafana: the summary every alert of the group shares (commonAnnotations.summary), if any. */
  groupSummary?: string;
}
