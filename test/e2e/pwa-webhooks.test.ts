/**
 * An admin wires a webhook receiver from the phone: subscribes its URL in Admin → Webhooks, copies the secret
 * shown once, and sends a test event. The receiver on 127.0.0.1 (http, so Firebell runs with
 * ALLOW_INSECURE_OUTBOUND=true) verifies it with `standardwebhooks` and the copied secret, as a real one would,
 * and the delivery log shows the 2xx attempt; once the receiver answers 410, the next test shows as failed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../schema/webhook-schemas';
import { firebellInChromium, screenshotFor, signInThroughInvite } from './browser';
import { until } from './harness';

/** Verifies every request with the secret it was given; answers `status` to the verified ones, 401 to the rest. */
class Receiver {
  readonly events: WebhookEvent[] = [];
  readonly refused: string[] = [];
  secret = '';
  status = 204;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const event = new Webhook(receiver.secret).verify(
            Buffer.concat(chunks).toString('utf8'),
            req.headers as Record<string, string>,
          ) as WebhookEvent;
          receiver.events.push(event);
          res
            .writeHead(receiver.status, { 'content-type': 'text/plain' })
            .end(`answer ${receiver.status}`);
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

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const stand = firebellInChromium({ ALLOW_INSECURE_OUTBOUND: 'true' });
let receiver: Receiver;
beforeAll(async () => {
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver?.close();
});

describe('outgoing webhooks from the admin screen', () => {
  it('subscribes a receiver, whose copied secret verifies a test event, and logs a 2xx then a final 410', async () => {
    const { fb, browser } = stand;
    const { page, context } = await signInThroughInvite(fb, browser, 'Ada', 'admin');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fb.origin });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin' })
      .click();
    await page.getByRole('button', { name: 'Webhooks' }).click();
    await page.getByText('No webhooks yet.').waitFor();

    const form = page.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('Receiver URL').fill(receiver.url);
    await form.getByRole('checkbox', { name: /^Note added/ }).check();
    await form.getByRole('button', { name: 'Subscribe' }).click();
    const card = page.getByRole('listitem').filter({ has: page.getByText(receiver.url) });
    await card.getByText('Firebell will not show this secret again.', { exact: false }).waitFor();
    await card.getByText('All services', { exact: false }).waitFor();
    await card.getByText('Triggered, Acknowledged, Resolved, Note added').waitFor();

    await card.getByRole('button', { name: 'Copy Signing secret' }).click();
    await card.getByRole('button', { name: 'Copy Signing secret' }).getByText('Copied').waitFor();
    receiver.secret = await page.evaluate(() => navigator.clipboard.readText());
    expect(receiver.secret).toMatch(/^whsec_/);

    await card.getByRole('button', { name: 'Send test event' }).click();
    const [test] = await until(
      () => receiver.events.length >= 1 && receiver.events,
      'the test event',
    );
    expect(test).toMatchObject({ version: 1, type: 'webhook.test' });
    expect(receiver.refused).toEqual([]);
    const attempts = card.getByRole('list', { name: 'Attempts' });
    const delivered = attempts.getByRole('listitem').filter({ hasText: 'HTTP 204' });
    await delivered.waitFor();
    expect(await delivered.textContent()).toMatch(/delivered.*Test event · HTTP 204 · \d+ ms/);

    receiver.status = 410;
    await card.getByRole('button', { name: 'Send test event' }).click();
    await until(() => receiver.events.length >= 2, 'the second test event');
    const failed = attempts.getByRole('listitem').filter({ hasText: 'HTTP 410' });
    await failed.waitFor();
    expect(await failed.textContent()).toMatch(/failed.*Test event · HTTP 410/);
    expect(await attempts.getByRole('listitem').count()).toBe(2);
    // Scrolled so both attempts sit just above the bottom navigation.
    await attempts.evaluate((el) => {
      el.scrollIntoView({ block: 'end' });
      window.scrollBy(0, 90);
    });
    await screenshotFor(page, 'webhooks');
    await failed.getByText('Response').click();
    await failed.getByText('answer 410').waitFor();
    await context.close();
  });
});
