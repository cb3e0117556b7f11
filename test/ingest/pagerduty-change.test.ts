import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../schema/change';
import { setClock } from '../../worker/clock';
import pdjs from '../fixtures/payloads/pdjs-event.json';
import { ADMIN, api, json } from '../helpers';
import {
  OVERSIZED,
  newIntegration,
  onlyIncident,
  send,
  serviceIncidents,
  serviceWith,
} from './support';

const CHANGE = '/v2/change/enqueue';
const ENQUEUE = '/v2/enqueue';
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

const change = (key: string, summary: string, extra: Record<string, unknown> = {}) => ({
  routing_key: key,
  payload: { summary, ...extra },
});
const trigger = (key: string, dedup: string) => ({
  routing_key: key,
  event_action: 'trigger',
  dedup_key: dedup,
  payload: { summary: `Errors on ${dedup}`, source: 'web-1', severity: 'critical' },
});

async function serviceChanges(serviceId: string): Promise<ChangeEvent[]> {
  return (
    await json<{ changes: ChangeEvent[] }>(
      api(`/api/services/${serviceId}/changes`, { headers: ADMIN }),
      200,
    )
  ).changes;
}

describe('PagerDuty change events', () => {
  it('records the change @pagerduty/pdjs sends and answers exactly as PagerDuty does, without opening an incident', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty', { name: 'Deploy pipeline' });
    const res = await send(
      CHANGE,
      { ...pdjs.change.body, routing_key: integration.key },
      pdjs.change.headers,
    );
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('{"status":"success","message":"Change event processed"}');

    expect(await serviceChanges(serviceId)).toEqual([
      {
        id: expect.stringMatching(/^chg_/),
        serviceId,
        integrationId: integration.id,
        integrationName: 'Deploy pipeline',
        summary: 'deploy v1.2',
        source: null,
        at: Date.parse(pdjs.change.body.payload.timestamp),
        receivedAt: expect.any(Number),
        details: null,
        links: [],
      },
    ]);
    expect(await serviceIncidents(serviceId)).toEqual([]);
  });

  it('keeps the source, custom details and links, and lists the newest change first', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    const t = Date.now();
    await send(
      CHANGE,
      change(integration.key, 'Build 41 passed', { timestamp: iso(t - 20 * MINUTE) }),
    );
    await send(CHANGE, {
      ...change(integration.key, 'Build 42: raise the snapshot timeout to 30 s', {
        timestamp: iso(t - 5 * MINUTE),
        source: 'ci-runner-7',
        custom_details: { build_state: 'passed', run_time: '1236s' },
      }),
      links: [
        { href: 'https://ci.example.com/build/42', text: 'Build 42' },
        { href: 'javascript:alert(1)', text: 'not a link' },
      ],
    });
    const [newest, older] = await serviceChanges(serviceId);
    expect(newest).toMatchObject({
      summary: 'Build 42: raise the snapshot timeout to 30 s',
      source: 'ci-runner-7',
      details: { build_state: 'passed', run_time: '1236s' },
      links: [{ href: 'https://ci.example.com/build/42', text: 'Build 42' }],
    });
    expect(older?.summary).toBe('Build 41 passed');
  });

  it('shows an incident the changes of its service from the hour before it opened, and none from earlier, later or other services', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    const { integration: elsewhere } = await serviceWith('pagerduty');
    const t = Date.now();
    await send(
      CHANGE,
      change(integration.key, 'Deploy checkout v7', { timestamp: iso(t - 50 * MINUTE) }),
    );
    await send(
      CHANGE,
      change(integration.key, 'Flip the new-cart feature flag', { timestamp: iso(t - 2 * MINUTE) }),
    );
    await send(
      CHANGE,
      change(integration.key, 'Deploy checkout v6', { timestamp: iso(t - 70 * MINUTE) }),
    );
    await send(
      CHANGE,
      change(elsewhere.key, 'Deploy search v3', { timestamp: iso(t - 5 * MINUTE) }),
    );
    expect((await send(ENQUEUE, trigger(integration.key, 'checkout-5xx'))).status).toBe(202);

    const restore = setClock(() => Date.now() + 5 * MINUTE);
    try {
      await send(CHANGE, change(integration.key, 'Roll back checkout to v6'));
    } finally {
      restore();
    }
    const view = (
      await json<{ changes: ChangeEvent[] }>(
        api(`/api/incidents/${(await serviceIncidents(serviceId))[0]?.id}`, { headers: ADMIN }),
        200,
      )
    ).changes;
    expect(view.map((c) => c.summary)).toEqual([
      'Flip the new-cart feature flag',
      'Deploy checkout v7',
    ]);
    expect((await serviceChanges(serviceId)).map((c) => c.summary)).toEqual([
      'Roll back checkout to v6',
      'Flip the new-cart feature flag',
      'Deploy checkout v7',
      'Deploy checkout v6',
    ]);
  });

  it('takes a change whose timestamp is in the future as happening when it arrived', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    const before = Date.now();
    await send(
      CHANGE,
      change(integration.key, 'Deploy from a clock running ahead', {
        timestamp: iso(before + 3 * 60 * MINUTE),
      }),
    );
    const [recorded] = await serviceChanges(serviceId);
    expect(recorded?.at).toBe(recorded?.receivedAt);
    expect(recorded?.at).toBeGreaterThanOrEqual(before);
    // So the incident it may have caused, opened a minute later, still shows it.
    await send(ENQUEUE, trigger(integration.key, 'after-deploy'));
    expect(
      (
        await json<{ changes: ChangeEvent[] }>(
          api(`/api/incidents/${(await onlyIncident(serviceId)).incident.id}`, { headers: ADMIN }),
          200,
        )
      ).changes,
    ).toHaveLength(1);
  });

  it('answers an invalid change event in PagerDuty’s shape, naming every bad field, and keeps nothing', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    const res = await send(CHANGE, {
      routing_key: integration.key,
      event_action: 'trigger',
      payload: { summary: ' ', timestamp: 'yesterday', custom_details: 'ok' },
      links: [{ text: 'no href' }],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { status: string; message: string; errors: string[] };
    expect(body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
    expect(body.errors).toEqual([
      "'event_action' is not a recognized field",
      "'payload.summary' is missing or blank",
      "'payload.timestamp' is invalid (must be an ISO 8601 timestamp)",
      "'payload.custom_details' is invalid (must be an object)",
      "'links[0].href' is missing or blank",
    ]);
    expect(
      (
        (await (await send(CHANGE, { routing_key: integration.key })).json()) as {
          errors: string[];
        }
      ).errors,
    ).toEqual(["'payload' is missing"]);
    expect(
      ((await (await send(CHANGE, { payload: { summary: 'x' } })).json()) as { errors: string[] })
        .errors,
    ).toEqual(["'routing_key' is missing"]);
    expect((await send(CHANGE, '{"routing_key":')).status).toBe(400);
    expect((await send(CHANGE, OVERSIZED)).status).toBe(413);
    expect(await serviceChanges(serviceId)).toEqual([]);
  });

  it('answers an unknown or revoked routing key with 400 "Invalid routing key", as for alert events', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    const generic = await newIntegration(serviceId, 'generic');
    expect(
      (
        await api(`/api/services/${serviceId}/integrations/${integration.id}`, {
          method: 'DELETE',
          headers: ADMIN,
        })
      ).status,
    ).toBe(204);
    for (const key of ['fbk_unknown', integration.key, generic.key]) {
      const res = await send(CHANGE, change(key, 'Deploy v9'));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ['Invalid routing key'],
      });
    }
    expect(await serviceChanges(serviceId)).toEqual([]);
  });

  it('counts change events against the integration’s rate together with its alert events', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty', { ratePerMinute: 2 });
    expect((await send(ENQUEUE, trigger(integration.key, 'a'))).status).toBe(202);
    expect((await send(CHANGE, change(integration.key, 'Deploy v1'))).status).toBe(202);
    const limited = await send(CHANGE, change(integration.key, 'Deploy v2'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({
      status: 'throttle exceeded',
      message: 'Requests for this service are arriving too quickly. Please retry later.',
    });
    expect((await serviceChanges(serviceId)).map((c) => c.summary)).toEqual(['Deploy v1']);
  });

  it('shows each change event among the integration’s recent payloads, with the key redacted', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    await send(CHANGE, change(integration.key, 'Deploy v3'));
    const listing = await json<{
      integrations: { recentPayloads: { body: string; outcome: string; detail: string }[] }[];
    }>(api(`/api/services/${serviceId}/integrations`, { headers: ADMIN }), 200);
    const [recorded] = listing.integrations[0]?.recentPayloads ?? [];
    expect(recorded).toMatchObject({
      outcome: 'accepted',
      detail: expect.stringMatching(/^change event chg_\w+ recorded$/),
    });
    expect(recorded?.body).not.toContain(integration.key);
  });

  it('lists changes only for people signed in, and 404s for a service that does not exist', async () => {
    const { serviceId } = await serviceWith('pagerduty');
    expect((await api(`/api/services/${serviceId}/changes`)).status).toBe(401);
    expect((await api('/api/services/svc_nope/changes', { headers: ADMIN })).status).toBe(404);
  });
});
