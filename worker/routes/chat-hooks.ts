/**
 * /api/chat (admin): Mattermost and Microsoft Teams incoming webhooks per service (one way: each incident event
 * is posted there), and the token of Mattermost's `/firebell` slash command. Hook URLs are secrets: stored
 * sealed, shown back only as a hint.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { addHook, deleteHook, listHooks, saveMattermostCommand } from '../chat/chat-hooks';
import { now } from '../clock';
import { invalid, limitBody, requireJson, validationHook } from '../edge';
import { notFound } from '../errors';
import { checkOutboundUrl } from '../net/outbound';
import { bearer, idParam, json, problems, writeProblems } from './openapi-shared';

export const chatHooks = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
chatHooks.use('*', limitBody(8 * 1024), requireJson());

const hookSchema = z
  .object({
    id: z.string(),
    serviceId: z.string(),
    kind: z.enum(['mattermost', 'teams']),
    urlHint: z.string().openapi({ example: 'chat.example.com/…x7k2q9' }),
    createdAt: z.number().int(),
  })
  .openapi('ChatHook');
const hookInput = z
  .object({
    serviceId: z.string().min(1).max(64),
    kind: z.enum(['mattermost', 'teams']).openapi({
      description:
        'mattermost: an incoming webhook (Slack-compatible); teams: a Workflows "when a webhook request is received" URL (Adaptive Cards)',
    }),
    url: z.string().min(1).max(2048),
  })
  .openapi('ChatHookInput');

chatHooks.openapi(
  createRoute({
    method: 'post',
    path: '/hooks',
    tags: ['chat'],
    summary: 'Post a service’s incident events to a Mattermost or Teams incoming webhook',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { body: { required: true, content: { 'application/json': { schema: hookInput } } } },
    responses: {
      201: json('The hook (its URL only as a hint)', z.object({ hook: hookSchema })),
      ...writeProblems,
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const check = checkOutboundUrl(body.url, c.env);
    if (!check.ok) throw invalid([{ path: 'url', message: `The webhook URL ${check.problem}.` }]);
    const service = await c.env.DB.prepare('SELECT 1 AS x FROM services WHERE id = ?')
      .bind(body.serviceId)
      .first();
    if (!service)
      throw invalid([{ path: 'serviceId', message: `unknown service ${body.serviceId}` }]);
    const hook = await addHook(c.env.DB, c.env.SESSION_SECRET, body, now());
    return c.json({ hook }, 201);
  },
);

chatHooks.openapi(
  createRoute({
    method: 'get',
    path: '/hooks',
    tags: ['chat'],
    summary: 'Mattermost and Teams hooks',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    responses: {
      200: json('Hooks', z.object({ hooks: z.array(hookSchema) })),
      401: problems[401],
      403: problems[403],
    },
  }),
  async (c) => c.json({ hooks: await listHooks(c.env.DB) }, 200),
);

chatHooks.openapi(
  createRoute({
    method: 'delete',
    path: '/hooks/{id}',
    tags: ['chat'],
    summary: 'Stop posting to a hook',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParam() },
    responses: {
      204: { description: 'Removed' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deleteHook(c.env.DB, id))) throw notFound(`No chat hook ${id}.`);
    return c.body(null, 204);
  },
);

chatHooks.openapi(
  createRoute({
    method: 'put',
    path: '/mattermost/{teamId}',
    tags: ['chat'],
    summary: 'Accept Mattermost’s `/firebell` slash command for a team, checked by its token',
    description:
      'In Mattermost: Integrations → Slash Commands → Add, Request URL `<PUBLIC_URL>/hooks/mattermost/commands`, method POST; paste the token it shows here.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: z.object({
        teamId: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: 'teamId', in: 'path' } }),
      }),
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({ token: z.string().min(8).max(200) }).openapi('MattermostCommand'),
          },
        },
      },
    },
    responses: { 204: { description: 'Saved' }, ...writeProblems },
  }),
  async (c) => {
    await saveMattermostCommand(
      c.env.DB,
      c.env.SESSION_SECRET,
      c.req.valid('param').teamId,
      c.req.valid('json').token,
      now(),
    );
    return c.body(null, 204);
  },
);
