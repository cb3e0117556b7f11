/**
 * /api/incidents: list from the D1 index, read and command through the incident's Durable Object.
 * Handlers validate, call the stub, and map its result; the object decides.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { CHANGE_WINDOW_MS } from '../../schema/change';
import type { IncidentCommand } from '../../schema/incident';
import type { AppEnv, Principal } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { decodeCursor, listIncidents } from '../directory/incident-index';
import { limitBody, requireJson, requireWebSocketUpgrade, validationHook } from '../edge';
import { ProblemError, badRequest, notFound } from '../errors';
import { newId } from '../ids';
import { incidentStub } from '../stubs';
import type { CommandResult, IncidentView } from '../incident/object';
import { VIEWER_HEADER } from '../incident/room';
import { forgetRoom, recordRoom } from '../auth/sockets';
import { now } from '../clock';
import { MAX_IDEMPOTENCY_KEY_LENGTH, commandBodies } from '../../schema/command-schemas';
import { serviceChanges } from '../service/router-calls';
import {
  incidentDetailSchema,
  incidentPageSchema,
  incidentSchema,
  newIncidentBody,
} from '../../schema/incident-schemas';
import { bearer, idParam, problems } from './openapi-shared';

export const incidents = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

incidents.use('*', limitBody(64 * 1024), requireJson());

const idParams = idParam('inc_…');
const idempotencyHeader = z.object({
  'idempotency-key': z.string().min(1).max(MAX_IDEMPOTENCY_KEY_LENGTH).optional().openapi({
    description:
      'Per person and command, for 24 h: a replay returns the first result and changes nothing; the same key with a different body answers 422.',
  }),
});
const commandResponse = {
  description: 'The incident after the command',
  content: { 'application/json': { schema: z.object({ incident: incidentSchema }) } },
};

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const parts = s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const bad = parts.filter((p) => !values.includes(p as T));
      if (bad.length)
        ctx.addIssue({
          code: 'custom',
          message: `unknown value ${bad.join(', ')}; use ${values.join(', ')}`,
        });
      return parts as T[];
    });

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['incidents'],
  summary: 'List incidents, newest first',
  security: bearer,
  middleware: [requireRole('viewer')] as const,
  request: {
    query: z.object({
      status: csv(['triggered', 'acknowledged', 'resolved']).openapi({
        type: 'string',
        example: 'triggered,acknowledged',
      }),
      severity: csv(['critical', 'error', 'warning', 'info']).openapi({
        type: 'string',
        example: 'critical',
      }),
      service: z.string().max(64).optional(),
      assignee: z.string().max(64).optional().openapi({ description: 'a user id, or "me"' }),
      involves: z.string().max(64).optional().openapi({
        description:
          'a user id, or "me": incidents waiting on them (assignee, role holder, or paged while unacknowledged)',
      }),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(200).optional(),
    }),
  },
  responses: {
    200: {
      description: 'A page of incidents',
      content: {
        'application/json': {
          schema: incidentPageSchema,
        },
      },
    },
    400: problems[400],
    401: problems[401],
  },
});

incidents.openapi(listRoute, async (c) => {
  const q = c.req.valid('query');
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  if (q.cursor && !after) throw badRequest('That cursor is not valid; start again without it.');
  const who = (id: string | undefined) => (id === 'me' ? principalOf(c).id : id);
  const page = await listIncidents(
    c.env.DB,
    {
      statuses: q.status,
      severities: q.severity,
      serviceId: q.service,
      assignee: who(q.assignee),
      involves: who(q.involves),
      limit: q.limit,
    },
    after,
  );
  return c.json(page, 200);
});

const createIncidentRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['incidents'],
  summary: 'Open an incident by hand',
  security: bearer,
  middleware: [requireRole('responder')] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: newIncidentBody,
        },
      },
    },
  },
  responses: {
    201: {
      description: 'The new incident',
      content: { 'application/json': { schema: z.object({ incident: incidentSchema }) } },
    },
    400: problems[400],
    401: problems[401],
    403: problems[403],
    413: problems[413],
    415: problems[415],
  },
});

incidents.openapi(createIncidentRoute, async (c) => {
  const body = c.req.valid('json');
  const who = principalOf(c);
  const id = newId('inc');
  const incident = await incidentStub(c.env, id).create({
    id,
    title: body.title,
    description: body.description,
    severity: body.severity,
    serviceId: body.serviceId ?? null,
    actor: { kind: 'user', id: who.id, name: who.name },
  });
  return c.json({ incident }, 201, { location: `/api/incidents/${id}` });
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['incidents'],
  summary:
    'One incident with its newest timeline entries, its alerts, and the changes to its service in the hour before it opened',
  description:
    'The timeline is paged: the newest entries (at most 500, or 256 KB of them, whichever comes first), oldest first. ' +
    '`earlier` is the cursor for the page before them: pass it as `before` to read that page; it is null once the first entry is included.',
  security: bearer,
  middleware: [requireRole('viewer')] as const,
  request: {
    params: idParams,
    query: z.object({
      before: z.coerce.number().int().min(1).optional().openapi({
        description:
          'Return the newest entries with a seq below this (the `earlier` of a previous answer).',
        example: 9501,
      }),
    }),
  },
  responses: {
    200: {
      description: 'The incident',
      content: {
        'application/json': {
          schema: incidentDetailSchema,
        },
      },
    },
    400: problems[400],
    401: problems[401],
    404: problems[404],
  },
});

incidents.openapi(getRoute, async (c) => {
  const { id } = c.req.valid('param');
  const { before } = c.req.valid('query');
  // RPC return types are structurally rewritten by workers-types; the object returns an IncidentView.
  const view = (await incidentStub(c.env, id).view(
    before === undefined ? {} : { before },
  )) as IncidentView | null;
  if (!view) throw notFound(`No incident ${id}.`);
  const { serviceId, createdAt } = view.incident;
  // As PagerDuty does: what changed on the service in the hour before the incident is the first suspect.
  const changes = serviceId
    ? await serviceChanges(c.env, serviceId, {
        from: createdAt - CHANGE_WINDOW_MS,
        to: createdAt,
        limit: 50,
      })
    : [];
  return c.json({ ...view, changes }, 200);
});

/** Each command is its own route (clear in OpenAPI), all funnelled into the object's one command method. */
const commandRoutes: { path: string; type: IncidentCommand['type']; summary: string }[] = [
  { path: 'acknowledge', type: 'acknowledge', summary: 'Acknowledge: stops escalation' },
  { path: 'resolve', type: 'resolve', summary: 'Resolve' },
  { path: 'reopen', type: 'reopen', summary: 'Reopen a resolved incident' },
  { path: 'reassign', type: 'reassign', summary: 'Replace the assignees' },
  {
    path: 'roles',
    type: 'assign_role',
    summary: 'Assign an incident role (incident commander, incident manager …)',
  },
  { path: 'roles/unassign', type: 'unassign_role', summary: 'Clear an incident role' },
  { path: 'severity', type: 'set_severity', summary: 'Change severity' },
  { path: 'notes', type: 'add_note', summary: 'Add a note to the timeline' },
  { path: 'status-updates', type: 'post_status_update', summary: 'Post a status update' },
  { path: 'title', type: 'change_title', summary: 'Change the title' },
  {
    path: 'escalate',
    type: 'escalate',
    summary: 'Escalate now: page the next level without waiting',
  },
  {
    path: 'runbook-steps',
    type: 'tick_step',
    summary: 'Tick (or untick) a step of the attached runbook; recorded on the timeline',
  },
];

for (const { path, type, summary } of commandRoutes) {
  const route = createRoute({
    method: 'post',
    path: `/{id}/${path}`,
    tags: ['incident commands'],
    summary,
    security: bearer,
    middleware: [requireRole('responder')] as const,
    request: {
      params: idParams,
      headers: idempotencyHeader,
      body: { required: false, content: { 'application/json': { schema: commandBodies[type] } } },
    },
    responses: {
      200: commandResponse,
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
      413: problems[413],
      415: problems[415],
      422: problems[422],
      429: problems[429],
    },
  });
  incidents.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json') ?? {};
    const key = c.req.valid('header')['idempotency-key'];
    const result = await runCommand(
      c.env,
      id,
      { type, ...body } as IncidentCommand,
      principalOf(c),
      key,
    );
    return c.json({ incident: result }, 200);
  });
}

async function runCommand(
  env: AppEnv['Bindings'],
  id: string,
  command: IncidentCommand,
  who: Principal,
  key?: string,
) {
  // RPC return types are structurally rewritten by workers-types; the object returns a CommandResult.
  const result = (await incidentStub(env, id).command(
    command,
    { kind: 'user', id: who.id, name: who.name },
    key,
  )) as CommandResult;
  if (result.ok) return result.incident;
  throw ProblemError.from(result.problem);
}

const liveRoute = createRoute({
  method: 'get',
  path: '/{id}/live',
  tags: ['incidents'],
  summary: 'Live room (WebSocket): snapshot, then every timeline entry by seq, and presence',
  description:
    'since=0 (or absent): the snapshot holds the newest page of the timeline and an `earlier` cursor for GET /api/incidents/{id}?before=. ' +
    'since=N: the snapshot and `backlog` messages hold every entry after N, a page (500 entries or 256 KB) per message. Messages: schema/protocol.ts.',
  security: bearer,
  middleware: [requireRole('viewer')] as const,
  request: {
    params: idParams,
    query: z.object({ since: z.coerce.number().int().min(0).optional() }),
  },
  responses: {
    101: { description: 'Switching to WebSocket' },
    401: problems[401],
    426: { description: 'Not a WebSocket upgrade' },
  },
});

incidents.openapi(liveRoute, async (c) => {
  requireWebSocketUpgrade(c.req.header('upgrade'));
  const { id } = c.req.valid('param');
  const who = principalOf(c);
  const headers = new Headers(c.req.raw.headers);
  headers.set(
    VIEWER_HEADER,
    JSON.stringify({ id: who.id, name: who.name, role: who.role, credential: who.credential }),
  );
  // Recorded before the socket exists, so withdrawing this person's access can always find it.
  await recordRoom(c.env.DB, who.id, id, now());
  const res = await incidentStub(c.env, id).fetch(new Request(c.req.url, { headers }));
  if (res.status === 404) {
    await forgetRoom(c.env.DB, who.id, id);
    throw notFound(`No incident ${id}.`);
  }
  return res as unknown as ReturnType<typeof c.json>;
});
