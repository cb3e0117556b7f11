/**
 * /api/users: the people directory for pickers, and an admin managing other people's access: role,
 * suspension, removal, sessions and tokens. Every withdrawal closes the person's open sockets at once.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  namedSchema,
  personPatchBody,
  personSchema,
  placesSchema,
} from '../../schema/people-schemas';
import { personDetailSchema } from '../../schema/credential-schemas';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { closeSockets } from '../auth/sockets';
import { now } from '../clock';
import { listCalendarFeeds } from '../directory/calendar-feeds';
import { endSessions, listApiTokens, listSessions, revokeApiToken } from '../directory/credentials';
import { reachableUsers } from '../directory/reachability';
import { placesNaming, removeUser, updateAccess } from '../directory/user-access';
import { TOKEN_ADMIN_ID, getUser, listUsers, type User } from '../directory/users';
import { limitBody, requireJson, validationHook } from '../edge';
import { conflict, forbidden, notFound } from '../errors';
import { bearer, idParam, problems } from './openapi-shared';

const idParams = idParam('usr_…');

const person = (u: User) => ({
  id: u.id,
  name: u.name,
  role: u.role,
  disabled: Boolean(u.disabledAt),
});

export const users = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
users.use('*', limitBody(16 * 1024), requireJson());

users.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['users'],
    summary: 'Everyone in this deployment (removed people are not listed)',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'Users',
        content: { 'application/json': { schema: z.object({ users: z.array(personSchema) }) } },
      },
      401: problems[401],
    },
  }),
  async (c) => {
    const list = await listUsers(c.env.DB);
    const reachable = await reachableUsers(
      c.env.DB,
      list.map((u) => u.id),
    );
    return c.json(
      { users: list.map((u) => ({ ...person(u), reachable: reachable.has(u.id) })) },
      200,
    );
  },
);

users.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['users'],
    summary: 'One person with their sessions, API tokens and calendar feeds (admin)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParams },
    responses: {
      200: {
        description: 'The person and every way they are signed in',
        content: {
          'application/json': {
            schema: personDetailSchema,
          },
        },
      },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const user = await found(c.env.DB, c.req.valid('param').id);
    const [sessions, tokens, calendarFeeds, stillNamedBy] = await Promise.all([
      listSessions(c.env.DB, user.id, now()),
      listApiTokens(c.env.DB, user.id),
      listCalendarFeeds(c.env.DB, user.id),
      placesNaming(c.env.DB, user.id),
    ]);
    return c.json({ user: person(user), sessions, tokens, calendarFeeds, stillNamedBy }, 200);
  },
);

users.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: ['users'],
    summary:
      'Change someone’s role, or disable or re-enable them (admin); their open sockets close at once',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: idParams,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: personPatchBody,
          },
        },
      },
    },
    responses: {
      200: {
        description: 'The person now',
        content: {
          'application/json': {
            schema: z.object({ user: personSchema, stillNamedBy: placesSchema }),
          },
        },
      },
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const target = await changeable(c.env.DB, c.req.valid('param').id, principalOf(c).id);
    const change = c.req.valid('json');
    const user = await updateAccess(c.env.DB, target.id, change, now());
    if (!user) throw notFound(`No person ${target.id}.`);
    // Sockets carry the role they opened with; reconnecting gives them the new one (or nothing, when disabled).
    await closeSockets(c.env, user.id);
    return c.json({ user: person(user), stillNamedBy: await placesNaming(c.env.DB, user.id) }, 200);
  },
);

users.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['users'],
    summary:
      'Remove someone for good (admin): sessions, tokens, devices, team places, future overrides and calendar feeds go; their name stays on history',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParams },
    responses: {
      200: {
        description: 'Removed; where they are still named',
        content: {
          'application/json': {
            schema: z.object({ removed: namedSchema, stillNamedBy: placesSchema }),
          },
        },
      },
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const target = await changeable(c.env.DB, c.req.valid('param').id, principalOf(c).id);
    if (!(await removeUser(c.env.DB, target.id, now()))) throw notFound(`No person ${target.id}.`);
    await closeSockets(c.env, target.id);
    return c.json(
      {
        removed: { id: target.id, name: target.name },
        stillNamedBy: await placesNaming(c.env.DB, target.id),
      },
      200,
    );
  },
);

users.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}/sessions',
    tags: ['users'],
    summary: 'Sign someone out on every device (admin); their API tokens are not touched',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParams },
    responses: {
      200: {
        description: 'How many sessions ended',
        content: { 'application/json': { schema: z.object({ ended: z.number().int() }) } },
      },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const user = await found(c.env.DB, c.req.valid('param').id);
    const ended = await endSessions(c.env.DB, user.id, null);
    await Promise.all(ended.map((hash) => closeSockets(c.env, user.id, { kind: 'session', hash })));
    return c.json({ ended: ended.length }, 200);
  },
);

users.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}/sessions/{sid}',
    tags: ['users'],
    summary: 'End one of someone’s sessions (admin)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: idParams.extend({
        sid: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: 'sid', in: 'path' } }),
      }),
    },
    responses: {
      204: { description: 'Ended' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id, sid } = c.req.valid('param');
    const [hash] = await endSessions(c.env.DB, id, sid);
    if (!hash) throw notFound('That person has no session with that id.');
    await closeSockets(c.env, id, { kind: 'session', hash });
    return c.body(null, 204);
  },
);

users.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}/tokens/{tid}',
    tags: ['users'],
    summary: 'Revoke one of someone’s API tokens (admin)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: idParams.extend({
        tid: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: 'tid', in: 'path' } }),
      }),
    },
    responses: {
      204: { description: 'Revoked' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id, tid } = c.req.valid('param');
    const hash = await revokeApiToken(c.env.DB, id, tid, now());
    if (!hash) throw notFound('That person has no live token with that id.');
    await closeSockets(c.env, id, { kind: 'api-token', hash });
    return c.body(null, 204);
  },
);

async function found(db: D1Database, id: string): Promise<User> {
  const user = await getUser(db, id);
  if (!user || user.removedAt) throw notFound(`No person ${id}.`);
  return user;
}

/** The person, unless the change would lock the deployment out: ADMIN_TOKEN's account, or your own. */
async function changeable(db: D1Database, id: string, me: string): Promise<User> {
  const user = await found(db, id);
  if (id === TOKEN_ADMIN_ID)
    throw conflict(
      'This is the ADMIN_TOKEN’s account: it cannot be demoted, disabled or removed. Rotate ADMIN_TOKEN to withdraw it.',
    );
  if (id === me) throw forbidden('You cannot change your own access: ask another admin.');
  return user;
}
