/**
 * Runbooks (docs/runbooks.md): per service, created, edited, listed and deleted by admins, one of them the
 * service's default; and an incident's attached runbook with its ticks (the incident object folds its timeline).
 * Ticking a step is an incident command (POST /api/incidents/{id}/runbook-steps in incidents.ts).
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  RUNBOOKS_PER_SERVICE_MAX,
  bodyLinks,
  defaultRunbookSchema,
  incidentRunbookSchema,
  runbookInputSchema,
  runbookSchema,
  type Runbook,
} from '../../schema/runbook-schemas';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { now } from '../clock';
import {
  countRunbooks,
  deleteRunbook,
  getDefaultRunbookId,
  getRunbook,
  insertRunbook,
  listRunbooks,
  setDefaultRunbookId,
  updateRunbook,
} from '../directory/runbooks';
import { allServiceRules } from '../directory/service-rules';
import { getService } from '../directory/services';
import { invalid, validationHook } from '../edge';
import { conflict, notFound } from '../errors';
import { newId } from '../ids';
import { templateErrors, type RuleProblem } from '../rules/check';
import { incidentStub, serviceRouter } from '../stubs';
import { bearer, problems, writeProblems } from './openapi-shared';

const pathId = (description: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, description });
const serviceParams = z.object({ id: pathId('The service') });
const runbookParams = z.object({
  id: pathId('The service'),
  runbookId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'runbookId', in: 'path' }, description: 'The runbook' }),
});

async function serviceOr404(db: D1Database, id: string): Promise<void> {
  if (!(await getService(db, id))) throw notFound(`No service ${id}.`);
}

async function runbookOr404(db: D1Database, serviceId: string, id: string): Promise<Runbook> {
  const runbook = await getRunbook(db, id);
  if (!runbook || runbook.serviceId !== serviceId)
    throw notFound(`No runbook ${id} on service ${serviceId}.`);
  return runbook;
}

/** Beyond the schema: every `{{ }}` in a link must parse and read a field an alert has. */
function checkTemplates(input: z.infer<typeof runbookInputSchema>): void {
  const errors: RuleProblem[] = [];
  input.steps.forEach((step, i) => {
    if (step.link) templateErrors(step.link, `steps.${i}.link`, errors);
  });
  for (const target of bodyLinks(input.body)) templateErrors(target, 'body', errors);
  if (errors.length) throw invalid(errors);
}

const jsonBody = {
  required: true,
  content: { 'application/json': { schema: runbookInputSchema } },
};
const runbookResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: runbookSchema } },
});

export const runbooks = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

runbooks.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/runbooks',
    tags: ['runbooks'],
    summary: 'The service’s runbooks and its default',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: serviceParams },
    responses: {
      200: {
        description: 'Runbooks by name',
        content: {
          'application/json': {
            schema: z.object({
              runbooks: z.array(runbookSchema),
              defaultRunbookId: z.string().nullable(),
            }),
          },
        },
      },
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    await serviceOr404(c.env.DB, id);
    const [list, defaultRunbookId] = await Promise.all([
      listRunbooks(c.env.DB, id),
      getDefaultRunbookId(c.env.DB, id),
    ]);
    return c.json({ runbooks: list, defaultRunbookId }, 200);
  },
);

runbooks.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/runbooks',
    tags: ['runbooks'],
    summary: 'Create a runbook (admin)',
    description:
      'Markdown (rendered without raw HTML) and at least one step. Links must be http(s) and may use `{{ }}` ' +
      'fields of the alert (labels.host, labels.region …), rendered when the runbook is attached to an incident.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: serviceParams, body: jsonBody },
    responses: {
      201: runbookResponse('The runbook'),
      ...writeProblems,
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    await serviceOr404(c.env.DB, id);
    checkTemplates(input);
    if ((await countRunbooks(c.env.DB, id)) >= RUNBOOKS_PER_SERVICE_MAX)
      throw conflict(`A service has at most ${RUNBOOKS_PER_SERVICE_MAX} runbooks.`);
    const at = now();
    const runbook: Runbook = {
      id: newId('rb'),
      serviceId: id,
      ...input,
      createdAt: at,
      updatedAt: at,
    };
    await insertRunbook(c.env.DB, runbook);
    return c.json(runbook, 201);
  },
);

runbooks.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/runbooks/{runbookId}',
    tags: ['runbooks'],
    summary: 'One runbook',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: runbookParams },
    responses: { 200: runbookResponse('The runbook'), 401: problems[401], 404: problems[404] },
  }),
  async (c) => {
    const { id, runbookId } = c.req.valid('param');
    return c.json(await runbookOr404(c.env.DB, id, runbookId), 200);
  },
);

runbooks.openapi(
  createRoute({
    method: 'put',
    path: '/{id}/runbooks/{runbookId}',
    tags: ['runbooks'],
    summary: 'Replace a runbook (admin); incidents keep the steps they were given',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: runbookParams, body: jsonBody },
    responses: {
      200: runbookResponse('The runbook as saved'),
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const { id, runbookId } = c.req.valid('param');
    const input = c.req.valid('json');
    const before = await runbookOr404(c.env.DB, id, runbookId);
    checkTemplates(input);
    const runbook: Runbook = { ...before, ...input, updatedAt: now() };
    await updateRunbook(c.env.DB, runbook);
    await serviceRouter(c.env, id).forgetRunbook();
    return c.json(runbook, 200);
  },
);

runbooks.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}/runbooks/{runbookId}',
    tags: ['runbooks'],
    summary: 'Delete a runbook (admin), unless a rule attaches it',
    description: 'It stops being the service’s default; incidents keep their copy.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: runbookParams },
    responses: {
      204: { description: 'Deleted' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const { id, runbookId } = c.req.valid('param');
    await runbookOr404(c.env.DB, id, runbookId);
    const users: string[] = [];
    for (const [serviceId, ruleSet] of await allServiceRules(c.env.DB))
      for (const rule of ruleSet.rules)
        if (rule.actions.some((a) => a.type === 'attach_runbook' && a.runbook_id === runbookId))
          users.push(`rule ${rule.id} of service ${serviceId}`);
    if (users.length)
      throw conflict(
        `Runbook ${runbookId} is attached by ${users.join(', ')}; change those rules first.`,
        {
          rules: users,
        },
      );
    await deleteRunbook(c.env.DB, runbookId);
    await serviceRouter(c.env, id).forgetRunbook();
    return c.body(null, 204);
  },
);

runbooks.openapi(
  createRoute({
    method: 'put',
    path: '/{id}/default-runbook',
    tags: ['runbooks'],
    summary: 'Set (or clear, with null) the runbook every new incident of the service gets (admin)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: serviceParams,
      body: { required: true, content: { 'application/json': { schema: defaultRunbookSchema } } },
    },
    responses: {
      200: {
        description: 'The default now',
        content: { 'application/json': { schema: defaultRunbookSchema } },
      },
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const { runbookId } = c.req.valid('json');
    await serviceOr404(c.env.DB, id);
    if (runbookId !== null) {
      const runbook = await getRunbook(c.env.DB, runbookId);
      if (!runbook || runbook.serviceId !== id)
        throw invalid([{ path: 'runbookId', message: `no runbook ${runbookId} on service ${id}` }]);
    }
    await setDefaultRunbookId(c.env.DB, id, runbookId);
    await serviceRouter(c.env, id).forgetRunbook();
    return c.json({ runbookId }, 200);
  },
);

/** GET /api/incidents/{id}/runbook: mounted beside the incident routes. */
export const incidentRunbook = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

incidentRunbook.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/runbook',
    tags: ['runbooks'],
    summary: 'The runbook attached to the incident, with each step’s tick (who, when)',
    description:
      'Steps are ticked with POST /api/incidents/{id}/runbook-steps; each tick is also a `runbook_step` timeline entry, live in the incident’s room.',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: z.object({ id: pathId('The incident') }) },
    responses: {
      200: {
        description: 'The runbook, or null when none is attached',
        content: {
          'application/json': { schema: z.object({ runbook: incidentRunbookSchema.nullable() }) },
        },
      },
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const found = (await incidentStub(c.env, id).runbook()) as {
      runbook: z.infer<typeof incidentRunbookSchema> | null;
    } | null;
    if (!found) throw notFound(`No incident ${id}.`);
    return c.json(found, 200);
  },
);
