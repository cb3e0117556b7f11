/**
 * The public status page's plain routes (worker/routes/status-page.ts: the HTML, the feeds and Statuspage's v2
 * documents) in the OpenAPI document. They are served from the edge cache by plain Hono handlers, so they are
 * registered here by hand; the shapes are those tested against Statuspage's documentation.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { STATUSPAGE_DOCUMENTS } from '../../schema/statuspage-schemas';
import { problemBodySchema } from '../../schema/protocol-schemas';
import { emailSubscribeBody, unsubscribeQuery } from '../../schema/status-subscriber-schemas';
import type { AppEnv } from '../app-env';
import { problems } from './openapi-shared';

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
  r.registerPath({
    method: 'post',
    path: '/status/subscriptions/email',
    tags: ['status page'],
    summary: 'Subscribe an email address to status page updates (double opt-in, no account)',
    description:
      "The page's form posts it without script (answered in HTML); a script may send JSON. A confirmation link is mailed; only confirmed addresses get updates, each mail with an unsubscribe link and List-Unsubscribe headers. Kept: the address and the hash of its unsubscribe token. Shares the push subscribers' limit per client and cap; 503 when no mail server is configured.",
    request: {
      body: {
        content: {
          'application/json': { schema: emailSubscribeBody },
          'application/x-www-form-urlencoded': { schema: emailSubscribeBody },
        },
      },
    },
    responses: {
      202: { description: 'A confirmation link was mailed' },
      400: problems[400],
      415: problems[415],
      429: problems[429],
      503: {
        description:
          'No mail server is configured, the cap is reached, or the mail could not be sent',
        content: { 'application/problem+json': { schema: problemBodySchema } },
      },
    },
  });
  r.registerPath({
    method: 'post',
    path: '/status/subscriptions/email/confirm',
    tags: ['status page'],
    summary:
      'Confirm an email subscription (the link in the confirmation mail; GET shows a one-button page)',
    request: { query: unsubscribeQuery },
    responses: { 204: { description: 'Confirmed' }, 404: problems[404] },
  });
}
