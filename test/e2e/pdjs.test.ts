/**
 * Acceptance: PagerDuty's official JavaScript client, @pagerduty/pdjs, pages Firebell (started as `npm start`
 * starts it). pdjs only speaks https, so it goes through a local TLS front, as it would reach a deployed Firebell;
 * it triggers, acknowledges and resolves an incident, sends a change event that the incident opened after it
 * shows, and gets PagerDuty's own answers, including 400 "Invalid routing key" for a key Firebell does not know.
 */
import { change, event } from '@pagerduty/pdjs';
import type { EventParameters } from '@pagerduty/pdjs/build/src/events';
import type { Agent } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../schema/change';
import type { Incident, TimelineEntry } from '../../schema/incident';
import { Firebell } from './harness';
import { TlsFront } from './tls-front';

interface View {
  incident: Incident;
  timeline: TimelineEntry[];
  changes: ChangeEvent[];
}

let fb: Firebell;
let front: TlsFront;
let serviceId = '';
let routingKey = '';

beforeAll(async () => {
  fb = await Firebell.start();
  front = await TlsFront.start(fb.origin);
  const service = await fb.api<{ service: { id: string } }>('/api/services', {
    body: { name: 'Checkout' },
  });
  serviceId = service.body.service.id;
  const integration = await fb.api<{ key: string; url: string }>(
    `/api/services/${serviceId}/integrations`,
    { body: { type: 'pagerduty', name: 'pdjs' } },
  );
  expect(integration.body.url).toBe(`${fb.origin}/v2/enqueue`);
  routingKey = integration.body.key;
});
afterAll(async () => {
  await front?.close();
  await fb?.dispose();
});

/** pdjs's request options are spread into node-fetch, so an https agent that trusts the front goes along. */
function through(server: string, agent: Agent, data: EventParameters['data']): EventParameters {
  const params: EventParameters & { agent: Agent } = { server, data, agent, retryCount: 0 };
  return params;
}

const incidents = async () =>
  (await fb.api<{ incidents: { id: string }[] }>(`/api/incidents?service=${serviceId}&limit=50`))
    .body.incidents;
const view = async (id: string) => (await fb.api<View>(`/api/incidents/${id}`)).body;

describe('@pagerduty/pdjs against Firebell', () => {
  it('speaks only TLS, whatever server it is given, so a plain-http Firebell needs a TLS front', async () => {
    // A bare TCP listener stands where a plain-http Firebell would: it keeps the first bytes pdjs sends and hangs up.
    const first: Buffer[] = [];
    const probe = createServer((socket) =>
      socket.once('data', (bytes: Buffer) => (first.push(bytes), socket.destroy())),
    );
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const server = `127.0.0.1:${(probe.address() as AddressInfo).port}`;
    try {
      await expect(
        event(
          through(server, front.agent(), {
            routing_key: routingKey,
            event_action: 'trigger',
            payload: { summary: 'x', source: 'y', severity: 'info' },
          }),
        ),
      ).rejects.toThrow(`request to https://${server}/v2/enqueue failed`);
    } finally {
      probe.close();
    }
    // 0x16 opens a TLS handshake record (a ClientHello), where an http client would have sent "POST /v2/enqueue".
    expect(first[0]?.[0]).toBe(0x16);
    expect(await incidents()).toEqual([]);
  });

  it('triggers, acknowledges and resolves one incident through a local TLS front, with PagerDuty’s answers', async () => {
    const agent = front.agent();
    const trigger = await event(
      through(front.host, agent, {
        routing_key: routingKey,
        event_action: 'trigger',
        dedup_key: 'checkout-5xx',
        payload: {
          summary: 'Checkout 5xx above 5%',
          source: 'lb-1',
          severity: 'critical',
          component: 'checkout',
          custom_details: { rate: '7%' },
        },
        links: [{ href: 'https://grafana.example.com/d/checkout', text: 'Dashboard' }],
      }),
    );
    expect(trigger.status).toBe(202);
    expect(trigger.data).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'checkout-5xx',
    });
    const [opened] = await incidents();
    expect((await view(opened?.id ?? '')).incident).toMatchObject({
      title: 'Checkout 5xx above 5%',
      severity: 'critical',
      status: 'triggered',
      dedupKey: 'checkout-5xx',
    });

    const ack = await event(
      through(front.host, agent, {
        routing_key: routingKey,
        event_action: 'acknowledge',
        dedup_key: 'checkout-5xx',
      } as EventParameters['data']),
    );
    expect(ack.data).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'checkout-5xx',
    });
    expect((await view(opened?.id ?? '')).incident.status).toBe('acknowledged');
    await event(
      through(front.host, agent, {
        routing_key: routingKey,
        event_action: 'resolve',
        dedup_key: 'checkout-5xx',
      } as EventParameters['data']),
    );
    expect((await view(opened?.id ?? '')).incident.status).toBe('resolved');

    expect(
      front.forwarded.filter((r) => r.url === '/v2/enqueue').map((r) => [r.status, r.userAgent]),
    ).toEqual([
      [202, expect.stringMatching(/^pdjs\//)],
      [202, expect.stringMatching(/^pdjs\//)],
      [202, expect.stringMatching(/^pdjs\//)],
    ]);
  });

  it('sends a change event that the service lists and the incident opened after it shows', async () => {
    const agent = front.agent();
    const deployedAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const sent = await change(
      through(front.host, agent, {
        routing_key: routingKey,
        payload: {
          summary: 'Deploy checkout v42',
          source: 'ci',
          timestamp: deployedAt,
          custom_details: { commit: 'abc123' },
        },
        links: [{ href: 'https://ci.example.com/builds/42', text: 'Build 42' }],
      } as EventParameters['data']),
    );
    expect(sent.status).toBe(202);
    expect(sent.data).toEqual({ status: 'success', message: 'Change event processed' });
    expect(front.forwarded.at(-1)?.url).toBe('/v2/change/enqueue');

    const listed = await fb.api<{ changes: ChangeEvent[] }>(`/api/services/${serviceId}/changes`);
    expect(listed.body.changes[0]).toMatchObject({
      summary: 'Deploy checkout v42',
      source: 'ci',
      at: Date.parse(deployedAt),
      details: { commit: 'abc123' },
      integrationName: 'pdjs',
    });

    await event(
      through(front.host, agent, {
        routing_key: routingKey,
        event_action: 'trigger',
        dedup_key: 'cart-errors',
        payload: { summary: 'Cart errors', source: 'web', severity: 'error' },
      }),
    );
    const newest = (await incidents())[0];
    expect((await view(newest?.id ?? '')).changes.map((c) => c.summary)).toEqual([
      'Deploy checkout v42',
    ]);
  });

  it('gets PagerDuty’s 400 "Invalid routing key" for a key Firebell does not know', async () => {
    const res = await event(
      through(front.host, front.agent(), {
        routing_key: 'R0UTINGKEY0000000000000000000000',
        event_action: 'trigger',
        payload: { summary: 'x', source: 'y', severity: 'info' },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.data).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ['Invalid routing key'],
    });
  });
});
