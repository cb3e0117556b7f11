/** /api/status: the status page's components and an admin's notices and maintenance (admin). */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  noticeInput,
  noticeUpdateInput,
  publicationSchema,
  statusComponentInput,
  statusComponentPatch,
  statusComponentSchema,
  type StatusComponent,
} from '../../schema/status-page-schemas';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { now } from '../clock';
import {
  createComponent,
  deleteComponent,
  getComponent,
  listComponents,
  unknownServices,
  updateComponent,
} from '../directory/status-components';
import { getPublication } from '../directory/status-publications';
import { invalid, limitBody, requireJson, validationHook } from '../edge';
import { notFound } from '../errors';
import { newId } from '../ids';
import { afterWrite, postNotice } from '../status/publish';
import { bearer, idParam, json, problems, writeProblems } from './openapi-shared';

export const statusAdmin = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
statusAdmin.use('*', limitBody(16 * 1024), requireJson());

const idParams = idParam('cmp_…');
const one = z.object({ component: statusComponentSchema });
const origin = (url: string) => new URL(url).origin;

async function checkServices(db: D1Database, ids: string[] | undefined): Promise<void> {
  const unknown = await unknownServices(db, ids ?? []);
  if (unknown.length)
    throw invalid([{ path: 'serviceIds', message: `unknown service ${unknown.join(', ')}` }]);
}

async function found(db: D1Database, id: string): Promise<StatusComponent> {
  const component = await getComponent(db, id);
  if (!component) throw notFound(`No status-page component ${id}.`);
  return component;
}

statusAdmin.openapi(
  createRoute({
    method: 'get',
    path: '/components',
    tags: ['status page'],
    summary: 'Every status-page component, with its services and current state',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: json(
        'Components, by group and position',
        z.object({ components: z.array(statusComponentSchema) }),
      ),
      401: problems[401],
    },
  }),
  async (c) => c.json({ components: await listComponents(c.env.DB) }, 200),
);

statusAdmin.openapi(
  createRoute({
    method: 'post',
    path: '/components',
    tags: ['status page'],
    summary: 'Add a component, standing for one or more services',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      body: { required: true, content: { 'application/json': { schema: statusComponentInput } } },
    },
    responses: { 201: json('The component', one), ...writeProblems },
  }),
  async (c) => {
    const body = c.req.valid('json');
    await checkServices(c.env.DB, body.serviceIds);
    const id = newId('cmp');
    const at = now();
    await createComponent(c.env.DB, { ...body, id, at });
    await afterWrite(c.env, origin(c.req.url), at);
    return c.json({ component: await found(c.env.DB, id) }, 201, {
      location: `/api/status/components/${id}`,
    });
  },
);

statusAdmin.openapi(
  createRoute({
    method: 'patch',
    path: '/components/{id}',
    tags: ['status page'],
    summary: 'Edit a component, or publish its state by hand',
    description:
      '`overrideState` wins over the states publications put the component in; `null` derives it again.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: statusComponentPatch } } },
    },
    responses: { 200: json('The component', one), ...writeProblems, 404: problems[404] },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    await found(c.env.DB, id);
    await checkServices(c.env.DB, body.serviceIds);
    const at = now();
    await updateComponent(c.env.DB, id, body, at);
    await afterWrite(c.env, origin(c.req.url), at);
    return c.json({ component: await found(c.env.DB, id) }, 200);
  },
);

statusAdmin.openapi(
  createRoute({
    method: 'delete',
    path: '/components/{id}',
    tags: ['status page'],
    summary: 'Remove a component (and its history) from the page',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParams },
    responses: {
      204: { description: 'Removed' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deleteComponent(c.env.DB, id))) throw notFound(`No status-page component ${id}.`);
    await afterWrite(c.env, origin(c.req.url), now());
    return c.body(null, 204);
  },
);

statusAdmin.openapi(
  createRoute({
    method: 'post',
    path: '/notices',
    tags: ['status page'],
    summary: 'Post a notice or a maintenance without an incident',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { body: { required: true, content: { 'application/json': { schema: noticeInput } } } },
    responses: {
      201: json('The publication', z.object({ publication: publicationSchema })),
      ...writeProblems,
    },
  }),
  async (c) => {
    const publication = await postNotice(
      c.env,
      origin(c.req.url),
      null,
      c.req.valid('json'),
      now(),
    );
    return c.json({ publication }, 201);
  },
);

statusAdmin.openapi(
  createRoute({
    method: 'post',
    path: '/notices/{id}/updates',
    tags: ['status page'],
    summary: 'Post the next update of a notice or maintenance (a final status closes it)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: noticeUpdateInput } } },
    },
    responses: {
      200: json('The publication', z.object({ publication: publicationSchema })),
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const existing = await getPublication(c.env.DB, id);
    if (!existing || existing.incidentId) throw notFound(`No notice ${id}.`);
    const publication = await postNotice(
      c.env,
      origin(c.req.url),
      existing,
      c.req.valid('json'),
      now(),
    );
    return c.json({ publication }, 200);
  },
);
