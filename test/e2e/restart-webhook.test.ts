/**
 * Acceptance: an outgoing webhook waiting out a retry backoff survives a crash. Firebell (as `npm start` runs it,
 * with ALLOW_INSECURE_OUTBOUND=true so a plain-http receiver on 127.0.0.1 is admitted) sends a test event to a
 * Node receiver that answers 503 once; the process group is SIGKILLed during the backoff, started again, and the
 * event still arrives, with the same webhook-id and a signature that standardwebhooks verifies.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Firebell, until } from './harness';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let fb: Firebell;
let server: Server;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(received.length === 1 ? 503 : 200).end(received.length === 1 ? 'busy' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fb = await Firebell.start({ ALLOW_INSECURE_OUTBOUND: 'true' });
});
afterAll(async () => {
  await fb?.dispose();
  await new Promise((r) => server?.close(r));
});

describe('an outgoing webhook across a crash', () => {
  it('delivers an event after a SIGKILL during its retry backoff, with the same webhook-id', async () => {
    const port = (server.address() as AddressInfo).port;
    const created = await fb.api<{ webhook: { id: string }; secret: string }>('/api/webhooks', {
      body: { url: `http://127.0.0.1:${port}/hook`, events: ['incident.triggered'] },
    });
    expect(created.status).toBe(201);
    const id = created.body.webhook.id;
    const sent = await fb.api<{ event: { id: string } }>(`/api/webhooks/${id}/test`, {
      method: 'POST',
    });
    expect(sent.status).toBe(202);

    await until(() => received.length === 1, 'the first attempt (answered 503)');
    const log = await until(async () => {
      const { body } = await fb.api<{ deliveries: { outcome: string; nextAt: number | null }[] }>(
        `/api/webhooks/${id}/deliveries`,
      );
      return body.deliveries[0]?.outcome === 'retrying' ? body.deliveries[0] : undefined;
    }, 'the retry to be scheduled');
    expect(log.nextAt).toBeGreaterThan(Date.now());

    await fb.restart('SIGKILL');
    await until(() => received.length === 2, 'the retry after the restart', 30_000);
    const [first, second] = received;
    expect(second!.headers['webhook-id']).toBe(sent.body.event.id);
    expect(first!.headers['webhook-id']).toBe(sent.body.event.id);
    const payload = new Webhook(created.body.secret).verify(
      second!.body,
      second!.headers as Record<string, string>,
    );
    expect(payload).toMatchObject({ id: sent.body.event.id, type: 'webhook.test', version: 1 });
  });
});
