/** /api/webhooks: outgoing webhook subscriptions (admin), their delivery log, test events and redelivery. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  webhookDeliverySchema,
  webhookEventSchema,
  webhookInput,
  webhookPatch,
  webhookSubscriptionSchema,
  type WebhookSubscription,
} from '../../schema/webhook-schemas';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { now } from '../clock';
import { invalid, limitBody, requireJson, validationHook } from '../edge';
import type { Env } from '../env';
import { notFound } from '../errors';
import { newId } from '../ids';
import { checkOutboundUrl } from '../net/outbound';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  newWebhookSecret,
  rotateSecret,
  updateSubscription,
} from '../webhooks/directory';
import { webhookQueue } from '../webhooks/queue';
import { testEvent } from '../webhooks/test-event';
import { bearer, idParam, json, problems, writeProblems } from './openapi-shared';

export const webhooks = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
webhooks.use('*', limitBody(16 * 1024), requireJson());
webhooks.openAPIRegistry.register('WebhookEvent', webhookEventSchema);

const idParams = idParam('whk_…');
const deliveryParam = idParams.extend({
  deliveryId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'deliveryId', in: 'path' }, example: 'dlv_…' }),
});
const withSecret = z.object({
  webhook: webhookSubscriptionSchema,
  /** Shown only here: the `whsec_` secret to verify signatures with. */
  secret: z.string().openapi({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
});
const one = z.object({ webhook: webhookSubscriptionSchema });

function checkUrl(env: Env, url: string): void {
  const check = checkOutboundUrl(url, env);
  if (!check.ok) throw invalid([{ path: 'url', message: `The webhook URL ${check.problem}.` }]);
}

async function checkService(db: D1Database, serviceId: string | null | undefined): Promise<void> {
  if (!serviceId) return;
  const row = await db.prepare('SELECT 1 AS x FROM services WHERE id = ?').bind(serviceId).first();
  if (!row) throw invalid([{ path: 'serviceId', message: `unknown service ${serviceId}` }]);
}

async function found(db: D1Database, id: string): Promise<WebhookSubscription> {
  const sub = await getSubscription(db, id);
  if (!sub) throw notFound(`No webhook subscription ${id}.`);
  return sub;
}

webhooks.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['webhooks'],
    summary: 'Subscribe a URL to incident events',
    description:
      'Firebell POSTs each event (the WebhookEvent schema) signed per Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`. The answer carries the `whsec_` secret once.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      body: { required: true, content: { 'application/json': { schema: webhookInput } } },
    },
    responses: {
      201: json('The subscription and its signing secret', withSecret),
      ...writeProblems,
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    checkUrl(c.env, body.url);
    await checkService(c.env.DB, body.serviceId);
    const id = newId('whk');
    const secret = newWebhookSecret();
    await createSubscription(c.env.DB, { ...body, id, createdAt: now(), secret });
    // The queue is made now and keeps the subscription, so its first send (maybe beside a page) is cheap.
    await webhookQueue(c.env, id).configure(id);
    return c.json({ webhook: await found(c.env.DB, id), secret }, 201, {
      location: `/api/webhooks/${id}`,
    });
  },
);

webhooks.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['webhooks'],
    summary: 'Every webhook subscription',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    responses: {
      200: json(
        'Subscriptions, oldest first',
        z.object({ webhooks: z.array(webhookSubscriptionSchema) }),
      ),
      401: problems[401],
      403: problems[403],
    },
  }),
  async (c) => c.json({ webhooks: await listSubscriptions(c.env.DB) }, 200),
);

webhooks.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['webhooks'],
    summary: 'One webhook subscription',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParams },
    responses: {
      200: json('The subscription', one),
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => c.json({ webhook: await found(c.env.DB, c.req.valid('param').id) }, 200),
);

webhooks.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: ['webhooks'],
    summary: 'Edit, re-enable, or rotate the secret of a webhook subscription',
    description:
      '`enabled: true` re-enables a subscription Firebell disabled and resumes its queue. `rotateSecret: true` adds a new secret (returned once); the old ones keep signing for 24 h, so each request carries several signatures meanwhile.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: webhookPatch } } },
    },
    responses: {
      200: json(
        'The subscription (and the new secret after a rotation)',
        one.extend({ secret: z.string().optional() }),
      ),
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const before = await found(c.env.DB, id);
    if (body.url !== undefined) checkUrl(c.env, body.url);
    await checkService(c.env.DB, body.serviceId);
    await updateSubscription(c.env.DB, id, {
      url: body.url,
      serviceId: body.serviceId,
      events: body.events,
      enabled: body.enabled,
    });
    const secret = body.rotateSecret ? await rotateSecret(c.env.DB, id, now()) : undefined;
    // The queue keeps the subscription and secrets: hand it the new version.
    if (body.enabled && !before.enabled) await webhookQueue(c.env, id).resume(id);
    else await webhookQueue(c.env, id).configure(id);
    return c.json({ webhook: await found(c.env.DB, id), ...(secret ? { secret } : {}) }, 200);
  },
);

webhooks.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['webhooks'],
    summary: 'Delete a webhook subscription and its queue',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParams },
    responses: {
      204: { description: 'Deleted' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deleteSubscription(c.env.DB, id))) throw notFound(`No webhook subscription ${id}.`);
    await webhookQueue(c.env, id).purge();
    return c.body(null, 204);
  },
);

webhooks.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/deliveries',
    tags: ['webhooks'],
    summary: 'The last 100 delivery attempts, newest first',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParams },
    responses: {
      200: json(
        'Attempts and the events still waiting',
        z.object({
          deliveries: z.array(webhookDeliverySchema),
          pending: z.array(
            z.object({
              id: z.string(),
              type: z.string(),
              attempts: z.number().int(),
              nextAt: z.number().int(),
            }),
          ),
        }),
      ),
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    await found(c.env.DB, id);
    const queue = webhookQueue(c.env, id);
    const [deliveries, pending] = await Promise.all([queue.deliveries(), queue.pending()]);
    return c.json({ deliveries, pending }, 200);
  },
);

webhooks.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/test',
    tags: ['webhooks'],
    summary: 'Send a `webhook.test` event',
    description:
      'Queued like any event (behind those waiting); watch the delivery log for the answer.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParams },
    responses: {
      202: json('The event queued', z.object({ event: webhookEventSchema })),
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    await found(c.env.DB, id);
    const event = testEvent(c.env.PUBLIC_URL ?? new URL(c.req.url).origin, now());
    await webhookQueue(c.env, id).enqueue(event, id);
    return c.json({ event }, 202);
  },
);

webhooks.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/deliveries/{deliveryId}/redeliver',
    tags: ['webhooks'],
    summary: 'Send a logged event again (same webhook-id)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: deliveryParam },
    responses: {
      202: json('Queued again', z.object({ queued: z.literal(true) })),
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id, deliveryId } = c.req.valid('param');
    await found(c.env.DB, id);
    if (!(await webhookQueue(c.env, id).redeliver(deliveryId)))
      throw notFound(`No delivery ${deliveryId} in the log of ${id} (it keeps the last 100).`);
    return c.json({ queued: true as const }, 202);
  },
);
