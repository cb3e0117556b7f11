/**
 * /api/services: services and their integrations (the keys monitors page with).
 * A key is shown once, when created or rotated; only its keyed hash is stored.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { hashSecret } from '../auth/secrets';
import { now } from '../clock';
import {
  createIntegration,
  getIntegration,
  listIntegrations,
  revokeIntegration,
  rotateIntegrationKey,
  updateIntegration,
  type Integration,
} from '../directory/integrations';
import {
  createService,
  deleteService,
  getService,
  listServices,
  serviceUses,
  updateService,
  type ServiceUses,
} from '../directory/services';
import { allServiceRules } from '../directory/service-rules';
import { limitBody, requireJson, validationHook } from '../edge';
import { badRequest, conflict, notFound } from '../errors';
import { newId, newSecret } from '../ids';
import { serviceRouter } from '../stubs';
import { serviceChanges } from '../service/router-calls';
import { keyFor } from '../service/router-keys';
import { changeSchema } from '../../schema/change-schemas';
import {
  DEFAULT_RATE_PER_MINUTE,
  integrationInput,
  integrationListSchema,
  integrationPatch,
  integrationSchema,
  integrationWithKeySchema,
  serviceInput,
  servicePatch,
  serviceSchema,
} from '../../schema/integration-schemas';
import type { RecordedPayload } from '../../schema/directory';
import { publicOrigin } from './auth';
import { initialMapping } from './integration-mapping';
import { LABELS, present, presentWithKey } from './integration-view';
import { bearer, problems } from './openapi-shared';

const serviceParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const integrationParam = serviceParam.extend({
  iid: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'iid', in: 'path' } }),
});

export const services = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
// 64 KB: a custom integration's mapping may hold a dozen expressions of up to 2,000 characters and two value maps.
// A service's event rules (routes/service-rules.ts, same prefix) take up to 512 KB: 100 rules with conditions,
// templates and notes.
export const RULES_BODY_MAX = 512 * 1024;
services.use(
  '*',
  limitBody((path) => (/\/rules(?:\/preview)?$/.test(path) ? RULES_BODY_MAX : 64 * 1024)),
  requireJson(),
);

async function serviceOr404(db: D1Database, id: string) {
  const service = await getService(db, id);
  if (!service) throw notFound(`No service ${id}.`);
  return service;
}

services.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['services'],
    summary: 'Create a service (admin)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: serviceInput,
          },
        },
      },
    },
    responses: {
      201: {
        description: 'The service',
        content: { 'application/json': { schema: z.object({ service: serviceSchema }) } },
      },
      400: problems[400],
      401: problems[401],
      403: problems[403],
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const service = {
      id: newId('svc'),
      name: body.name,
      description: body.description ?? '',
      policyId: body.policyId ?? null,
      createdAt: now(),
    };
    await createService(c.env.DB, service);
    return c.json({ service }, 201, { location: `/api/services/${service.id}` });
  },
);

services.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['services'],
    summary: 'All services',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'Services',
        content: { 'application/json': { schema: z.object({ services: z.array(serviceSchema) }) } },
      },
      401: problems[401],
    },
  }),
  async (c) => c.json({ services: await listServices(c.env.DB) }, 200),
);

services.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['services'],
    summary: 'One service',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: serviceParam },
    responses: {
      200: {
        description: 'The service',
        content: { 'application/json': { schema: z.object({ service: serviceSchema }) } },
      },
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => c.json({ service: await serviceOr404(c.env.DB, c.req.valid('param').id) }, 200),
);

services.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: ['services'],
    summary:
      'Rename a service or change its description (admin); its policy is set under /api/policies',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: serviceParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: servicePatch,
          },
        },
      },
    },
    responses: {
      200: {
        description: 'The service',
        content: { 'application/json': { schema: z.object({ service: serviceSchema }) } },
      },
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    if (!(await updateService(c.env.DB, id, c.req.valid('json'))))
      throw notFound(`No service ${id}.`);
    return c.json({ service: await serviceOr404(c.env.DB, id) }, 200);
  },
);

/** "open incidents #4 “Disk full”, and live integrations “Alertmanager”": what a 409 names. */
function describeUses(uses: ServiceUses): string {
  const parts: string[] = [];
  if (uses.incidents.length)
    parts.push(
      `open ${uses.incidents.length === 1 ? 'incident' : 'incidents'} ${uses.incidents.map((i) => `#${i.number} “${i.title}”`).join(', ')}`,
    );
  if (uses.integrations.length)
    parts.push(
      `live ${uses.integrations.length === 1 ? 'integration' : 'integrations'} ${uses.integrations.map((i) => `“${i.name}” (${i.id})`).join(', ')}`,
    );
  return parts.join(' and ');
}

services.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['services'],
    summary: 'Delete a service with no open incident and no live integration (admin)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: serviceParam },
    responses: {
      204: { description: 'Deleted' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const service = await serviceOr404(c.env.DB, id);
    const routing = [...(await allServiceRules(c.env.DB))].flatMap(([from, set]) =>
      from === id
        ? []
        : set.rules
            .filter((r) => r.actions.some((a) => a.type === 'route' && a.service_id === id))
            .map((r) => `“${r.name}” of ${from}`),
    );
    if (routing.length)
      throw conflict(
        `Service “${service.name}” is the target of event rules ${routing.join(', ')}; change those rules first.`,
      );
    // The delete re-checks in the same statements: an integration added meanwhile still keeps the service.
    if (await deleteService(c.env.DB, id)) return c.body(null, 204);
    const uses = await serviceUses(c.env.DB, id);
    const what = describeUses(uses) || 'an incident or integration that just arrived';
    throw conflict(
      `Service “${service.name}” still has ${what}; resolve the incidents and revoke the integrations first.`,
      { ...uses },
    );
  },
);

services.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/integrations',
    tags: ['services'],
    summary: 'Add an integration (admin); the key and URL are in this response only',
    description:
      'A custom integration needs `preset` (an id from GET /api/mapping-presets) or `mapping`; other types take neither.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: serviceParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: integrationInput,
          },
        },
      },
    },
    responses: {
      201: {
        description: 'The integration with its key',
        content: { 'application/json': { schema: integrationWithKeySchema } },
      },
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id: serviceId } = c.req.valid('param');
    const body = c.req.valid('json');
    if (body.signingSecret !== undefined && body.type !== 'grafana')
      throw badRequest('signingSecret is only used by Grafana integrations.');
    const { presetName, ...mapping } = initialMapping(body);
    await serviceOr404(c.env.DB, serviceId);
    const key = keyFor(serviceId, newSecret('fbk'));
    const integration: Integration = {
      id: newId('int'),
      serviceId,
      type: body.type,
      name: body.name ?? presetName ?? LABELS[body.type],
      signingSecret: body.signingSecret ?? null,
      ratePerMinute: body.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE,
      ...mapping,
      createdAt: now(),
      revokedAt: null,
    };
    await createIntegration(c.env.DB, {
      ...integration,
      keyHash: await hashSecret(c.env.SESSION_SECRET, key),
    });
    return c.json(presentWithKey(integration, publicOrigin(c.env, c.req.url), key), 201);
  },
);

services.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/integrations',
    tags: ['services'],
    summary: 'The service’s integrations (never their keys) with the last payloads each received',
    security: bearer,
    middleware: [requireRole('responder')] as const,
    request: { params: serviceParam },
    responses: {
      200: {
        description:
          'Integrations, each with up to 20 recent payloads (newest first, 8 KB each; custom: 64 KB each, 512 KB in all)',
        content: {
          'application/json': {
            schema: integrationListSchema,
          },
        },
      },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    await serviceOr404(c.env.DB, id);
    const list = await listIntegrations(c.env.DB, id);
    const router = serviceRouter(c.env, id);
    const payloads = (await router.recentPayloads(list.map((i) => i.id))) as Record<
      string,
      RecordedPayload[]
    >;
    const origin = publicOrigin(c.env, c.req.url);
    return c.json(
      {
        integrations: list.map((i) => ({
          ...present(i, origin),
          recentPayloads: payloads[i.id] ?? [],
        })),
      },
      200,
    );
  },
);

services.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/changes',
    tags: ['services'],
    summary: 'The service’s change events (deploys, config pushes), newest first',
    description:
      'Sent to POST /v2/change/enqueue with a PagerDuty integration key of the service; kept 90 days, at most 500.',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: {
      params: serviceParam,
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    },
    responses: {
      200: {
        description: 'Change events',
        content: { 'application/json': { schema: z.object({ changes: z.array(changeSchema) }) } },
      },
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    await serviceOr404(c.env.DB, id);
    return c.json(
      { changes: await serviceChanges(c.env, id, { limit: c.req.valid('query').limit }) },
      200,
    );
  },
);

services.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/integrations/{iid}/rotate',
    tags: ['services'],
    summary: 'Rotate an integration’s key (admin): the old key stops working at once',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: integrationParam },
    responses: {
      200: {
        description: 'The integration with its new key',
        content: { 'application/json': { schema: integrationWithKeySchema } },
      },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id, iid } = c.req.valid('param');
    const key = keyFor(id, newSecret('fbk'));
    const rotated = await rotateIntegrationKey(
      c.env.DB,
      id,
      iid,
      await hashSecret(c.env.SESSION_SECRET, key),
    );
    // The router forgets the old key before this answers, so it is refused on the very next request.
    await serviceRouter(c.env, id).forgetIntegration(iid);
    if (!rotated) throw notFound(`Service ${id} has no live integration ${iid}.`);
    const integration = (await getIntegration(c.env.DB, id, iid)) as Integration;
    return c.json(presentWithKey(integration, publicOrigin(c.env, c.req.url), key), 200);
  },
);

services.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}/integrations/{iid}',
    tags: ['services'],
    summary: 'Rename an integration or change its rate limit (admin); the key stays the same',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: integrationParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: integrationPatch,
          },
        },
      },
    },
    responses: {
      200: {
        description: 'The integration',
        content: { 'application/json': { schema: integrationSchema } },
      },
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id, iid } = c.req.valid('param');
    const updated = await updateIntegration(c.env.DB, id, iid, c.req.valid('json'));
    await serviceRouter(c.env, id).forgetIntegration(iid);
    if (!updated) throw notFound(`Service ${id} has no integration ${iid}.`);
    return c.json(
      present(
        (await getIntegration(c.env.DB, id, iid)) as Integration,
        publicOrigin(c.env, c.req.url),
      ),
      200,
    );
  },
);

services.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}/integrations/{iid}',
    tags: ['services'],
    summary: 'Revoke an integration (admin): its key stops working at once',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: integrationParam },
    responses: {
      204: { description: 'Revoked' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id, iid } = c.req.valid('param');
    const revoked = await revokeIntegration(c.env.DB, id, iid, now());
    // Even when D1 says it was revoked already: a router that missed the first telling forgets it now.
    await serviceRouter(c.env, id).forgetIntegration(iid);
    if (!revoked) throw notFound(`Service ${id} has no live integration ${iid}.`);
    return c.body(null, 204);
  },
);
