/** /api/incidents/{id}/status-page: a responder publishes an incident to the status page and posts its updates. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { publicationSchema, publishInput } from '../../schema/status-page-schemas';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { now } from '../clock';
import { publicationForIncident } from '../directory/status-publications';
import { limitBody, requireJson, validationHook } from '../edge';
import { publishIncident } from '../status/publish';
import { bearer, idParam, problems, writeProblems } from './openapi-shared';

export const statusPublish = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
statusPublish.use('/:id/status-page', limitBody(16 * 1024), requireJson());

const idParams = idParam('inc_…');
const answer = (description: string) => ({
  description,
  content: {
    'application/json': { schema: z.object({ publication: publicationSchema.nullable() }) },
  },
});

statusPublish.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/status-page',
    tags: ['status page'],
    summary: "The incident's publication on the status page (null when unpublished)",
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParams },
    responses: { 200: answer('The publication or null'), 401: problems[401] },
  }),
  async (c) =>
    c.json({ publication: await publicationForIncident(c.env.DB, c.req.valid('param').id) }, 200),
);

statusPublish.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/status-page',
    tags: ['status page'],
    summary: 'Publish the incident to the status page, or post its next public update',
    description:
      'The first call needs a public `title` (the incident title is never shown). Each call adds a public update, ' +
      'moves the affected components, and records the update on the incident timeline as a status update. ' +
      '`resolved` closes the publication.',
    security: bearer,
    middleware: [requireRole('responder')] as const,
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: publishInput } } },
    },
    responses: {
      200: answer('The publication after the update'),
      ...writeProblems,
      404: problems[404],
      429: problems[429],
    },
  }),
  async (c) => {
    const who = principalOf(c);
    const publication = await publishIncident(
      c.env,
      new URL(c.req.url).origin,
      c.req.valid('param').id,
      c.req.valid('json'),
      { kind: 'user', id: who.id, name: who.name },
      now(),
    );
    return c.json({ publication }, 200);
  },
);
