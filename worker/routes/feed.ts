/** GET /api/feed/live: the incident list's WebSocket feed (every change to any incident, as a list row). */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { requireWebSocketUpgrade, validationHook } from '../edge';
import { feedStub } from '../stubs';
import { VIEWER_HEADER } from '../incident/room';
import { bearer, problems } from './openapi-shared';

export const feed = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

feed.openapi(
  createRoute({
    method: 'get',
    path: '/live',
    tags: ['incidents'],
    summary:
      'Live incident list (WebSocket): {type:"incident", incident: IncidentSummary} for every change',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      101: { description: 'Switching to WebSocket' },
      401: problems[401],
      426: { description: 'Not a WebSocket upgrade' },
    },
  }),
  async (c) => {
    requireWebSocketUpgrade(c.req.header('upgrade'));
    const who = principalOf(c);
    // Set here, never taken from the client: the feed tags the socket with it so withdrawing access can close it.
    const headers = new Headers(c.req.raw.headers);
    headers.set(VIEWER_HEADER, JSON.stringify({ id: who.id, credential: who.credential }));
    const res = await feedStub(c.env).fetch(new Request(c.req.url, { headers }));
    return res as unknown as ReturnType<typeof c.json>;
  },
);
