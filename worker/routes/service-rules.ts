/**
 * A service's event rules (docs/rules.md): read, replaced (admin) and tried on the last payloads the service's
 * integrations received; and what they did: the last suppressed alerts and the drop counters. D1 holds the
 * rules; each save is pushed with its version to the service's router, which applies it from the next alert.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { alertEventSchema } from '../../schema/alert-schemas';
import type { RecordedPayload } from '../../schema/directory';
import { ruleSchema, ruleSetSchema, type RuleSet } from '../../schema/rule-schemas';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { now } from '../clock';
import { listIntegrations } from '../directory/integrations';
import { getService, listServices } from '../directory/services';
import { existingRunbooks } from '../directory/runbooks';
import { allServiceRules, getServiceRules, saveServiceRules } from '../directory/service-rules';
import { invalid, validationHook } from '../edge';
import type { Env } from '../env';
import { notFound } from '../errors';
import { ruleErrors } from '../rules/check';
import { compileRules } from '../rules/evaluate';
import { judge } from '../service/judge';
import { recordedAlerts } from '../service/recorded-alerts';
import { serviceRouter } from '../stubs';
import { bearer, problems, writeProblems } from './openapi-shared';

const params = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'The service' }),
});

const ruleRef = z.object({ id: z.string(), name: z.string() });
const storedRulesSchema = z.object({
  rules: z.array(ruleSchema),
  version: z.number().int().openapi({ description: '0 until the first save; each save adds one' }),
  updatedAt: z.number().nullable(),
});

/** Payloads the preview reads, newest first across the service's integrations. */
export const PREVIEW_PAYLOADS = 20;

async function serviceOr404(db: D1Database, id: string): Promise<void> {
  if (!(await getService(db, id))) throw notFound(`No service ${id}.`);
}

/** The schema passed; now what needs the other services: route targets that exist, and no routing loop. */
async function checkRules(env: Env, serviceId: string, ruleSet: RuleSet): Promise<void> {
  const runbookIds = ruleSet.rules.flatMap((rule) =>
    rule.actions.flatMap((action) => (action.type === 'attach_runbook' ? [action.runbook_id] : [])),
  );
  const [others, known, runbooks] = await Promise.all([
    allServiceRules(env.DB),
    listServices(env.DB),
    existingRunbooks(env.DB, [...new Set(runbookIds)]),
  ]);
  const ids = new Set(known.map((s) => s.id));
  const errors: { path: string; message: string }[] = [];
  ruleSet.rules.forEach((rule, r) =>
    rule.actions.forEach((action, a) => {
      if (action.type === 'route' && !ids.has(action.service_id))
        errors.push({
          path: `rules.${r}.actions.${a}.service_id`,
          message: `no service ${action.service_id}`,
        });
      if (action.type === 'attach_runbook' && !runbooks.has(action.runbook_id))
        errors.push({
          path: `rules.${r}.actions.${a}.runbook_id`,
          message: `no runbook ${action.runbook_id}`,
        });
    }),
  );
  const routesOf = (id: string): string[] =>
    (others.get(id)?.rules ?? []).flatMap((rule) =>
      rule.enabled
        ? rule.actions.flatMap((action) => (action.type === 'route' ? [action.service_id] : []))
        : [],
    );
  errors.push(...ruleErrors(ruleSet, { serviceId, routesOf }));
  if (errors.length) throw invalid(errors);
}

export const serviceRules = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

serviceRules.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/rules',
    tags: ['services'],
    summary: 'The service’s event rules, in order, with their version',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params },
    responses: {
      200: {
        description: 'The rules',
        content: { 'application/json': { schema: storedRulesSchema } },
      },
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    await serviceOr404(c.env.DB, id);
    const stored = await getServiceRules(c.env.DB, id);
    return c.json(
      { rules: stored.ruleSet.rules, version: stored.version, updatedAt: stored.updatedAt },
      200,
    );
  },
);

serviceRules.openapi(
  createRoute({
    method: 'put',
    path: '/{id}/rules',
    tags: ['services'],
    summary: 'Replace the service’s event rules (admin); they apply from the next alert',
    description:
      'Rules run in order on every alert before deduplication: the first that matches decides, unless it says ' +
      '`continue`. Invalid conditions, regular expressions RE2 refuses, templates naming unknown fields, routes to ' +
      'unknown services and routes that come back to a service (A → B → A) are refused with 400 and `errors` ' +
      '[{path, message}]. Alerts already in flight finish under the rules they started with.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params,
      body: { required: true, content: { 'application/json': { schema: ruleSetSchema } } },
    },
    responses: {
      200: {
        description: 'The saved rules and their new version',
        content: { 'application/json': { schema: storedRulesSchema } },
      },
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const ruleSet = c.req.valid('json') as RuleSet;
    await serviceOr404(c.env.DB, id);
    await checkRules(c.env, id, ruleSet);
    const saved = await saveServiceRules(c.env.DB, id, ruleSet, now());
    // The router applies only a newer version, so pushes that cross each other settle on the latest.
    await serviceRouter(c.env, id).setRules(id, saved.version, ruleSet);
    return c.json(
      { rules: ruleSet.rules, version: saved.version, updatedAt: saved.updatedAt },
      200,
    );
  },
);

const previewAlert = z.object({
  before: z.object({ summary: z.string(), severity: z.string(), dedupKey: z.string() }),
  matched: z.array(ruleRef),
  outcome: z.enum(['passed', 'suppressed', 'dropped', 'routed']),
  routeTo: z.string().optional(),
  alert: alertEventSchema.openapi({ description: 'The alert after the rules' }),
  notes: z.array(z.string()),
});
const previewSchema = z.object({
  results: z.array(
    z.object({
      receivedAt: z.number(),
      integrationId: z.string(),
      integrationName: z.string(),
      integrationType: z.string(),
      error: z.string().nullable(),
      notes: z.array(z.string()),
      alerts: z.array(previewAlert),
    }),
  ),
});

serviceRules.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/rules/preview',
    tags: ['services'],
    summary:
      'Try rules on the last 20 payloads the service’s integrations received, without saving (admin)',
    description:
      'Each payload is read again by its integration’s adapter (a custom integration’s by its mapping), then each ' +
      'alert is judged by the rules: which matched, the outcome, and the alert as it would reach deduplication.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params,
      body: { required: true, content: { 'application/json': { schema: ruleSetSchema } } },
    },
    responses: {
      200: {
        description: 'Per payload, newest first, what the rules make of its alerts',
        content: { 'application/json': { schema: previewSchema } },
      },
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const ruleSet = c.req.valid('json') as RuleSet;
    await serviceOr404(c.env.DB, id);
    await checkRules(c.env, id, ruleSet);
    const compiled = compileRules(ruleSet.rules);
    const integrations = await listIntegrations(c.env.DB, id);
    const recorded = (await serviceRouter(c.env, id).recentPayloads(
      integrations.map((i) => i.id),
    )) as Record<string, RecordedPayload[]>;
    const newest = integrations
      .flatMap((integration) =>
        (recorded[integration.id] ?? []).map((payload) => ({ integration, payload })),
      )
      .sort((a, b) => b.payload.receivedAt - a.payload.receivedAt)
      .slice(0, PREVIEW_PAYLOADS);
    const results: z.infer<typeof previewSchema>['results'] = [];
    for (const { integration, payload } of newest) {
      const base = {
        receivedAt: payload.receivedAt,
        integrationId: integration.id,
        integrationName: integration.name,
        integrationType: integration.type,
      };
      const read = await recordedAlerts(integration, payload);
      if ('error' in read) {
        results.push({ ...base, error: read.error, notes: [], alerts: [] });
        continue;
      }
      const judged = await judge(compiled, read.events, {
        serviceId: id,
        integrationType: integration.type,
        hops: 0,
      });
      results.push({
        ...base,
        error: null,
        notes: read.notes,
        alerts: judged.map((j, n) => {
          const before = read.events[n] as (typeof read.events)[number];
          return {
            before: {
              summary: before.summary,
              severity: before.severity,
              dedupKey: before.dedupKey,
            },
            matched: j.matched,
            outcome:
              j.verdict === 'page'
                ? ('passed' as const)
                : j.verdict === 'suppress'
                  ? ('suppressed' as const)
                  : j.verdict === 'drop'
                    ? ('dropped' as const)
                    : ('routed' as const),
            ...(typeof j.verdict === 'object' ? { routeTo: j.verdict.route } : {}),
            alert: j.alert,
            notes: j.notes,
          };
        }),
      });
    }
    return c.json({ results }, 200);
  },
);

serviceRules.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/suppressed',
    tags: ['services'],
    summary: 'The last 100 alerts the service’s rules suppressed, and how many each rule dropped',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params },
    responses: {
      200: {
        description: 'Suppressed alerts (newest first) and drop counters',
        content: {
          'application/json': {
            schema: z.object({
              suppressed: z.array(
                z.object({
                  at: z.number(),
                  summary: z.string(),
                  severity: z.string(),
                  source: z.string().nullable(),
                  dedupKey: z.string(),
                  integrationId: z.string(),
                  integrationName: z.string(),
                  rules: z.array(ruleRef),
                  silenceId: z
                    .string()
                    .optional()
                    .openapi({ description: 'The silence that suppressed it, if a silence did' }),
                }),
              ),
              drops: z.array(
                z.object({
                  ruleId: z.string(),
                  name: z.string(),
                  count: z.number().int(),
                  lastAt: z.number(),
                }),
              ),
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
    const activity = await serviceRouter(c.env, id).ruleActivity();
    return c.json(activity, 200);
  },
);
