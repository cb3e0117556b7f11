import { describe, expect, it } from 'vitest';
import type { Integration, MappingPreview } from '../../schema/integration-schemas';
import type { Mapping, MappingPreset } from '../../schema/mapping-schemas';
import { ADMIN, api, createUser, json } from '../helpers';
import { expectProblem, newIntegration, newService, send, serviceWith } from '../ingest/support';

const KUMA: Mapping = {
  summary: '{{ monitor.name }} is down',
  action: { value: '$string(heartbeat.status)', map: { '0': 'trigger', '1': 'resolve' } },
  dedup_key: 'kuma-{{ monitor.id }}',
};
const down = { heartbeat: { status: 0 }, monitor: { id: 7, name: 'Checkout' } };

const mappingPath = (i: { serviceId: string; id: string }) =>
  `/api/services/${i.serviceId}/integrations/${i.id}/mapping`;

/** A custom integration with `bodies` already received, and what the API shows of it. */
async function customWith(bodies: unknown[], mapping: Mapping = KUMA) {
  const { integration } = await serviceWith('custom', { mapping });
  for (const body of bodies) expect((await send(integration.url, body)).status).toBe(202);
  return integration as typeof integration & Integration;
}

describe('custom integration mappings', () => {
  it('creates a custom integration with its mapping, and refuses one with neither preset nor mapping', async () => {
    const serviceId = await newService();
    const created = await newIntegration(serviceId, 'custom', { mapping: KUMA });
    expect(created).toMatchObject({ type: 'custom', mapping: KUMA, preset: null, name: 'Custom' });
    expect((created as unknown as Integration).endpoint).toBe(
      'http://127.0.0.1:8787/hooks/custom/{key}',
    );

    const none = await api(`/api/services/${serviceId}/integrations`, {
      body: { type: 'custom' },
      headers: ADMIN,
    });
    expect(none.status).toBe(400);
    const problem = await expectProblem(none);
    expect(problem.errors).toEqual([
      { path: 'mapping', message: expect.stringMatching(/needs a mapping, or a preset/) },
    ]);

    const unknown = await expectProblem(
      await api(`/api/services/${serviceId}/integrations`, {
        body: { type: 'custom', preset: 'no-such-monitor' },
        headers: ADMIN,
      }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.detail).toMatch(/^preset: no preset “no-such-monitor”; the presets are /);

    const generic = await expectProblem(
      await api(`/api/services/${serviceId}/integrations`, {
        body: { type: 'generic', mapping: KUMA },
        headers: ADMIN,
      }),
    );
    expect(generic.detail).toBe('mapping: only custom integrations take a mapping or preset');
  });

  it('lists the ready-made mappings to any signed-in user, and each one creates an integration', async () => {
    const viewer = await createUser('Vera', 'viewer');
    const { presets } = await json<{ presets: MappingPreset[] }>(
      api('/api/mapping-presets', { headers: viewer.auth }),
      200,
    );
    expect((await api('/api/mapping-presets')).status).toBe(401);
    expect(presets.length).toBeGreaterThan(0);
    const serviceId = await newService();
    for (const preset of presets) {
      expect(preset).toMatchObject({ id: expect.any(String), name: expect.any(String) });
      const made = await newIntegration(serviceId, 'custom', { preset: preset.id });
      expect(made).toMatchObject({ preset: preset.id, name: preset.name, mapping: preset.mapping });
    }
  });

  it('keeps naming the preset a mapping came from until the mapping is edited away from it', async () => {
    const { presets } = await json<{ presets: MappingPreset[] }>(
      api('/api/mapping-presets', { headers: ADMIN }),
      200,
    );
    const preset = presets[0] as MappingPreset;
    const integration = await customWith([]);
    const put = (mapping: Mapping) =>
      json<{ integration: Integration }>(
        api(mappingPath(integration), { method: 'PUT', body: { mapping }, headers: ADMIN }),
        200,
      );
    expect((await put(preset.mapping)).integration.preset).toBe(preset.id);
    const edited = { ...preset.mapping, summary: `${preset.mapping.summary} (edited)` };
    expect((await put(edited)).integration.preset).toBeNull();
  });

  it('previews a mapping over the recorded payloads, newest first, and says which it fails on', async () => {
    const integration = await customWith([down, { unrelated: true }]);
    const preview = await json<MappingPreview>(
      api(`${mappingPath(integration)}/preview`, { body: { mapping: KUMA }, headers: ADMIN }),
      200,
    );
    expect(preview.failsOnAll).toBe(false);
    expect(preview.results).toHaveLength(2);
    const [unrelated, kuma] = preview.results;
    expect(kuma).toMatchObject({
      contentType: 'application/json',
      truncated: false,
      error: null,
      notes: [],
      alerts: [{ action: 'trigger', summary: 'Checkout is down', dedupKey: 'kuma-7' }],
    });
    expect(unrelated?.notes.length).toBeGreaterThan(0);
    expect(unrelated?.alerts).toHaveLength(1);

    const wrong = await json<MappingPreview>(
      api(`${mappingPath(integration)}/preview`, {
        body: { mapping: { summary: '{{ check.name }}' } },
        headers: ADMIN,
      }),
      200,
    );
    expect(wrong.failsOnAll).toBe(true);
  });

  it('says in the preview when a recorded body was cut and cannot be read', async () => {
    const integration = await customWith([{ ...down, log: 'x'.repeat(100 * 1024) }]);
    const { results, failsOnAll } = await json<MappingPreview>(
      api(`${mappingPath(integration)}/preview`, { body: { mapping: KUMA }, headers: ADMIN }),
      200,
    );
    expect(results[0]).toMatchObject({ truncated: true, alerts: [] });
    expect(results[0]?.error).toMatch(/cut when recorded/);
    expect(failsOnAll).toBe(false);
  });

  it('refuses to save a mapping whose expressions do not parse, naming them', async () => {
    const integration = await customWith([]);
    const res = await api(mappingPath(integration), {
      method: 'PUT',
      body: { mapping: { summary: '{{ monitor.name ( }}' } },
      headers: ADMIN,
    });
    expect(res.status).toBe(400);
    const problem = await expectProblem(res);
    expect(problem.code).toBe('validation');
    expect(problem.errors).toEqual([
      { path: 'mapping', message: expect.stringMatching(/^summary: /) },
    ]);
  });

  it('asks for confirmation before saving a mapping that fails on every recent payload', async () => {
    const integration = await customWith([down, down]);
    const failing = { summary: '{{ check.name }} failed' };
    const res = await api(mappingPath(integration), {
      method: 'PUT',
      body: { mapping: failing },
      headers: ADMIN,
    });
    expect(res.status).toBe(409);
    const problem = await expectProblem(res);
    expect(problem.type).toBe('https://firebell.dev/problems/mapping-fails-everywhere');
    expect(problem.detail).toMatch(
      /^This mapping fails on all 2 recent payloads: .+; send confirm: true to save it anyway\.$/,
    );

    const saved = await json<{ integration: Integration }>(
      api(mappingPath(integration), {
        method: 'PUT',
        body: { mapping: failing, confirm: true },
        headers: ADMIN,
      }),
      200,
    );
    expect(saved.integration.mapping).toEqual(failing);
  });

  it('saves a mapping that works, and the next body uses it', async () => {
    const integration = await customWith([down], { summary: 'placeholder' });
    const better: Mapping = { ...KUMA, summary: '{{ monitor.name }} stopped answering' };
    const { integration: saved } = await json<{ integration: Integration }>(
      api(mappingPath(integration), { method: 'PUT', body: { mapping: better }, headers: ADMIN }),
      200,
    );
    expect(saved).toMatchObject({ id: integration.id, type: 'custom', mapping: better });
    const listed = await json<{ integrations: Integration[] }>(
      api(`/api/services/${integration.serviceId}/integrations`, { headers: ADMIN }),
      200,
    );
    expect(listed.integrations[0]?.mapping).toEqual(better);
    const answer = await json<{ incidents: { dedupKey: string }[] }>(
      send(integration.url, down),
      202,
    );
    expect(answer.incidents[0]?.dedupKey).toBe('kuma-7');
  });

  it('refuses a mapping for an integration that is not custom', async () => {
    const { integration } = await serviceWith('generic');
    const res = await api(mappingPath(integration as typeof integration & Integration), {
      method: 'PUT',
      body: { mapping: KUMA },
      headers: ADMIN,
    });
    expect(res.status).toBe(400);
    expect((await expectProblem(res)).detail).toMatch(/only custom integrations have a mapping/);
  });

  it('documents the custom hook and the mapping routes in the OpenAPI description', async () => {
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(
      api('/api/openapi.json'),
      200,
    );
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/hooks/custom/{key}',
        '/hooks/custom',
        '/api/services/{id}/integrations/{iid}/mapping',
        '/api/services/{id}/integrations/{iid}/mapping/preview',
        '/api/mapping-presets',
      ]),
    );
    expect(Object.keys(doc.paths['/hooks/custom/{key}']?.post ?? {})).toContain('requestBody');
  });
});
