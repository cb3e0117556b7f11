import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { healthSchema } from '../../schema/health-schemas';
import type { AppEnv } from '../app-env';

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['health'],
  summary: 'Liveness check',
  responses: {
    200: {
      description: 'Firebell is up',
      content: { 'application/json': { schema: healthSchema } },
    },
  },
});

/** Liveness: answers without touching storage so a load balancer can poll it cheaply. */
export const health = new OpenAPIHono<AppEnv>().openapi(route, (c) =>
  c.json({ status: 'ok' as const, service: 'firebell' }, 200),
);
