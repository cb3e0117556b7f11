/**
 * /api/calendar-feeds: the secret calendar URLs that exist, and revoking one. An admin sees and revokes
 * any; anyone else the feeds of their own shifts and the ones they made.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { calendarFeedSchema } from '../../schema/credential-schemas';
import type { AppEnv, Principal } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { listCalendarFeeds, revokeCalendarFeed } from '../directory/calendar-feeds';
import { limitBody, requireJson, validationHook } from '../edge';
import { notFound } from '../errors';
import { bearer, idParam, problems } from './openapi-shared';

/** Whose feeds the caller may see and revoke: everyone's for an admin (null), else their own. */
const scope = (who: Principal): string | null => (who.role === 'admin' ? null : who.id);

export const calendarFeeds = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
calendarFeeds.use('*', limitBody(16 * 1024), requireJson());

calendarFeeds.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['on-call'],
    summary: 'Calendar feeds (never their URLs): all of them for an admin, my own otherwise',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'Feeds, newest first',
        content: {
          'application/json': { schema: z.object({ calendarFeeds: z.array(calendarFeedSchema) }) },
        },
      },
      401: problems[401],
    },
  }),
  async (c) =>
    c.json({ calendarFeeds: await listCalendarFeeds(c.env.DB, scope(principalOf(c))) }, 200),
);

calendarFeeds.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['on-call'],
    summary: 'Revoke a calendar feed: its URL stops answering at once',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParam() },
    responses: { 204: { description: 'Revoked' }, 401: problems[401], 404: problems[404] },
  }),
  async (c) => {
    if (!(await revokeCalendarFeed(c.env.DB, c.req.valid('param').id, scope(principalOf(c)))))
      throw notFound('You have no calendar feed with that id.');
    return c.body(null, 204);
  },
);
