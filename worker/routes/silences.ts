/**
 * Silences, as in Alertmanager: "silence alerts like this for 1h/4h/24h". A silence matches one service's alerts
 * by exact field values; its router records matching alerts on the suppressed list (naming the silence) and
 * pages no one. Responders create them (by hand, or from an incident's alert) and expire them early.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { IncidentAlert } from '../../schema/incident';
import {
  SILENCE_MAX_MS,
  silenceFromIncidentSchema,
  silenceInputSchema,
  silenceSchema,
  toMs,
  type Silence,
  type SilenceMatcher,
} from '../../schema/maintenance-schemas';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { now } from '../clock';
import { getSilence, listSilences, saveSilence } from '../directory/maintenance';
import { getService } from '../directory/services';
import { invalid, validationHook } from '../edge';
import { notFound } from '../errors';
import { newId } from '../ids';
import type { IncidentView } from '../incident/object';
import { matchersLike } from '../service/quiet-store';
import { incidentStub } from '../stubs';
import { bearer, problems, writeProblems } from './openapi-shared';
import { pushQuiet } from './quiet-push';

const HOURS = { '1h': 1, '4h': 4, '24h': 24 } as const;
type For = keyof typeof HOURS | { until: number | string };

/** When a silence asked for `length` from `at` ends; a past or too distant end names the field. */
function endOf(length: For, at: number): number {
  const end = typeof length === 'string' ? at + HOURS[length] * 3_600_000 : toMs(length.until);
  if (end <= at) throw invalid([{ path: 'for.until', message: 'must be in the future' }]);
  if (end - at > SILENCE_MAX_MS)
    throw invalid([{ path: 'for.until', message: 'a silence lasts at most 30 days' }]);
  return end;
}

async function create(
  env: AppEnv['Bindings'],
  draft: Omit<Silence, 'id' | 'createdAt' | 'expiredAt'>,
  at: number,
): Promise<Silence> {
  const silence: Silence = { id: newId('sil'), createdAt: at, expiredAt: null, ...draft };
  await saveSilence(env.DB, silence);
  await pushQuiet(env, [silence.serviceId], at);
  return silence;
}

const describeMatchers = (matchers: readonly SilenceMatcher[]) =>
  matchers.map((m) => `${m.field}=${m.value}`).join(', ');

const silenceBody = z.object({ silence: silenceSchema });
const idParam = (what: string) =>
  z.object({
    id: z
      .string()
      .min(1)
      .max(64)
      .openapi({ param: { name: 'id', in: 'path' }, description: what }),
  });

export const silences = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

silences.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['silences'],
    summary: 'Silences, newest first: all, or only those in force',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: {
      query: z.object({
        serviceId: z.string().max(64).optional(),
        state: z.enum(['active', 'all']).default('active'),
      }),
    },
    responses: {
      200: {
        description: 'The silences, each with who created it and when it ends',
        content: { 'application/json': { schema: z.object({ silences: z.array(silenceSchema) }) } },
      },
      400: problems[400],
      401: problems[401],
    },
  }),
  async (c) => {
    const { serviceId, state } = c.req.valid('query');
    const list = await listSilences(c.env.DB, {
      ...(serviceId ? { serviceId } : {}),
      ...(state === 'active' ? { activeAt: now() } : {}),
    });
    return c.json({ silences: list }, 200);
  },
);

silences.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['silences'],
    summary:
      'Silence a service’s alerts matching every matcher, for 1h, 4h, 24h or until an instant',
    description:
      'Matchers compare exact values of summary, source, severity, dedup_key or labels.<name>. Matching alerts are recorded on the service’s suppressed list with the silence, and page no one. An unknown service, an end in the past or more than 30 days ahead get 400 naming the field.',
    security: bearer,
    middleware: [requireRole('responder')] as const,
    request: {
      body: { required: true, content: { 'application/json': { schema: silenceInputSchema } } },
    },
    responses: {
      201: { description: 'The silence', content: { 'application/json': { schema: silenceBody } } },
      ...writeProblems,
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const at = now();
    if (!(await getService(c.env.DB, input.serviceId)))
      throw invalid([{ path: 'serviceId', message: `no service ${input.serviceId}` }]);
    const who = principalOf(c);
    const silence = await create(
      c.env,
      {
        serviceId: input.serviceId,
        matchers: input.matchers,
        comment: input.comment ?? '',
        createdBy: { id: who.id, name: who.name },
        endsAt: endOf(input.for, at),
        incidentId: null,
      },
      at,
    );
    return c.json({ silence }, 201);
  },
);

silences.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/expire',
    tags: ['silences'],
    summary: 'Expire a silence now: matching alerts page again from the next one',
    security: bearer,
    middleware: [requireRole('responder')] as const,
    request: { params: idParam('The silence') },
    responses: {
      200: { description: 'The silence', content: { 'application/json': { schema: silenceBody } } },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const at = now();
    const found = await getSilence(c.env.DB, id);
    if (!found) throw notFound(`No silence ${id}.`);
    const silence: Silence = found.expiredAt === null ? { ...found, expiredAt: at } : found;
    await saveSilence(c.env.DB, silence);
    await pushQuiet(c.env, [silence.serviceId], at);
    return c.json({ silence }, 200);
  },
);

/** POST /api/incidents/{id}/silence: mounted beside the incident routes. */
export const incidentSilence = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

incidentSilence.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/silence',
    tags: ['silences'],
    summary: 'Silence alerts like this incident’s (or one of its alerts) for 1h, 4h or 24h',
    description:
      'The matchers are built from the alert (its first, or `alertKey`): all its labels, or its summary and source when it has none. The incident gets a note saying who silenced what, until when.',
    security: bearer,
    middleware: [requireRole('responder')] as const,
    request: {
      params: idParam('The incident'),
      body: {
        required: true,
        content: { 'application/json': { schema: silenceFromIncidentSchema } },
      },
    },
    responses: {
      201: { description: 'The silence', content: { 'application/json': { schema: silenceBody } } },
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const at = now();
    const stub = incidentStub(c.env, id);
    const view = (await stub.view()) as IncidentView | null;
    if (!view) throw notFound(`No incident ${id}.`);
    const { serviceId } = view.incident;
    if (!serviceId)
      throw invalid([{ path: 'id', message: 'this incident has no service to silence' }]);
    const alert: Pick<IncidentAlert, 'summary' | 'source' | 'labels'> | undefined = input.alertKey
      ? view.alerts.find((a) => a.key === input.alertKey)
      : (view.alerts[0] ?? { summary: view.incident.title });
    if (!alert) throw invalid([{ path: 'alertKey', message: `no alert ${input.alertKey} here` }]);
    const who = principalOf(c);
    const endsAt = endOf(input.for, at);
    const matchers = matchersLike(alert);
    const silence = await create(
      c.env,
      {
        serviceId,
        matchers,
        comment: input.comment ?? '',
        createdBy: { id: who.id, name: who.name },
        endsAt,
        incidentId: id,
      },
      at,
    );
    const until = new Date(endsAt).toISOString().slice(0, 16).replace('T', ' ');
    await stub.command(
      {
        type: 'add_note',
        text: `Silenced alerts like this until ${until} UTC (${silence.id}): ${describeMatchers(matchers)}`,
      },
      { kind: 'user', id: who.id, name: who.name },
    );
    return c.json({ silence }, 201);
  },
);
