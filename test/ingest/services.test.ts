import { beforeAll, describe, expect, it } from 'vitest';
import pdjs from '../fixtures/payloads/pdjs-event.json';
import { ADMIN, api, createUser, json, type TestUser } from '../helpers';
import { newIntegration, newService, send, serviceIncidents } from './support';

type Listed = {
  id: string;
  type: string;
  endpoint: string;
  revokedAt: number | null;
  signed: boolean;
  ratePerMinute: number;
  recentPayloads: {
    body: string;
    bytes: number;
    truncated: boolean;
    outcome: string;
    detail: string;
    userAgent: string | null;
  }[];
};
const listed = async (serviceId: string, as: Record<string, string> = ADMIN) =>
  (
    await json<{ integrations: Listed[] }>(
      api(`/api/services/${serviceId}/integrations`, { headers: as }),
      200,
    )
  ).integrations;

let responder: TestUser;
beforeAll(async () => {
  responder = await createUser('Rita');
});

describe('services and integrations', () => {
  it('lets an admin create a service that everyone can read, and nobody else create one', async () => {
    const res = await api('/api/services', {
      body: { name: 'Payments', description: 'Card auth', policyId: 'pol_primary' },
      headers: ADMIN,
    });
    const { service } = await json<{ service: { id: string } }>(res, 201);
    expect(service).toMatchObject({
      id: expect.stringMatching(/^svc_/),
      name: 'Payments',
      description: 'Card auth',
      policyId: 'pol_primary',
    });
    expect(res.headers.get('location')).toBe(`/api/services/${service.id}`);
    expect(
      await json(api(`/api/services/${service.id}`, { headers: responder.auth }), 200),
    ).toEqual({ service });
    expect(
      (
        await json<{ services: { id: string }[] }>(
          api('/api/services', { headers: responder.auth }),
          200,
        )
      ).services,
    ).toContainEqual(service);
    expect(
      (await api('/api/services', { body: { name: 'Mine' }, headers: responder.auth })).status,
    ).toBe(403);
    expect((await api('/api/services/svc_missing', { headers: ADMIN })).status).toBe(404);
    expect(
      (await api('/api/services', { body: { name: 'x', colour: 'red' }, headers: ADMIN })).status,
    ).toBe(400);
  });

  it('gives each integration type the URL its monitor posts to, and the key once', async () => {
    const serviceId = await newService();
    const urls = Object.fromEntries(
      await Promise.all(
        (['pagerduty', 'alertmanager', 'grafana', 'opsgenie', 'generic'] as const).map(
          async (type) => {
            const created = await newIntegration(serviceId, type);
            expect(created.key).toMatch(new RegExp(`^fbk_${serviceId}\\.[\\w-]{43}$`));
            return [type, created.url.replace(created.key, '<key>')];
          },
        ),
      ),
    );
    expect(urls).toEqual({
      pagerduty: 'http://127.0.0.1:8787/v2/enqueue',
      alertmanager: 'http://127.0.0.1:8787/hooks/alertmanager/<key>',
      grafana: 'http://127.0.0.1:8787/hooks/grafana/<key>',
      opsgenie: 'http://127.0.0.1:8787',
      generic: 'http://127.0.0.1:8787/hooks/generic/<key>',
    });
    const list = await listed(serviceId);
    expect(list.map((i) => i.endpoint)).toContain('http://127.0.0.1:8787/hooks/alertmanager/{key}');
    expect(JSON.stringify(list)).not.toMatch(/fbk_/);
    expect(list.every((i) => i.ratePerMinute === 120 && !i.signed)).toBe(true);
  });

  it('refuses integrations for a missing service, unknown types, and a signing secret outside Grafana', async () => {
    const serviceId = await newService();
    expect(
      (
        await api('/api/services/svc_missing/integrations', {
          body: { type: 'generic' },
          headers: ADMIN,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(`/api/services/${serviceId}/integrations`, {
          body: { type: 'nagios' },
          headers: ADMIN,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api(`/api/services/${serviceId}/integrations`, {
          body: { type: 'generic', signingSecret: 'long-enough-secret' },
          headers: ADMIN,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api(`/api/services/${serviceId}/integrations`, {
          body: { type: 'generic' },
          headers: responder.auth,
        })
      ).status,
    ).toBe(403);
    const signed = await newIntegration(serviceId, 'grafana', {
      signingSecret: 'long-enough-secret',
      ratePerMinute: 30,
    });
    expect(signed).toMatchObject({ signed: true, ratePerMinute: 30 });
  });

  it('makes the old key stop working and the new one work when a key is rotated', async () => {
    const serviceId = await newService();
    const old = await newIntegration(serviceId, 'generic');
    const rotated = await json<{ id: string; key: string; url: string }>(
      api(`/api/services/${serviceId}/integrations/${old.id}/rotate`, {
        method: 'POST',
        headers: ADMIN,
      }),
      200,
    );
    expect(rotated.id).toBe(old.id);
    expect(rotated.key).not.toBe(old.key);
    expect((await send(old.url, { summary: 'old key' })).status).toBe(401);
    expect((await send(rotated.url, { summary: 'new key' })).status).toBe(202);
    expect((await serviceIncidents(serviceId)).map((i) => i.title)).toEqual(['new key']);
  });

  it('stops a revoked key at once, answering exactly as for a key that never existed', async () => {
    const serviceId = await newService();
    const integration = await newIntegration(serviceId, 'pagerduty');
    expect(
      (await send('/v2/enqueue', { ...pdjs.trigger.body, routing_key: integration.key })).status,
    ).toBe(202);
    expect(
      (
        await api(`/api/services/${serviceId}/integrations/${integration.id}`, {
          method: 'DELETE',
          headers: ADMIN,
        })
      ).status,
    ).toBe(204);
    const revoked = await send('/v2/enqueue', {
      ...pdjs.trigger.body,
      routing_key: integration.key,
    });
    const unknown = await send('/v2/enqueue', {
      ...pdjs.trigger.body,
      routing_key: 'fbk_never-existed',
    });
    expect(revoked.status).toBe(400); // PagerDuty's answer to a routing key it does not know
    expect(await revoked.text()).toBe(await unknown.text());
    expect((await listed(serviceId))[0]?.revokedAt).toEqual(expect.any(Number));
    expect(
      (
        await api(`/api/services/${serviceId}/integrations/${integration.id}`, {
          method: 'DELETE',
          headers: ADMIN,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(`/api/services/${serviceId}/integrations/${integration.id}/rotate`, {
          method: 'POST',
          headers: ADMIN,
        })
      ).status,
    ).toBe(404);
  });

  it('shows the last payloads each integration received, newest first, with the key redacted and the outcome', async () => {
    const serviceId = await newService();
    const pd = await newIntegration(serviceId, 'pagerduty');
    const generic = await newIntegration(serviceId, 'generic');
    await send(
      '/v2/enqueue',
      { ...pdjs.trigger.body, routing_key: pd.key },
      { 'user-agent': 'pdjs/2.0.0' },
    );
    await send('/v2/enqueue', { routing_key: pd.key, event_action: 'trigger' });
    await send('/hooks/generic', { summary: 'with token', token: generic.key });

    const [pdListed, genericListed] = await listed(serviceId, responder.auth);
    expect(pdListed?.recentPayloads.map((p) => p.outcome)).toEqual(['rejected', 'accepted']);
    expect(pdListed?.recentPayloads[0]?.detail).toMatch(/'payload' is missing/);
    expect(pdListed?.recentPayloads[1]).toMatchObject({
      userAgent: 'pdjs/2.0.0',
      truncated: false,
      detail: expect.stringMatching(/^opened inc_/),
    });
    expect(JSON.parse(pdListed?.recentPayloads[1]?.body ?? '')).toMatchObject({
      routing_key: '[redacted]',
      dedup_key: 'probe-dedup-1',
    });
    expect(genericListed?.recentPayloads[0]?.body).toBe(
      '{"summary":"with token","token":"[redacted]"}',
    );
    expect(
      (
        await api(`/api/services/${serviceId}/integrations`, {
          headers: (await createUser('Vic', 'viewer')).auth,
        })
      ).status,
    ).toBe(403);
  });

  it('keeps only the last twenty payloads per integration, each cut to 8 KB', async () => {
    const serviceId = await newService();
    const integration = await newIntegration(serviceId, 'generic', { ratePerMinute: 1000 });
    await send(integration.url, { summary: 'big one', details: { blob: 'y'.repeat(20_000) } });
    for (let i = 0; i < 24; i++)
      await send(integration.url, { summary: `alert ${i}`, dedup_key: 'same' });
    const [entry] = await listed(serviceId);
    expect(entry?.recentPayloads).toHaveLength(20);
    expect(JSON.parse(entry?.recentPayloads[0]?.body ?? '')).toEqual({
      summary: 'alert 23',
      dedup_key: 'same',
    });

    const other = await newIntegration(serviceId, 'generic');
    await send(other.url, { summary: 'big one', details: { blob: 'y'.repeat(20_000) } });
    const big = (await listed(serviceId)).find((i) => i.id === other.id)?.recentPayloads[0];
    expect(big).toMatchObject({ truncated: true, bytes: expect.any(Number) });
    expect(big?.bytes).toBeGreaterThan(20_000);
    expect(new TextEncoder().encode(big?.body).byteLength).toBeLessThanOrEqual(8 * 1024);
  });

  it('documents the ingestion endpoints in the OpenAPI description', async () => {
    const doc = await json<{ paths: Record<string, unknown> }>(api('/api/openapi.json'), 200);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/services',
        '/api/services/{id}/integrations',
        '/api/services/{id}/integrations/{iid}/rotate',
        '/api/services/{id}/changes',
        '/v2/enqueue',
        '/v2/change/enqueue',
        '/v2/alerts',
        '/v2/alerts/{identifier}',
        '/v2/alerts/{identifier}/close',
        '/v2/alerts/{identifier}/notes',
        '/v2/alerts/requests/{requestId}',
        '/hooks/alertmanager/{key}',
        '/hooks/grafana/{key}',
        '/hooks/generic/{key}',
      ]),
    );
  });
});
