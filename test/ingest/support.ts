/** Ingestion test helpers: services and integrations made through the API, payloads posted like a monitor would. */
import { SELF } from 'cloudflare:test';
import type { IntegrationType } from '../../schema/alert';
import type { Incident, IncidentAlert, TimelineEntry } from '../../schema/incident';
import type { IncidentSummary } from '../../worker/directory/incident-index';
import { ADMIN, BASE, api, json } from '../helpers';

export interface CreatedIntegration {
  id: string;
  type: IntegrationType;
  key: string;
  url: string;
  endpoint: string;
}

export async function newService(name = 'Checkout'): Promise<string> {
  return (await json<{ service: { id: string } }>(api('/api/services', { body: { name }, headers: ADMIN }), 201)).service.id;
}

export async function newIntegration(serviceId: string, type: IntegrationType, extra: Record<string, unknown> = {}): Promise<CreatedIntegration> {
  return json<CreatedIntegration>(api(`/api/services/${serviceId}/integrations`, { body: { type, ...extra }, headers: ADMIN }), 201);
}

/** A service with one integration of `type`, the usual starting point. */
export async function serviceWith(type: IntegrationType, extra: Record<string, unknown> = {}): Promise<{ serviceId: string; integration: CreatedIntegration }> {
  const serviceId = await newService();
  return { serviceId, integration: await newIntegration(serviceId, type, extra) };
}

/** POST (or `method`) a JSON value, or a raw string as is, to a path or absolute URL. */
export function send(url: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<Response> {
  const target = url.startsWith('http') ? url : `${BASE}${url}`;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return SELF.fetch(target, { method, headers: { 'content-type': 'application/json', ...headers }, body: text });
}

export async function serviceIncidents(serviceId: string): Promise<IncidentSummary[]> {
  return (await json<{ incidents: IncidentSummary[] }>(api(`/api/incidents?service=${serviceId}&limit=200`, { headers: ADMIN }), 200)).incidents;
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
  if (list.length !== 1) throw new Error(`expected one incident for ${serviceId}, found ${list.length}`);
  return view((list[0] as IncidentSummary).id);
}

export function expectProblem(res: Response): Promise<{ type: string; code: string; detail: string; status: number; errors?: unknown[] }> {
  if (res.headers.get('content-type') !== 'application/problem+json') throw new Error(`expected problem+json, got ${res.headers.get('content-type')} (${res.status})`);
  return res.json();
}

/** A body just over the 512 KB limit. */
export const OVERSIZED = JSON.stringify({ summary: 'big', details: { blob: 'x'.repeat(512 * 1024) } });

/** Escalation and notification entries come from the paging side, which these tests do not exercise. */
const PAGING_KINDS: ReadonlySet<string> = new Set(['escalated', 'escalation_skipped', 'nobody_paged', 'notification_sent', 'notification_failed', 'notification_delivered']);

/** The timeline's kinds, without the paging side's entries. */
export function story(timeline: readonly TimelineEntry[]): string[] {
  return timeline.filter((e) => !PAGING_KINDS.has(e.kind)).map((e) => e.kind);
}

const GROUP_KEY = '{}/{severity="critical"}:{alertname="InstanceDown"}';

/** One alert of a storm as Alertmanager's webhook v4 sends it (about 330 bytes). */
function stormAlert(i: number, status: 'firing' | 'resolved' = 'firing') {
  return {
    status,
    labels: { alertname: 'InstanceDown', instance: `node-${i}.prod.internal:9100`, job: 'node', severity: 'critical' },
    annotations: { summary: `node-${i} is down` },
    startsAt: '2026-11-26T10:00:00.000Z',
    endsAt: status === 'resolved' ? '2026-11-26T11:00:00.000Z' : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.internal:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1',
    fingerprint: i.toString(16).padStart(16, '0'),
  };
}

/** An Alertmanager notification for alerts [from, to) of one group (one incident), each firing unless `status` says. */
export function alertGroup(from: number, to: number, status: (i: number) => 'firing' | 'resolved' = () => 'firing') {
  const alerts = Array.from({ length: to - from }, (_, k) => stormAlert(from + k, status(from + k)));
  return {
    receiver: 'firebell',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: { alertname: 'InstanceDown' },
    commonLabels: { alertname: 'InstanceDown', job: 'node', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.internal:9093',
    version: '4',
    groupKey: GROUP_KEY,
    truncatedAlerts: 0,
  };
}
