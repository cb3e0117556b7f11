/** The people directory, for assignee and role pickers. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { listUsers } from '../directory/users';
import { validationHook } from '../edge';
import { bearer, problems } from './openapi-shared';

export const users = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

users.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['users'],
    summary: 'Everyone in this deployment',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: { description: 'Users', content: { 'application/json': { schema: z.object({ users: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(['admin', 'responder', 'viewer']) })) }) } } },
      401: problems[401],
    },
  }),
  async (c) => c.json({ users: (await listUsers(c.env.DB)).map(({ id, name, role }) => ({ id, name, role })) }, 200),
);
