/**
 * /api/push: a signed-in user's devices (register, list, rename, remove, test page), and the two
 * routes a notification calls with its action token instead of a session: receipts and ack.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { now } from '../clock';
import {
  addSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  markSubscriptionVerified,
  renameSubscription,
  toDevice,
  type PushSubscriptionRecord,
} from '../directory/push-subscriptions';
import { getUser, isActive } from '../directory/users';
import { limitBody, requireJson, validationHook } from '../edge';
import { ProblemError, badRequest, conflict, forbidden, notFound, unauthorized } from '../errors';
import { newId } from '../ids';
import { incidentStub } from '../stubs';
import type { CommandResult } from '../incident/object';
import {
  ACTION_TOKEN_LIFETIME_MS,
  verifyActionToken,
  type ActionClaims,
} from '../push/action-token';
import { sendTestPage } from '../notify/push-devices';
import { drillOf, isTestPage, TEST_INCIDENT_ID } from '../push/payload';
import { drillsStub } from '../drills/object';
import { checkExists, recordReceipt } from '../drills/store';
import { describeOutcome, vapidConfigured } from '../push/sender';
import { endpointProblem } from '../push/validate';
import {
  pushAckBody,
  pushDeviceSchema,
  receiptBody,
  renameDeviceBody,
  subscribeBody,
  testPageSchema,
} from '../../schema/device-schemas';
import { incidentSchema } from '../../schema/incident-schemas';
import { problemBodySchema } from '../../schema/protocol-schemas';
import { bearer, idParam, problems } from './openapi-shared';

/** A person rarely has more than a phone, a laptop and a tablet; the cap stops a runaway client. */
const MAX_DEVICES_PER_USER = 20;

export const push = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
push.use('*', limitBody(16 * 1024), requireJson());

const unavailable = {
  description: 'Web Push is not configured on this server',
  content: { 'application/problem+json': { schema: problemBodySchema } },
};
const idParams = idParam();
const deviceResponse = {
  content: { 'application/json': { schema: z.object({ subscription: pushDeviceSchema }) } },
};

push.openapi(
  createRoute({
    method: 'get',
    path: '/vapid-public-key',
    tags: ['push'],
    summary: 'The VAPID public key to pass to PushManager.subscribe as applicationServerKey',
    responses: {
      200: {
        description: 'Key (base64url, uncompressed P-256 point)',
        content: { 'application/json': { schema: z.object({ publicKey: z.string() }) } },
      },
      503: unavailable,
    },
  }),
  async (c) => {
    if (!c.env.VAPID_PUBLIC_KEY) throw notConfigured();
    return c.json({ publicKey: c.env.VAPID_PUBLIC_KEY }, 200);
  },
);

push.openapi(
  createRoute({
    method: 'post',
    path: '/subscriptions',
    tags: ['push'],
    summary:
      'Register this device for pages (re-registering my own endpoint updates it; another user’s answers 409)',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: {
      body: { required: true, content: { 'application/json': { schema: subscribeBody } } },
    },
    responses: {
      201: {
        description:
          'Registered, and a test page sent to it: the device counts as verified once its service worker posts the receipt',
        content: {
          'application/json': {
            schema: z.object({
              subscription: pushDeviceSchema,
              testPage: z.string().optional().openapi({
                description:
                  'What the push service said to the test page (absent without VAPID keys)',
              }),
            }),
          },
        },
      },
      200: { description: 'Already registered: keys and label updated', ...deviceResponse },
      400: problems[400],
      401: problems[401],
      409: problems[409],
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const problem = endpointProblem(body.endpoint, c.env);
    if (problem)
      throw new ProblemError(400, 'validation', `endpoint: ${problem}`, {
        errors: [{ path: 'endpoint', message: problem }],
      });
    const who = principalOf(c);
    const mine = await listSubscriptions(c.env.DB, who.id);
    if (mine.length >= MAX_DEVICES_PER_USER && !mine.some((d) => d.endpoint === body.endpoint)) {
      throw conflict(
        `You already have ${mine.length} devices registered; remove one you no longer use first.`,
      );
    }
    const added = await addSubscription(c.env.DB, {
      id: newId('psb'),
      userId: who.id,
      label: body.label,
      endpoint: body.endpoint,
      p256dh: body.keys.p256dh,
      auth: body.keys.auth,
      now: now(),
    });
    if (!added) {
      throw conflict(
        'This push endpoint is registered to someone else’s account. Turn notifications off and on again on this device to get a new endpoint.',
        { endpointTaken: true },
      );
    }
    const { subscription, created } = added;
    if (!created) return c.json({ subscription: toDevice(subscription) }, 200);
    // A new device gets a test page at once: its service worker's receipt verifies it without a tap
    // (it pages either way; verification shows that it can). The push service's answer is on the device.
    const test = vapidConfigured(c.env)
      ? await sendTestPage(c.env, who.id, subscription.id, now())
      : null;
    const device = toDevice(
      (await getSubscription(c.env.DB, who.id, subscription.id)) ?? subscription,
    );
    return c.json(
      {
        subscription: device,
        ...(test
          ? { testPage: `Test page to "${device.label}": ${describeOutcome(test.outcome)}.` }
          : {}),
      },
      201,
      { location: `/api/push/subscriptions/${device.id}` },
    );
  },
);

push.openapi(
  createRoute({
    method: 'get',
    path: '/subscriptions',
    tags: ['push'],
    summary: 'My devices',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'Devices',
        content: {
          'application/json': { schema: z.object({ subscriptions: z.array(pushDeviceSchema) }) },
        },
      },
      401: problems[401],
    },
  }),
  async (c) => c.json({ subscriptions: await listSubscriptions(c.env.DB, principalOf(c).id) }, 200),
);

push.openapi(
  createRoute({
    method: 'patch',
    path: '/subscriptions/{id}',
    tags: ['push'],
    summary: 'Rename one of my devices',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: {
      params: idParams,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: renameDeviceBody,
          },
        },
      },
    },
    responses: {
      200: { description: 'Renamed', ...deviceResponse },
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const device = await renameSubscription(
      c.env.DB,
      principalOf(c).id,
      c.req.valid('param').id,
      c.req.valid('json').label,
    );
    if (!device) throw notFound('You have no device with that id.');
    return c.json({ subscription: device }, 200);
  },
);

push.openapi(
  createRoute({
    method: 'delete',
    path: '/subscriptions/{id}',
    tags: ['push'],
    summary: 'Stop paging one of my devices',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParams },
    responses: { 204: { description: 'Removed' }, 401: problems[401], 404: problems[404] },
  }),
  async (c) => {
    if (!(await deleteSubscription(c.env.DB, principalOf(c).id, c.req.valid('param').id)))
      throw notFound('You have no device with that id.');
    return c.body(null, 204);
  },
);

push.openapi(
  createRoute({
    method: 'post',
    path: '/subscriptions/{id}/test',
    tags: ['push'],
    summary: 'Send a test page to one of my devices and report what the push service answered',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParams },
    responses: {
      200: {
        description: 'What happened; a device the push service no longer knows is removed',
        content: {
          'application/json': {
            schema: testPageSchema,
          },
        },
      },
      401: problems[401],
      404: problems[404],
      503: unavailable,
    },
  }),
  async (c) => {
    if (!vapidConfigured(c.env)) throw notConfigured();
    const attempt = await sendTestPage(c.env, principalOf(c).id, c.req.valid('param').id, now());
    if (!attempt) throw notFound('You have no device with that id.');
    const removed = attempt.outcome.kind === 'gone';
    const message = removed
      ? `The push service no longer knows "${attempt.deviceLabel}" (${attempt.outcome.status}); it was removed. Turn notifications on again on that device to re-register it.`
      : `Test page to "${attempt.deviceLabel}": ${describeOutcome(attempt.outcome)}.`;
    return c.json({ outcome: attempt.outcome, removed, message }, 200);
  },
);

push.openapi(
  createRoute({
    method: 'post',
    path: '/receipts',
    tags: ['push'],
    summary: 'The service worker reports that it showed a page (action-token auth, no session)',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: receiptBody,
          },
        },
      },
    },
    responses: {
      204: {
        description:
          'Recorded (again: a repeated receipt changes nothing). A test page’s receipt verifies the device; a drill page’s passes its drill check.',
      },
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const { token, shownAt } = c.req.valid('json');
    const at = now();
    const { claims, device } = await actionClaims(c.env, token, at);
    if (!device)
      throw badRequest('This token does not name a device, so there is no delivery to record.');
    // The service worker may queue a receipt while offline: believe its clock, within the token's lifetime.
    const when =
      shownAt === undefined ? at : Math.min(at, Math.max(at - ACTION_TOKEN_LIFETIME_MS, shownAt));
    if (claims.incidentId === TEST_INCIDENT_ID) {
      await markSubscriptionVerified(c.env.DB, device.id, when);
      return c.body(null, 204);
    }
    const drillId = drillOf(claims.incidentId);
    if (drillId) {
      const settled = await recordReceipt(c.env.DB, drillId, device.id, claims.userId, when);
      if (settled?.passed) {
        // A drill page is a test page too; and the drill may now have nothing left to wait for.
        await markSubscriptionVerified(c.env.DB, device.id, when);
        // Recorded either way: if the drill object cannot be reached now, its deadline alarm finishes the drill.
        await drillsStub(c.env, settled.teamId)
          .settle(drillId)
          .catch((err: unknown) => console.error(`could not settle drill ${drillId}`, err));
      } else if (!settled && !(await checkExists(c.env.DB, drillId, device.id)))
        throw notFound('This drill page is not on record (the drill was deleted).');
      return c.body(null, 204);
    }
    const stub = incidentStub(c.env, claims.incidentId);
    await stub.recordDelivery({
      userId: claims.userId,
      subscriptionId: device.id,
      deviceLabel: device.label,
      at: when,
    });
    return c.body(null, 204);
  },
);

push.openapi(
  createRoute({
    method: 'post',
    path: '/ack',
    tags: ['push'],
    summary: "Acknowledge the page's incident as the paged user (action-token auth, no session)",
    request: {
      headers: z.object({
        'idempotency-key': z
          .string()
          .min(1)
          .max(200)
          .optional()
          .openapi({ description: 'Replays with the same key return the first result' }),
      }),
      body: {
        required: true,
        content: {
          'application/json': {
            schema: pushAckBody,
          },
        },
      },
    },
    responses: {
      200: {
        description: 'The incident after the acknowledgement',
        content: { 'application/json': { schema: z.object({ incident: incidentSchema }) } },
      },
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const { token, incidentId } = c.req.valid('json');
    const { claims } = await actionClaims(c.env, token, now());
    if (incidentId !== undefined && incidentId !== claims.incidentId)
      throw forbidden('This token was issued for a different incident.');
    if (isTestPage(claims.incidentId))
      throw badRequest('That was a test page or a drill: there is nothing to acknowledge.');
    const user = await getUser(c.env.DB, claims.userId);
    if (!user || !isActive(user))
      throw unauthorized('The person this page was sent to no longer has access to Firebell.');
    if (user.role === 'viewer')
      throw forbidden('Viewers can watch an incident but not acknowledge it.');
    const key = c.req.valid('header')['idempotency-key'];
    const stub = incidentStub(c.env, claims.incidentId);
    // The object scopes keys to the person and the command, so one person's key never replays another's result.
    const result = (await stub.command(
      { type: 'acknowledge' },
      { kind: 'user', id: user.id, name: user.name },
      key,
    )) as CommandResult;
    if (!result.ok) throw ProblemError.from(result.problem);
    return c.json({ incident: result.incident }, 200);
  },
);

/** Verify the token, and that the device it was sent to is still registered: removing a lost phone revokes its pages. */
async function actionClaims(
  env: AppEnv['Bindings'],
  token: string,
  at: number,
): Promise<{ claims: ActionClaims; device: PushSubscriptionRecord | null }> {
  const claims = await verifyActionToken(env.SESSION_SECRET, token, at);
  if (!claims)
    throw unauthorized(
      'This action token is invalid or has expired; open Firebell and act from the incident page.',
    );
  if (!claims.subscriptionId) return { claims, device: null };
  const device = await getSubscription(env.DB, claims.userId, claims.subscriptionId);
  if (!device)
    throw unauthorized(
      'The device this page was sent to has been removed; open Firebell and act from the incident page.',
    );
  return { claims, device };
}

function notConfigured(): ProblemError {
  return new ProblemError(
    503,
    'unavailable',
    'Web Push is not configured on this server: the operator must set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT.',
  );
}
