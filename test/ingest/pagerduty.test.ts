import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import amResolve from '../fixtures/payloads/alertmanager-pagerduty-resolve.json';
import amTrigger from '../fixtures/payloads/alertmanager-pagerduty-trigger.json';
import pdjs from '../fixtures/payloads/pdjs-event.json';
import { ADMIN, api, command, createUser } from '../helpers';
import {
  OVERSIZED,
  newIntegration,
  onlyIncident,
  send,
  serviceIncidents,
  serviceWith,
  story,
  view,
} from './support';

import { serviceRouter } from '../../worker/stubs';
import { RouterStore } from '../../worker/service/store';
import { admit } from '../../worker/service/rate-limit';

const ENQUEUE = '/v2/enqueue';
const withKey = <T extends object>(body: T, key: string) => ({ ...body, routing_key: key });

describe('PagerDuty Events API v2', () => {
  it('opens an incident from a @pagerduty/pdjs trigger and answers exactly as PagerDuty does', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    expect(integration.url).toBe('http://127.0.0.1:8787/v2/enqueue');
    const res = await send(
      ENQUEUE,
      withKey(pdjs.trigger.body, integration.key),
      pdjs.trigger.headers,
    );
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe(
      '{"status":"success","message":"Event processed","dedup_key":"probe-dedup-1"}',
    );

    const { incident, alerts, timeline } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      title: 'probe: disk full on web-1',
      severity: 'critical',
      status: 'triggered',
      dedupKey: 'probe-dedup-1',
      serviceId,
      alertCount: 1,
    });
    expect(incident.createdBy).toEqual({
      kind: 'integration',
      id: integration.id,
      name: 'PagerDuty',
    });
    expect(alerts).toEqual([
      expect.objectContaining({
        key: 'probe-dedup-1',
        status: 'firing',
        source: 'web-1',
        labels: { component: 'disk', group: 'web', class: 'capacity' },
        details: { used: '99%' },
      }),
    ]);
    expect(alerts[0]?.links).toEqual([{ href: 'http://example.invalid/runbook', text: 'runbook' }]);
    expect(story(timeline)).toEqual(['created']);
  });

  it('takes a summary of up to 1,024 characters as the title, which a responder can still edit at that length', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    const summary = `Disk full on web-1: ${'/var/lib/docker/overlay2/'.repeat(40)}`.slice(0, 1024);
    await send(ENQUEUE, {
      routing_key: integration.key,
      event_action: 'trigger',
      payload: { summary, source: 'web-1', severity: 'critical' },
    });
    const { incident } = await onlyIncident(serviceId);
    expect(incident.title).toBe(summary);

    const ana = await createUser('Ana');
    const edited = `${summary.slice(0, 1000)} (web-1 only)`.slice(0, 1024);
    expect((await command(ana, incident.id, 'title', { title: edited })).status).toBe(200);
    expect((await view(incident.id)).incident.title).toBe(edited);
    const tooLong = await command(ana, incident.id, 'title', { title: 'x'.repeat(1025) });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ detail: expect.stringContaining('title') });
  });

  it('resolves the incident when the same dedup key is resolved', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    await send(ENQUEUE, withKey(pdjs.trigger.body, integration.key));
    const res = await send(ENQUEUE, withKey(pdjs.resolve.body, integration.key));
    expect(await res.json()).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'probe-dedup-1',
    });
    const { incident, timeline } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      status: 'resolved',
      resolvedBy: { kind: 'integration', id: integration.id },
    });
    expect(story(timeline)).toEqual(['created', 'resolved']);
  });

  it("works unchanged with Alertmanager's pagerduty_configs: the trigger opens, the resolve closes", async () => {
    const { serviceId, integration } = await serviceWith('pagerduty', {
      name: 'Alertmanager via PagerDuty',
    });
    const trigger = await send(`${ENQUEUE}/`, withKey(amTrigger.body, integration.key), {
      'user-agent': amTrigger.headers['user-agent'],
    });
    expect(trigger.status).toBe(202);
    expect((await onlyIncident(serviceId)).incident).toMatchObject({
      status: 'triggered',
      title: '[FIRING:1] ProbeDiskFull web-1 (checkout critical)',
      dedupKey: amTrigger.body.dedup_key,
    });
    expect((await send(ENQUEUE, withKey(amResolve.body, integration.key))).status).toBe(202);
    expect((await onlyIncident(serviceId)).incident.status).toBe('resolved');
  });

  it('generates and returns a dedup key when a trigger has none, so the sender can resolve it', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    const { dedup_key: _omit, ...noKey } = pdjs.trigger.body;
    const first = (await (await send(ENQUEUE, withKey(noKey, integration.key))).json()) as {
      dedup_key: string;
    };
    expect(first.dedup_key).toMatch(/^[0-9a-f-]{36}$/);
    await send(ENQUEUE, {
      routing_key: integration.key,
      event_action: 'resolve',
      dedup_key: first.dedup_key,
    });
    expect((await onlyIncident(serviceId)).incident).toMatchObject({
      status: 'resolved',
      dedupKey: first.dedup_key,
    });
  });

  it('opens a second incident when the same key triggers again after a resolve', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    await send(ENQUEUE, withKey(pdjs.trigger.body, integration.key));
    await send(ENQUEUE, withKey(pdjs.resolve.body, integration.key));
    await send(ENQUEUE, withKey(pdjs.trigger.body, integration.key));
    const incidents = await serviceIncidents(serviceId);
    expect(incidents.map((i) => i.status).sort()).toEqual(['resolved', 'triggered']);
    const [newer, older] = incidents;
    expect(newer?.id).not.toBe(older?.id);
    expect(newer?.number).toBeGreaterThan(older?.number ?? Infinity);
  });

  it('opens a new incident when the previous one for the key was resolved by a person', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    await send(ENQUEUE, withKey(pdjs.trigger.body, integration.key));
    const [first] = await serviceIncidents(serviceId);
    expect(
      (await api(`/api/incidents/${first?.id}/resolve`, { body: {}, headers: ADMIN })).status,
    ).toBe(200);
    await send(ENQUEUE, withKey(pdjs.trigger.body, integration.key));
    expect((await serviceIncidents(serviceId)).map((i) => i.status)).toEqual([
      'triggered',
      'resolved',
    ]);
  });

  it('accepts and drops an acknowledge or resolve for a key with no open incident', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    for (const event_action of ['acknowledge', 'resolve']) {
      const res = await send(ENQUEUE, {
        routing_key: integration.key,
        event_action,
        dedup_key: 'never-triggered',
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({
        status: 'success',
        message: 'Event processed',
        dedup_key: 'never-triggered',
      });
    }
    expect(await serviceIncidents(serviceId)).toEqual([]);
  });

  it('acknowledges the open incident for the key', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    await send(ENQUEUE, withKey(pdjs.trigger.body, integration.key));
    await send(ENQUEUE, {
      routing_key: integration.key,
      event_action: 'acknowledge',
      dedup_key: 'probe-dedup-1',
    });
    expect((await onlyIncident(serviceId)).incident).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: { kind: 'integration' },
    });
  });

  it('answers malformed JSON with PagerDuty’s invalid-event shape', async () => {
    const res = await send(ENQUEUE, '{"routing_key": "x", "event_action": ');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { status: string; message: string; errors: string[] };
    expect(body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
    expect(body.errors[0]).toMatch(/not valid JSON/);
  });

  it('names every bad field: wrong types, unknown fields and a missing payload', async () => {
    const { integration } = await serviceWith('pagerduty');
    const res = await send(ENQUEUE, {
      routing_key: integration.key,
      event_action: 'trigger',
      dedup_key: 7,
      colour: 'red',
      payload: { summary: 'x', source: 'y', severity: 'loud' },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { status: string; message: string; errors: string[] };
    expect(Object.keys(body)).toEqual(['status', 'message', 'errors']);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        "'colour' is not a recognized field",
        "'dedup_key' is invalid (must be a string)",
        "'payload.severity' is invalid (must be one of critical, error, warning, info)",
      ]),
    );
    const missing = (await (
      await send(ENQUEUE, { routing_key: integration.key, event_action: 'trigger' })
    ).json()) as { errors: string[] };
    expect(missing.errors).toEqual(["'payload' is missing"]);
    const noKey = await send(ENQUEUE, {
      event_action: 'trigger',
      payload: { summary: 'x', source: 'y', severity: 'info' },
    });
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as { errors: string[] }).errors).toContain(
      "'routing_key' is missing",
    );
  });

  it('answers an unknown routing key as PagerDuty does, 400 "Invalid routing key", before looking at the rest of the event', async () => {
    await serviceWith('pagerduty');
    const res = await send(ENQUEUE, { routing_key: 'fbk_not-a-real-key', event_action: 'bogus' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ['Invalid routing key'],
    });
  });

  it('refuses a rotated key, and a key that belongs to another format’s integration, in the same words as an unknown key', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    const generic = await newIntegration(serviceId, 'generic');
    expect(
      (
        await api(`/api/services/${serviceId}/integrations/${integration.id}/rotate`, {
          body: {},
          headers: ADMIN,
        })
      ).status,
    ).toBe(200);
    const unknown = await (await send(ENQUEUE, withKey(pdjs.trigger.body, 'fbk_unknown'))).text();
    for (const key of [generic.key, integration.key]) {
      const res = await send(ENQUEUE, withKey(pdjs.trigger.body, key));
      expect(res.status).toBe(400);
      expect(await res.text()).toBe(unknown);
    }
    expect(await serviceIncidents(serviceId)).toEqual([]);
  });

  it('refuses a body over 512 KB with 413 in PagerDuty’s shape', async () => {
    const res = await send(ENQUEUE, OVERSIZED);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      status: 'invalid event',
      errors: [expect.stringMatching(/larger than 512 KB/)],
    });
  });

  it('throttles a key over its rate with 429 and Retry-After, and the event is not applied', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty', { ratePerMinute: 3 });
    const trigger = (n: number) =>
      send(ENQUEUE, {
        routing_key: integration.key,
        event_action: 'trigger',
        dedup_key: `k${n}`,
        payload: { summary: `s${n}`, source: 'x', severity: 'info' },
      });
    for (let n = 0; n < 3; n++) expect((await trigger(n)).status).toBe(202);
    const limited = await trigger(3);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(await limited.json()).toEqual({
      status: 'throttle exceeded',
      message: 'Requests for this service are arriving too quickly. Please retry later.',
    });
    expect((await serviceIncidents(serviceId)).length).toBe(3);
    // Keys are limited separately: another integration of the same service is unaffected.
    const other = await newIntegration(serviceId, 'pagerduty');
    expect((await send(ENQUEUE, withKey(pdjs.trigger.body, other.key))).status).toBe(202);
  });

  it('keeps the rate count of new incidents in storage, so a restarted router still throttles', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty', { ratePerMinute: 2 });
    for (const n of [1, 2])
      expect(
        (
          await send(ENQUEUE, {
            routing_key: integration.key,
            event_action: 'trigger',
            dedup_key: `new-${n}`,
            payload: { summary: `s${n}`, source: 'x', severity: 'info' },
          })
        ).status,
      ).toBe(202);
    // What the router reads after a restart: its storage alone, with nothing held in memory.
    await runInDurableObject(serviceRouter(env, serviceId), (_router, state) => {
      const stored = new RouterStore(state.storage.sql).rateWindow(integration.id);
      expect(stored?.count).toBe(2);
      expect(admit(stored, 2, Date.now()).allowed).toBe(false);
    });
  });

  it('shows the view of an incident it opened with the integration as the creator on the timeline', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty', { name: 'Prod Prometheus' });
    await send(ENQUEUE, withKey(pdjs.trigger.body, integration.key));
    const [summary] = await serviceIncidents(serviceId);
    const { timeline } = await view(summary?.id ?? '');
    expect(timeline[0]).toMatchObject({
      kind: 'created',
      actor: { kind: 'integration', name: 'Prod Prometheus' },
      text: expect.stringContaining('opened by Prod Prometheus'),
    });
  });
});
