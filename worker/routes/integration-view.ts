/**
 * How the API shows an integration: its label, where its monitor posts and how it sends the key, and (custom
 * integrations) its mapping. Shared by the service routes and the mapping routes.
 */
import type { IntegrationType } from '../../schema/alert';
import type { Integration as IntegrationView } from '../../schema/integration-schemas';
import type { Integration } from '../directory/integrations';

/** The name an integration gets when the admin gives none. */
export const LABELS: Record<IntegrationType, string> = {
  pagerduty: 'PagerDuty',
  alertmanager: 'Alertmanager',
  grafana: 'Grafana',
  opsgenie: 'Opsgenie',
  generic: 'Generic',
  custom: 'Custom',
};

/** Where a monitor of each type posts: the key goes in the URL for webhooks, in the body or a header otherwise. */
function integrationUrl(origin: string, type: IntegrationType, key: string): string {
  if (type === 'pagerduty') return `${origin}/v2/enqueue`;
  if (type === 'opsgenie') return origin; // Opsgenie clients append /v2/alerts to their api_url.
  return `${origin}/hooks/${type}/${key}`;
}

const KEY_HOW: Record<IntegrationType, string> = {
  pagerduty: 'routing_key in the event body',
  alertmanager: 'in the URL, or as Authorization: Bearer <key>',
  grafana: 'in the URL, or as Authorization: Bearer <key>',
  opsgenie:
    'Authorization: GenieKey <key> (Alertmanager: opsgenie_configs api_key; api_url is the URL)',
  generic: 'in the URL, as Authorization: Bearer <key>, or a token field',
  custom: 'in the URL, or as Authorization: Bearer <key>',
};

export function present(i: Integration, origin: string): IntegrationView {
  return {
    id: i.id,
    serviceId: i.serviceId,
    type: i.type,
    name: i.name,
    ratePerMinute: i.ratePerMinute,
    signed: i.signingSecret !== null,
    endpoint: integrationUrl(origin, i.type, '{key}'),
    keyIn: KEY_HOW[i.type],
    mapping: i.mapping,
    preset: i.preset,
    createdAt: i.createdAt,
    revokedAt: i.revokedAt,
  };
}

/** The one answer that carries the key (creation and rotation): shown once, then only its hash is kept. */
export function presentWithKey(i: Integration, origin: string, key: string) {
  return { ...present(i, origin), key, url: integrationUrl(origin, i.type, key) };
}
