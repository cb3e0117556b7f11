/**
 * The normalized alert event every monitor adapter produces: its constants, and its types (derived from the
 * zod shape in ./alert-schemas; nothing here loads zod). Adapters are pure: native payload in, AlertEvent[]
 * out; ingestion never sees a native format.
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
  'custom',
] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

/** PagerDuty's dedup_key limit; longer keys from formats without a limit are hashed down to fit. */
export const KEY_MAX = 255;

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

export type { AlertEvent, AlertLink } from './alert-schemas';
