/** Ingestion test helpers: services and integrations made through the API, payloads posted like a monitor would. */
import { SELF } from 'cloudflare:test';
import type { IntegrationType } from '../../schema/alert';
import type { RecordedPayload } from '../../schema/directory';
import type { Incident, IncidentAlert, TimelineEntry } from '../../schema/incident';
import type { IncidentSummary } from '../../worker/directory/incident-index';
import { ADMIN, BASE, api, json } from '../helpers';

export { alertGroup } from '../fixtures/alert-storm.mjs';

export interface CreatedIntegration {
  id: string;
  type: IntegrationType;
  key: string;
  url: string;
  endpoint: string;
}

export async function newService(name = 'Checkout'): Promise<string> {
  return (
    await json<{ service: { id: string } }>(
      api('/api/services', { body: { name }, headers: ADMIN }),
      201,
    )
  ).service.id;
}

export async function newIntegration(
  serviceId: string,
  type: IntegrationType,
  extra: Record<string, unknown> = {},
): Promise<CreatedIntegration> {
  return json<CreatedIntegration>(
    api(`/api/services/${serviceId}/integrations`, { body: { type, ...extra }, headers: ADMIN }),
    201,
  );
}

/** A service with one integration of `type`, the usual starting point. */
export async function serviceWith(
  type: IntegrationType,
  extra: Record<string, unknown> = {},
): Promise<{ serviceId: string; integration: CreatedIntegration }> {
  const serviceId = await newService();
  return { serviceId, integration: await newIntegration(serviceId, type, extra) };
}

/** POST (or `method`) a JSON value, or a raw string as is, to a path or absolute URL. */
export function send(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<Response> {
  const target = url.startsWith('http') ? url : `${BASE}${url}`;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return SELF.fetch(target, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  });
}

export async function serviceIncidents(serviceId: string): Promise<IncidentSummary[]> {
  return (
    await json<{ incidents: IncidentSummary[] }>(
      api(`/api/incidents?service=${serviceId}&limit=200`, { headers: ADMIN }),
      200,
    )
  ).incidents;
}

export interface View {
  incident: Incident;
  timeline: TimelineEntry[];
  alerts: IncidentAlert[];
}

export async function view(id: string): Promise<View> {
  return json<View>(api(`/api/incidents/${id}`, { headers: ADMIN }), 200);
}

/** The one incident a service has, failing loudly if there are more or none. */
export async function onlyIncident(serviceId: string): Promise<View> {
  const list = await serviceIncidents(serviceId);
  if (list.length !== 1)
    throw new Error(`expected one incident for ${serviceId}, found ${list.length}`);
  return view((list[0] as IncidentSummary).id);
}

export function expectProblem(
  res: Response,
): Promise<{ type: string; code: string; detail: string; status: number; errors?: unknown[] }> {
  if (res.headers.get('content-type') !== 'application/problem+json')
    throw new Error(
      `expected problem+json, got ${res.headers.get('content-type')} (${res.status})`,
    );
  return res.json();
}

/** A body just over the 512 KB limit. */
export const OVERSIZED = JSON.stringify({
  summary: 'big',
  details: { blob: 'x'.repeat(512 * 1024) },
});

/** Escalation and notification entries come from the paging side, which these tests do not exercise. */
const PAGING_KINDS: ReadonlySet<string> = new Set([
  'escalated',
  'escalation_skipped',
  'nobody_paged',
  'notification_sent',
  'notification_failed',
  'notification_delivered',
]);

/** The timeline's kinds, without the paging side's entries. */
export function story(timeline: readonly TimelineEntry[]): string[] {
  return timeline.filter((e) => !PAGING_KINDS.has(e.kind)).map((e) => e.kind);
}

/** The payloads an integration recorded, newest first, as the integration listing shows them. */
export async function recentPayloads(
  serviceId: string,
  integrationId: string,
): Promise<RecordedPayload[]> {
  const { integrations } = await json<{
    integrations: { id: string; recentPayloads: RecordedPayload[] }[];
  }>(api(`/api/services/${serviceId}/integrations`, { headers: ADMIN }), 200);
  return integrations.find((i) => i.id === integrationId)?.recentPayloads ?? [];
}
