/**
 * /api/policies: escalation policies (admin writes, viewer reads) and which services they page for.
 * The escalation engine reads them through worker/directory/policies; nothing here pages anyone.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { EscalationPolicy } from '../../schema/oncall';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { now } from '../clock';
import {
  attachService,
  createPolicy,
  deletePolicy,
  detachService,
  getPolicy,
  listPolicies,
  policyTargets,
  serviceNamed,
  servicesUsingPolicy,
  servicesWithPolicy,
  updatePolicy,
  type Named,
  type PolicyRecord,
} from '../directory/policies';
import { unknownSchedules } from '../directory/schedules';
import { unknownUsers } from '../directory/teams';
import { invalid, limitBody, requireJson, validationHook } from '../edge';
import { conflict, notFound } from '../errors';
import { newId } from '../ids';
import { COVERAGE_DAYS } from '../../schema/oncall';
import { policyInput, policySchema } from '../../schema/policy-schemas';
import { id } from '../../schema/schedule-schemas';
import { policyCoverage } from '../oncall/gaps';
import { loadSnapshot } from '../directory/on-call';
import { coverageData } from '../oncall/targets';
import { DAY } from '../oncall/zone';
import { bearer, problems, writeProblems } from './openapi-shared';

export const policies = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
policies.use('*', limitBody(64 * 1024), requireJson());

const idParam = z.object({
  id: id.openapi({ param: { name: 'id', in: 'path' }, example: 'pol_…' }),
});
const serviceParams = idParam.extend({
  serviceId: id.openapi({ param: { name: 'serviceId', in: 'path' }, example: 'svc_…' }),
});
const policyResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({ policy: policySchema }) } },
});

/** Every target must exist now; each unknown one is a 400 naming its place in the body. */
async function checkTargets(db: D1Database, input: Omit<EscalationPolicy, 'id'>): Promise<void> {
  const all = input.levels.flatMap((l, i) =>
    l.targets.map((t, j) => ({ ...t, path: `levels.${i}.targets.${j}.id` })),
  );
  const idsOf = (type: 'user' | 'schedule') => all.filter((t) => t.type === type).map((t) => t.id);
  const [users, schedules] = await Promise.all([
    unknownUsers(db, idsOf('user')),
    unknownSchedules(db, idsOf('schedule')),
  ]);
  const missing = { user: new Set(users), schedule: new Set(schedules) };
  const errors = all
    .filter((t) => missing[t.type].has(t.id))
    .map((t) => ({ path: t.path, message: `unknown ${t.type} ${t.id}` }));
  if (errors.length) throw invalid(errors);
}

/** Each policy with who it reaches over the next days: one load of schedules and users for all of them. */
async function withCoverage<P extends PolicyRecord>(db: D1Database, list: P[]) {
  const at = now();
  const until = at + COVERAGE_DAYS * DAY;
  const data = coverageData(await loadSnapshot(db, list.flatMap(policyTargets), at, until));
  return list.map((p) => ({ ...p, coverage: policyCoverage(p.levels, data, at, until) }));
}

async function view(db: D1Database, policy: PolicyRecord | null, policyId: string) {
  if (!policy) throw notFound(`No escalation policy ${policyId}.`);
  const [withServices] = await withCoverage(db, [
    { ...policy, services: await servicesUsingPolicy(db, policy.id) },
  ]);
  return withServices!;
}

policies.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['escalation policies'],
    summary: 'Create an escalation policy',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { body: { required: true, content: { 'application/json': { schema: policyInput } } } },
    responses: { 201: policyResponse('The new policy'), ...writeProblems },
  }),
  async (c) => {
    const body = c.req.valid('json');
    await checkTargets(c.env.DB, body);
    const policyId = newId('pol');
    await createPolicy(c.env.DB, { id: policyId, ...body }, now());
    return c.json(
      { policy: await view(c.env.DB, await getPolicy(c.env.DB, policyId), policyId) },
      201,
      { location: `/api/policies/${policyId}` },
    );
  },
);

policies.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['escalation policies'],
    summary: 'Every escalation policy, with the services it pages for',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'Policies by name',
        content: { 'application/json': { schema: z.object({ policies: z.array(policySchema) }) } },
      },
      401: problems[401],
    },
  }),
  async (c) => {
    const [all, services] = await Promise.all([
      listPolicies(c.env.DB),
      servicesWithPolicy(c.env.DB),
    ]);
    const byPolicy = new Map<string, Named[]>();
    for (const s of services)
      byPolicy.set(s.policyId, [...(byPolicy.get(s.policyId) ?? []), { id: s.id, name: s.name }]);
    return c.json(
      {
        policies: await withCoverage(
          c.env.DB,
          all.map((p) => ({ ...p, services: byPolicy.get(p.id) ?? [] })),
        ),
      },
      200,
    );
  },
);

policies.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['escalation policies'],
    summary: 'One escalation policy',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParam },
    responses: { 200: policyResponse('The policy'), 401: problems[401], 404: problems[404] },
  }),
  async (c) => {
    const policyId = c.req.valid('param').id;
    return c.json(
      { policy: await view(c.env.DB, await getPolicy(c.env.DB, policyId), policyId) },
      200,
    );
  },
);

policies.openapi(
  createRoute({
    method: 'put',
    path: '/{id}',
    tags: ['escalation policies'],
    summary: 'Replace an escalation policy',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: idParam,
      body: { required: true, content: { 'application/json': { schema: policyInput } } },
    },
    responses: { 200: policyResponse('The policy'), ...writeProblems, 404: problems[404] },
  }),
  async (c) => {
    const policyId = c.req.valid('param').id;
    const body = c.req.valid('json');
    if (!(await getPolicy(c.env.DB, policyId))) throw notFound(`No escalation policy ${policyId}.`);
    await checkTargets(c.env.DB, body);
    if (!(await updatePolicy(c.env.DB, { id: policyId, ...body }, now())))
      throw notFound(`No escalation policy ${policyId}.`);
    return c.json(
      { policy: await view(c.env.DB, await getPolicy(c.env.DB, policyId), policyId) },
      200,
    );
  },
);

policies.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['escalation policies'],
    summary: 'Delete an escalation policy no service uses',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParam },
    responses: {
      204: { description: 'Deleted' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const policyId = c.req.valid('param').id;
    if (!(await getPolicy(c.env.DB, policyId))) throw notFound(`No escalation policy ${policyId}.`);
    // Checked again inside the delete: a service attached meanwhile keeps its policy.
    if (!(await deletePolicy(c.env.DB, policyId))) {
      const services = await servicesUsingPolicy(c.env.DB, policyId);
      const names = services.map((s) => `“${s.name}” (${s.id})`).join(', ');
      throw conflict(
        `Escalation policy ${policyId} pages for ${names || 'a service'}; point ${services.length === 1 ? 'it' : 'them'} at another policy first.`,
        { services },
      );
    }
    return c.body(null, 204);
  },
);

policies.openapi(
  createRoute({
    method: 'put',
    path: '/{id}/services/{serviceId}',
    tags: ['escalation policies'],
    summary: 'Make this policy the one that pages for a service (replacing its previous one)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: serviceParams },
    responses: {
      200: {
        description: 'The service now uses this policy',
        content: {
          'application/json': { schema: z.object({ serviceId: z.string(), policyId: z.string() }) },
        },
      },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id: policyId, serviceId } = c.req.valid('param');
    if (!(await getPolicy(c.env.DB, policyId))) throw notFound(`No escalation policy ${policyId}.`);
    if (!(await serviceNamed(c.env.DB, serviceId))) throw notFound(`No service ${serviceId}.`);
    if (!(await attachService(c.env.DB, policyId, serviceId)))
      throw notFound(`Escalation policy ${policyId} or service ${serviceId} was just deleted.`);
    return c.json({ serviceId, policyId }, 200);
  },
);

policies.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}/services/{serviceId}',
    tags: ['escalation policies'],
    summary: 'Stop this policy paging for a service (the service is then left without one)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: serviceParams },
    responses: {
      204: { description: 'Detached' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id: policyId, serviceId } = c.req.valid('param');
    if (!(await detachService(c.env.DB, policyId, serviceId)))
      throw notFound(`Service ${serviceId} does not use escalation policy ${policyId}.`);
    return c.body(null, 204);
  },
);
