/**
 * Acceptance: outgoing webhooks against Firebell started as `npm start` starts it. A receiver on 127.0.0.1
 * (http, so Firebell runs with ALLOW_INSECURE_OUTBOUND=true) checks every request as a real one would, with
 * `standardwebhooks`' Webhook.verify and the secret Firebell showed once. An alert opens an incident, the API
 * acknowledges and resolves it, and the receiver gets incident.triggered, .acknowledged and .resolved, in order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../schema/webhook-schemas';
import { Firebell, until } from './harness';

interface Received {
  id: string;
  event: WebhookEvent;
  /** When the request arrived, ms since the epoch (same machine as Firebell, so comparable to occurred_at). */
  at: number;
}

/** A webhook receiver: verifies each request's signature, keeps the verified events, answers 204 (401 if forged). */
class Receiver {
  readonly events: Received[] = [];
  readonly refused: string[] = [];
  secret = '';
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          const event = new Webhook(receiver.secret).verify(
            body,
            req.headers as Record<string, string>,
          ) as WebhookEvent;
          receiver.events.push({ id: String(req.headers['webhook-id']), event, at: Date.now() });
          res.writeHead(204).end();
        } catch (err) {
          receiver.refused.push(String(err));
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/firebell`;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let fb: Firebell;
let receiver: Receiver;
let serviceId = '';
let routingKey = '';

beforeAll(async () => {
  [fb, receiver] = await Promise.all([
    Firebell.start({ ALLOW_INSECURE_OUTBOUND: 'true' }),
    Receiver.start(),
  ]);
  const service = await fb.api<{ service: { id: string } }>('/api/services', {
    body: { name: 'Checkout' },
  });
  serviceId = service.body.service.id;
  const integration = await fb.api<{ key: string }>(`/api/services/${serviceId}/integrations`, {
    body: { type: 'pagerduty' },
  });
  expect(integration.status).toBe(201);
  routingKey = integration.body.key;
  const webhook = await fb.api<{ secret: string }>('/api/webhooks', {
    body: {
      url: receiver.url,
      serviceId,
      events: ['incident.triggered', 'incident.acknowledged', 'incident.resolved'],
    },
  });
  expect(webhook.status, JSON.stringify(webhook.body)).toBe(201);
  receiver.secret = webhook.body.secret;
});
afterAll(async () => {
  await receiver?.close();
  await fb?.dispose();
});

const types = () => receiver.events.map((r) => r.event.type);

describe('outgoing webhooks against Firebell', () => {
  it('an alert, an acknowledgement and a resolution reach the receiver signed, once each, in order', async () => {
    const alert = await fetch(`${fb.origin}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: routingKey,
        event_action: 'trigger',
        dedup_key: 'checkout-5xx',
        payload: { summary: 'Checkout 5xx above 2%', source: 'checkout-lb', severity: 'critical' },
      }),
    });
    expect(alert.status).toBe(202);

    const [triggered] = await until(
      () => receiver.events.length >= 1 && receiver.events,
      'incident.triggered at the receiver',
    );
    expect(triggered?.event).toMatchObject({
      version: 1,
      type: 'incident.triggered',
      incident: {
        title: 'Checkout 5xx above 2%',
        status: 'triggered',
        severity: 'critical',
        service: { id: serviceId, name: 'Checkout' },
        url: `${fb.origin}/incidents/${triggered?.event.incident.id}`,
      },
      actor: { type: 'integration' },
      entry: { seq: 1, kind: 'created' },
    });
    expect(triggered?.id).toBe(triggered?.event.id);
    const incidentId = triggered?.event.incident.id ?? '';

    const ack = await fb.api(`/api/incidents/${incidentId}/acknowledge`, { body: {} });
    expect(ack.status).toBe(200);
    await until(() => receiver.events.length >= 2, 'incident.acknowledged at the receiver');
    const resolve = await fb.api(`/api/incidents/${incidentId}/resolve`, { body: {} });
    expect(resolve.status).toBe(200);
    await until(() => receiver.events.length >= 3, 'incident.resolved at the receiver');

    expect(types()).toEqual(['incident.triggered', 'incident.acknowledged', 'incident.resolved']);
    expect(receiver.events[1]?.event).toMatchObject({
      incident: { id: incidentId, status: 'acknowledged' },
      actor: { type: 'user' },
    });
    expect(receiver.events[2]?.event.incident.status).toBe('resolved');
    expect(new Set(receiver.events.map((r) => r.id)).size).toBe(3);
    expect(receiver.refused).toEqual([]);
    const latencies = receiver.events.map((r) => r.at - Date.parse(r.event.occurred_at));
    console.info(`commit → receiver latency (ms): ${latencies.join(', ')}`);

    // The subscription's delivery log shows each one delivered on its first attempt.
    const [sub] = (await fb.api<{ webhooks: { id: string }[] }>('/api/webhooks')).body.webhooks;
    const log = await fb.api<{ deliveries: { type: string; outcome: string; attempt: number }[] }>(
      `/api/webhooks/${sub?.id}/deliveries`,
    );
    expect(log.body.deliveries.map((d) => [d.type, d.outcome, d.attempt]).reverse()).toEqual([
      ['incident.triggered', 'delivered', 1],
      ['incident.acknowledged', 'delivered', 1],
      ['incident.resolved', 'delivered', 1],
    ]);
  });
});
