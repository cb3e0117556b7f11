/** GET /api/mapping-presets: the ready-made mappings a custom integration can start from. */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { mappingPresetListSchema } from '../../schema/integration-schemas';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { MAPPING_PRESETS } from '../mapping/presets';
import { bearer, problems } from './openapi-shared';

export const mappingPresets = new OpenAPIHono<AppEnv>();

mappingPresets.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['services'],
    summary: 'The ready-made mappings for custom integrations (Uptime Kuma, Sentry, …)',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'Presets, in the order the Admin screen lists them',
        content: { 'application/json': { schema: mappingPresetListSchema } },
      },
      401: problems[401],
    },
  }),
  (c) => c.json({ presets: [...MAPPING_PRESETS] }, 200),
);
