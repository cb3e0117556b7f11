/**
 * A custom integration's mapping: chosen when the integration is created (a preset or a mapping), tried on its
 * recent payloads (preview), and replaced (PUT), where a mapping that fails on all of them needs `confirm: true`.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { RecordedPayload } from '../../schema/directory';
import {
  integrationSchema,
  mappingPreviewInput,
  mappingPreviewSchema,
  mappingUpdateInput,
} from '../../schema/integration-schemas';
import type { IntegrationType } from '../../schema/alert';
import { mappingSchema, type Mapping } from '../../schema/mapping-schemas';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { getIntegration, setIntegrationMapping, type Integration } from '../directory/integrations';
import { invalid, validationHook } from '../edge';
import type { Env } from '../env';
import { badRequest, notFound, ProblemError } from '../errors';
import { mappingErrors } from '../mapping/check';
import { MAPPING_PRESETS } from '../mapping/presets';
import { failureSummary, presetMatching, previewMapping } from '../mapping/preview';
import { serviceRouter } from '../stubs';
import { publicOrigin } from './auth';
import { present } from './integration-view';
import { bearer, problems, writeProblems } from './openapi-shared';

/** A 400 naming each expression of the mapping that does not parse. */
function checked(mapping: Mapping, field = 'mapping'): Mapping {
  const errors = mappingErrors(mapping);
  if (errors.length) throw invalid(errors.map((message) => ({ path: field, message })));
  return mapping;
}

/** What a new integration's `preset`/`mapping` fields make of it: custom needs one, other types take neither. */
export function initialMapping(body: {
  type: IntegrationType;
  preset?: string | undefined;
  mapping?: Mapping | undefined;
}): { mapping: Mapping | null; preset: string | null; presetName?: string } {
  if (body.type !== 'custom') {
    if (body.preset !== undefined || body.mapping !== undefined)
      throw invalid([
        {
          path: body.preset !== undefined ? 'preset' : 'mapping',
          message: 'only custom integrations take a mapping or preset',
        },
      ]);
    return { mapping: null, preset: null };
  }
  if (body.preset !== undefined && body.mapping !== undefined)
    throw invalid([{ path: 'preset', message: 'send preset or mapping, not both' }]);
  if (body.mapping !== undefined) {
    const mapping = checked(body.mapping);
    return { mapping, preset: presetMatching(mapping, MAPPING_PRESETS)?.id ?? null };
  }
  if (body.preset === undefined)
    throw invalid([
      {
        path: 'mapping',
        message: `a custom integration needs a mapping, or a preset (${presetIds()})`,
      },
    ]);
  const preset = MAPPING_PRESETS.find((p) => p.id === body.preset);
  if (!preset)
    throw invalid([
      { path: 'preset', message: `no preset “${body.preset}”; the presets are ${presetIds()}` },
    ]);
  return {
    mapping: mappingSchema.parse(preset.mapping),
    preset: preset.id,
    presetName: preset.name,
  };
}

const presetIds = () => MAPPING_PRESETS.map((p) => p.id).join(', ') || 'none yet';

const params = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'The service' }),
  iid: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'iid', in: 'path' }, description: 'The custom integration' }),
});

async function customIntegration(env: Env, serviceId: string, id: string): Promise<Integration> {
  const integration = await getIntegration(env.DB, serviceId, id);
  if (!integration) throw notFound(`Service ${serviceId} has no integration ${id}.`);
  if (integration.type !== 'custom')
    throw badRequest(
      `Integration ${id} is a ${integration.type} integration; only custom integrations have a mapping.`,
    );
  return integration;
}

/** The mapping tried on the integration's recorded payloads (up to 20, newest first). */
async function preview(env: Env, integration: Integration, mapping: Mapping) {
  const recorded = (await serviceRouter(env, integration.serviceId).recentPayloads([
    integration.id,
  ])) as Record<string, RecordedPayload[]>;
  return previewMapping(mapping, recorded[integration.id] ?? [], integration.name);
}

export const integrationMapping = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

integrationMapping.openapi(
  createRoute({
    method: 'put',
    path: '/{id}/integrations/{iid}/mapping',
    tags: ['services'],
    summary: 'Replace a custom integration’s mapping (admin)',
    description:
      'Every expression must parse (400 with `errors` otherwise). When the integration has recent payloads and the ' +
      'mapping fails on all of them (no alert, or a fallback used), the answer is 409 ' +
      '`mapping-fails-everywhere` unless `confirm` is true.',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params,
      body: { required: true, content: { 'application/json': { schema: mappingUpdateInput } } },
    },
    responses: {
      200: {
        description: 'The integration with its new mapping',
        content: {
          'application/json': { schema: z.object({ integration: integrationSchema }) },
        },
      },
      ...writeProblems,
      404: problems[404],
      409: {
        ...problems[409],
        description: 'The mapping fails on every recent payload: send confirm: true to save it',
      },
    },
  }),
  async (c) => {
    const { id, iid } = c.req.valid('param');
    const { mapping: sent, confirm } = c.req.valid('json');
    const integration = await customIntegration(c.env, id, iid);
    const mapping = checked(sent);
    if (confirm !== true) {
      const tried = await preview(c.env, integration, mapping);
      if (tried.failsOnAll)
        throw new ProblemError(409, 'mapping-fails-everywhere', failureSummary(tried));
    }
    const preset = presetMatching(mapping, MAPPING_PRESETS)?.id ?? null;
    await setIntegrationMapping(c.env.DB, id, iid, mapping, preset);
    // The router holds the integration it checks keys against: the next alert maps with this mapping.
    await serviceRouter(c.env, id).forgetIntegration(iid);
    const saved = { ...integration, mapping, preset };
    return c.json({ integration: present(saved, publicOrigin(c.env, c.req.url)) }, 200);
  },
);

integrationMapping.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/integrations/{iid}/mapping/preview',
    tags: ['services'],
    summary: 'Try a mapping on a custom integration’s last 20 payloads without saving it (admin)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params,
      body: { required: true, content: { 'application/json': { schema: mappingPreviewInput } } },
    },
    responses: {
      200: {
        description: 'What the mapping makes of each recorded payload, newest first',
        content: { 'application/json': { schema: mappingPreviewSchema } },
      },
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const { id, iid } = c.req.valid('param');
    const integration = await customIntegration(c.env, id, iid);
    const mapping = checked(c.req.valid('json').mapping);
    return c.json(await preview(c.env, integration, mapping), 200);
  },
);
