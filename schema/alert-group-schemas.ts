/**
 * The group notifications Alertmanager and Grafana send to their hooks, as zod shapes: the adapters
 * (worker/adapters/alertmanager.ts, grafana.ts) validate with them, whole or alert by alert. Their
 * messages are the `detail` a refused body is answered with.
 */
import { z } from '@hono/zod-openapi';

// Go encodes an empty map as null in some senders; treat it like {}.
const stringMap = z.record(z.string(), z.string()).nullish();
const status = z.enum(['firing', 'resolved']);

export const groupAlertSchema = z.object({
  status,
  labels: z.record(z.string(), z.string()),
  annotations: stringMap,
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1),
});

/** Unknown fields are ignored, not rejected: Alertmanager adds fields across releases and must keep paging. */
export const groupSchema = z.object({
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().min(0).optional(),
  status,
  receiver: z.string(),
  groupLabels: stringMap,
  commonLabels: stringMap,
  commonAnnotations: stringMap,
  externalURL: z.string().optional(),
  alerts: z
    .array(groupAlertSchema)
    .min(1, { error: 'a notification must carry at least one alert' }),
});

/** Alertmanager's webhook body (webhook_configs, version 4). */
export const alertmanagerSchema = groupSchema.extend({
  version: z.literal('4', { error: 'unsupported webhook payload version (expected "4")' }),
});

export const grafanaAlertSchema = groupAlertSchema.extend({
  valueString: z.string().optional(),
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  imageURL: z.string().optional(),
  values: z.record(z.string(), z.unknown()).nullish(),
});

/** Grafana alerting's webhook contact point body: the same group, with Grafana's extra fields. */
export const grafanaSchema = groupSchema.extend({
  // Not checked: Grafana's payload version is not a compatibility promise the way Alertmanager's is.
  version: z.string().optional(),
  orgId: z.number().optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
  alerts: z
    .array(grafanaAlertSchema)
    .min(1, { error: 'a notification must carry at least one alert' }),
});
