/**
 * The public status page's plain routes (worker/routes/status-page.ts: the HTML, the feeds and Statuspage's v2
 * documents) in the OpenAPI document. They are served from the edge cache by plain Hono handlers, so they are
 * registered here by hand; the shapes are those tested against Statuspage's documentation.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { STATUSPAGE_DOCUMENTS } from '../../schema/statuspage-schemas';
import type { AppEnv } from '../app-env';

const cached =
  'No credentials. Served from the edge cache under the page version (a write shows within seconds); CORS open to any origin.';

export function registerStatusDocs(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  r.registerPath({
    method: 'get',
    path: '/status',
    tags: ['status page'],
    summary: 'The public status page (HTML; works without JavaScript)',
    description: cached,
    responses: {
      200: { description: 'The page', content: { 'text/html': { schema: z.string() } } },
    },
  });
  for (const [file, type, name] of [
    ['feed.atom', 'application/atom+xml', 'Atom'],
    ['feed.rss', 'application/rss+xml', 'RSS'],
  ] as const)
    r.registerPath({
      method: 'get',
      path: `/status/${file}`,
      tags: ['status page'],
      summary: `${name} feed of public updates, one entry per update`,
      description: cached,
      responses: {
        200: { description: `${name} feed`, content: { [type]: { schema: z.string() } } },
      },
    });
  for (const prefix of ['/api/v2', '/status/api/v2'])
    for (const [doc, { summary, schema }] of Object.entries(STATUSPAGE_DOCUMENTS))
      r.registerPath({
        method: 'get',
        path: `${prefix}/${doc}`,
        tags: ['status page'],
        summary: `Statuspage v2: ${summary}`,
        description: `Atlassian Statuspage's public API shape, for existing widgets and aggregators. ${cached}`,
        responses: { 200: { description: doc, content: { 'application/json': { schema } } } },
      });
}
