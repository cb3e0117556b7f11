import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['health'],
  summary: 'Liveness check',
  responses: {
    200: {
      description: 'Firebell is up',
      content: {
        'application/json': { schema: z.object({ status: z.literal('ok'), service: z.string() }) },
      },
    },
  },
});

/** Liveness: answers without touching storage so a load balancer can poll it cheaply. */
export const health = new OpenAPIHono<AppEnv>().openapi(route, (c) =>
  c.json({ status: 'ok' as const, service: 'firebell' }, 200),
);
