/**
 * The Opsgenie Alert API's reads: get an alert (by id, tiny id or alias), list alerts, and the status of
 * an earlier request. Only the key's own service is visible. Answers in Opsgenie's shapes.
 */
import type { Context } from 'hono';
import type { IntegrationType } from '../../schema/alert';
import type { Actor } from '../../schema/incident';
import type { AppEnv } from '../app-env';
import {
  parseListParams,
  toOpsgenieAlert,
  toOpsgenieBaseAlert,
  type OpsgenieIntegration,
} from '../adapters/opsgenie-alert';
import { pageIncidentIds } from '../directory/incident-index';
import { listIntegrations } from '../directory/integrations';
import type { Env } from '../env';
import { requestOutcome } from '../service/router-calls';
import { publicOrigin } from './auth';
import { answer, authenticate, findAlert, viewOf } from './opsgenie-common';

/** Opsgenie's names for the kinds of integration Firebell has. */
const OPSGENIE_TYPES: Record<IntegrationType, string> = {
  opsgenie: 'API',
  alertmanager: 'Prometheus',
  grafana: 'Grafana',
  pagerduty: 'PagerDuty',
  generic: 'Webhook',
  custom: 'Webhook',
};

/** Names the integration behind an incident's creator; incidents opened by hand come from Firebell's "Web". */
async function integrationsOf(
  env: Env,
  serviceId: string,
): Promise<(actor: Actor) => OpsgenieIntegration> {
  const byId = new Map((await listIntegrations(env.DB, serviceId)).map((i) => [i.id, i]));
  return (actor) => {
    if (actor.kind !== 'integration') return { id: '', name: 'Firebell', type: 'Web' };
    const known = byId.get(actor.id);
    return {
      id: actor.id,
      name: known?.name ?? actor.name,
      type: known ? OPSGENIE_TYPES[known.type] : 'API',
    };
  };
}

/** GET /v2/alerts/:identifier?identifierType=id|tiny|alias */
export async function getAlert(c: Context<AppEnv>): Promise<Response> {
  const reply = answer(c);
  const integration = await authenticate(c, reply);
  if (integration instanceof Response) return integration;
  const found = await findAlert(
    c.env,
    integration,
    c.req.param('identifier') ?? '',
    c.req.query('identifierType'),
  );
  if (!found.ok) return reply.send(found.status, { message: found.message });
  const { incident, alerts } = found.view;
  return reply.send(200, {
    data: toOpsgenieAlert(incident, alerts, await integrationsOf(c.env, integration.serviceId)),
  });
}

/** GET /v2/alerts?query=&offset=&limit=&sort=&order= */
export async function listAlerts(c: Context<AppEnv>): Promise<Response> {
  const reply = answer(c);
  const integration = await authenticate(c, reply);
  if (integration instanceof Response) return integration;
  const parsed = parseListParams((name) => c.req.query(name));
  if (!parsed.ok) return reply.send(422, { message: parsed.message });
  const { params } = parsed;
  const [page, integrationOf] = await Promise.all([
    pageIncidentIds(c.env.DB, { serviceId: integration.serviceId, ...params }),
    integrationsOf(c.env, integration.serviceId),
  ]);
  const views = await Promise.all(page.ids.map((id) => viewOf(c.env, id)));
  const data = views.flatMap((v) =>
    v ? [toOpsgenieBaseAlert(toOpsgenieAlert(v.incident, v.alerts, integrationOf))] : [],
  );

  // Paging links repeat the request's own parameters with another offset, as Opsgenie's do.
  const at = (offset: number) => {
    const url = new URL('/v2/alerts', publicOrigin(c.env, c.req.url));
    for (const [k, v] of new URL(c.req.url).searchParams)
      if (k !== 'offset') url.searchParams.set(k, v);
    url.searchParams.set('offset', String(offset));
    return url.href;
  };
  const paging: Record<string, string> = { first: at(0) };
  if (page.more) paging.next = at(params.offset + params.limit);
  if (params.offset > 0) paging.prev = at(Math.max(0, params.offset - params.limit));
  return reply.send(200, { data, paging });
}

/** GET /v2/alerts/requests/:requestId — what became of one of this key's accepted requests. */
export async function getRequestStatus(c: Context<AppEnv>): Promise<Response> {
  const reply = answer(c);
  const integration = await authenticate(c, reply);
  if (integration instanceof Response) return integration;
  const outcome = await requestOutcome(
    c.env,
    integration,
    (c.req.param('requestId') ?? '').slice(0, 100),
  );
  if (!outcome)
    return reply.send(404, { message: 'Request not found. It might not be processed, yet.' });
  return reply.send(200, {
    data: {
      success: outcome.isSuccess,
      action: outcome.action,
      processedAt: new Date(outcome.processedAt).toISOString(),
      integrationId: outcome.integrationId,
      isSuccess: outcome.isSuccess,
      status: outcome.status,
      alertId: outcome.alertId,
      alias: outcome.alias,
    },
  });
}
