/**
 * The alerts a recorded payload made, read again from its body by the integration's own adapter (a custom
 * integration: its mapping), for the event rules preview. A body cut when recorded, or one the sender's format
 * refused, cannot be read again: the preview shows why instead.
 */
import type { AlertEvent } from '../../schema/alert';
import type { RecordedPayload } from '../../schema/directory';
import { adaptAlertmanager } from '../adapters/alertmanager';
import { adaptGeneric, genericFromForm } from '../adapters/generic';
import { adaptGrafana } from '../adapters/grafana';
import { adaptOpsgenieCreate } from '../adapters/opsgenie';
import { adaptPagerDuty } from '../adapters/pagerduty';
import { now } from '../clock';
import type { Integration } from '../directory/integrations';
import { mapRecorded } from '../mapping/preview';

export type RecordedAlerts = { events: AlertEvent[]; notes: string[] } | { error: string };

export async function recordedAlerts(
  integration: Integration,
  payload: RecordedPayload,
): Promise<RecordedAlerts> {
  if (payload.outcome !== 'accepted')
    return { error: `the payload was ${payload.outcome.replace('_', ' ')}: ${payload.detail}` };
  if (integration.type === 'custom') {
    if (!integration.mapping) return { error: 'the integration has no mapping' };
    const mapped = await mapRecorded(integration.mapping, payload, integration.name);
    return 'error' in mapped ? mapped : { events: mapped.events, notes: mapped.notes };
  }
  let body: unknown;
  try {
    const form =
      integration.type === 'generic' &&
      /^application\/x-www-form-urlencoded/i.test(payload.contentType ?? '') &&
      !payload.body.trimStart().startsWith('{');
    body = form ? genericFromForm(new URLSearchParams(payload.body)) : JSON.parse(payload.body);
  } catch {
    return {
      error: payload.truncated
        ? `the body was cut when recorded (${payload.bytes} bytes received), so it cannot be read again`
        : 'the body is not JSON',
    };
  }
  const at = now();
  const result =
    integration.type === 'generic'
      ? await adaptGeneric(body, at)
      : integration.type === 'pagerduty'
        ? adaptPagerDuty(body, at)
        : integration.type === 'alertmanager'
          ? await adaptAlertmanager(body, at)
          : integration.type === 'grafana'
            ? await adaptGrafana(body, at)
            : await adaptOpsgenieCreate(body, at);
  if (result.ok) return { events: result.events, notes: [] };
  return {
    error: 'errors' in result ? result.errors.join('; ') : (result as { message: string }).message,
  };
}
