/**
 * /api/slack: install a Slack workspace (bot token and signing secret go in sealed and never come out), map
 * services to channels, read the errors Slack returned (admin); and, for anyone signed in, a one-time code to
 * link their Slack user (`/firebell link CODE`) and the links they have.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  SLACK_API_BASE,
  slackChannelInput,
  slackChannelSchema,
  slackErrorSchema,
  slackLinkCodeSchema,
  slackLinkSchema,
  slackWorkspaceInput,
  slackWorkspaceSchema,
} from '../../schema/slack-schemas';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import {
  deleteChannel,
  deleteWorkspace,
  getWorkspace,
  linksOf,
  listChannels,
  listErrors,
  listWorkspaces,
  saveLinkCode,
  saveWorkspace,
  setChannel,
} from '../chat/slack-directory';
import { now } from '../clock';
import { invalid, limitBody, requireJson, validationHook } from '../edge';
import { notFound } from '../errors';
import { checkOutboundUrl } from '../net/outbound';
import { bearer, json, problems, writeProblems } from './openapi-shared';

export const slack = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
slack.use('*', limitBody(8 * 1024), requireJson());

/** A link code lives this long: long enough to switch to Slack and type it. */
const LINK_CODE_TTL_MS = 15 * 60_000;
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';

const param = (name: string, example: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: 'path' }, example });
const teamParam = z.object({ teamId: param('teamId', 'T0123ABCD') });
const serviceParam = z.object({ serviceId: param('serviceId', 'svc_…') });

slack.openapi(
  createRoute({
    method: 'post',
    path: '/workspaces',
    tags: ['slack'],
    summary: 'Install (or re-install) a Slack workspace',
    description:
      'The bot token (xoxb-…) and signing secret come from the Slack app created from the manifest in docs/slack.md. They are stored encrypted and never returned. Re-installing the same teamId replaces them.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      body: { required: true, content: { 'application/json': { schema: slackWorkspaceInput } } },
    },
    responses: {
      201: json(
        'The workspace, without its secrets',
        z.object({ workspace: slackWorkspaceSchema }),
      ),
      ...writeProblems,
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const base = body.apiBase ?? SLACK_API_BASE;
    const check = checkOutboundUrl(`${base.replace(/\/+$/, '')}/chat.postMessage`, c.env);
    if (!check.ok)
      throw invalid([{ path: 'apiBase', message: `The Slack API URL ${check.problem}.` }]);
    await saveWorkspace(c.env.DB, c.env.SESSION_SECRET, body, now());
    const workspace = await getWorkspace(c.env.DB, body.teamId);
    return c.json({ workspace: workspace as NonNullable<typeof workspace> }, 201);
  },
);

slack.openapi(
  createRoute({
    method: 'get',
    path: '/workspaces',
    tags: ['slack'],
    summary: 'Installed Slack workspaces (never their secrets)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    responses: {
      200: json('Workspaces', z.object({ workspaces: z.array(slackWorkspaceSchema) })),
      401: problems[401],
      403: problems[403],
    },
  }),
  async (c) => c.json({ workspaces: await listWorkspaces(c.env.DB) }, 200),
);

slack.openapi(
  createRoute({
    method: 'delete',
    path: '/workspaces/{teamId}',
    tags: ['slack'],
    summary: 'Uninstall a workspace, its channel mappings and user links',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: teamParam },
    responses: {
      204: { description: 'Removed' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { teamId } = c.req.valid('param');
    if (!(await deleteWorkspace(c.env.DB, teamId))) throw notFound(`No Slack workspace ${teamId}.`);
    return c.body(null, 204);
  },
);

slack.openapi(
  createRoute({
    method: 'put',
    path: '/channels/{serviceId}',
    tags: ['slack'],
    summary: 'Post a service’s incidents to a Slack channel',
    description:
      'Each new incident of the service posts a message there; later changes update it and go into its thread. Invite the app to the channel first (`/invite @Firebell`), or Slack answers not_in_channel.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: serviceParam,
      body: { required: true, content: { 'application/json': { schema: slackChannelInput } } },
    },
    responses: {
      200: json('The mapping', z.object({ channel: slackChannelSchema })),
      ...writeProblems,
    },
  }),
  async (c) => {
    const { serviceId } = c.req.valid('param');
    const body = c.req.valid('json');
    const service = await c.env.DB.prepare('SELECT 1 AS x FROM services WHERE id = ?')
      .bind(serviceId)
      .first();
    if (!service) throw notFound(`No service ${serviceId}.`);
    if (!(await getWorkspace(c.env.DB, body.teamId)))
      throw invalid([
        { path: 'teamId', message: `Slack workspace ${body.teamId} is not installed` },
      ]);
    const channel = { serviceId, ...body, createdAt: now() };
    await setChannel(c.env.DB, channel);
    return c.json({ channel }, 200);
  },
);

slack.openapi(
  createRoute({
    method: 'get',
    path: '/channels',
    tags: ['slack'],
    summary: 'Which service posts to which channel',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    responses: {
      200: json('Mappings', z.object({ channels: z.array(slackChannelSchema) })),
      401: problems[401],
      403: problems[403],
    },
  }),
  async (c) => c.json({ channels: await listChannels(c.env.DB) }, 200),
);

slack.openapi(
  createRoute({
    method: 'delete',
    path: '/channels/{serviceId}',
    tags: ['slack'],
    summary: 'Stop posting a service’s incidents to Slack',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: serviceParam },
    responses: {
      204: { description: 'Removed' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { serviceId } = c.req.valid('param');
    if (!(await deleteChannel(c.env.DB, serviceId)))
      throw notFound(`Service ${serviceId} has no Slack channel.`);
    return c.body(null, 204);
  },
);

slack.openapi(
  createRoute({
    method: 'get',
    path: '/errors',
    tags: ['slack'],
    summary:
      'What Slack refused lately (channel_not_found, not_in_channel, invalid_auth …), newest first',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    responses: {
      200: json('The last 100 errors', z.object({ errors: z.array(slackErrorSchema) })),
      401: problems[401],
      403: problems[403],
    },
  }),
  async (c) => c.json({ errors: await listErrors(c.env.DB) }, 200),
);

slack.openapi(
  createRoute({
    method: 'post',
    path: '/link-code',
    tags: ['slack'],
    summary:
      'A one-time code to link my Slack user: send `/firebell link CODE` in Slack within 15 minutes',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: { 201: json('The code (shown once)', slackLinkCodeSchema), 401: problems[401] },
  }),
  async (c) => {
    const bytes = crypto.getRandomValues(new Uint8Array(8));
    const raw = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
    const code = `${raw.slice(0, 4)}-${raw.slice(4)}`;
    const expiresAt = now() + LINK_CODE_TTL_MS;
    await saveLinkCode(c.env.DB, c.env.SESSION_SECRET, code, principalOf(c).id, expiresAt);
    return c.json({ code, command: `/firebell link ${code}`, expiresAt }, 201);
  },
);

slack.openapi(
  createRoute({
    method: 'get',
    path: '/links',
    tags: ['slack'],
    summary: 'The Slack users linked to me',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: json('Links', z.object({ links: z.array(slackLinkSchema) })),
      401: problems[401],
    },
  }),
  async (c) => c.json({ links: await linksOf(c.env.DB, principalOf(c).id) }, 200),
);
