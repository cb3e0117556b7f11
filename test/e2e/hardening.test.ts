import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  firebellInChromium,
  phoneContext,
  serviceFor,
  fireWebhook,
  incidentTitled,
  serviceWorkerActivated,
} from './browser';

// Loopback push endpoints need the insecure switch; its first name is used so the same test runs on older builds.
const stand = firebellInChromium({ ALLOW_INSECURE_PUSH: 'true' });

/** A server that answers every request with 400 and a body no client of Firebell's should ever see. */
const SECRET = 'INTERNAL-ONLY: admin console password hunter2';
let foreign: Server;
let hits = 0;
beforeAll(async () => {
  foreign = createServer((req, res) => {
    hits += 1;
    req.resume();
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`${SECRET}\n`.repeat(20));
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => foreign.close(() => resolve())));

describe('hardening seen from outside', () => {
  it('runs the app, both live sockets, the service worker and the API reference under their Content-Security-Policy without a single violation', async () => {
    const { fb, browser } = stand;
    const shell = await fetch(`${fb.origin}/`);
    const policy = shell.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/script-src 'self'/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);

    const context = await phoneContext(browser, fb.origin);
    // Collected in every page from its first script on; a violation is also logged to the console.
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) =>
        seen.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const refused: string[] = [];
    context.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
    const invite = await fb.api<{ token: string }>('/api/auth/invites', {
      body: { role: 'admin' },
    });
    const page = await context.newPage();
    await page.goto(`${fb.origin}/join/${invite.body.token}`);
    await page.getByLabel('Your name').fill('Ada');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.waitForURL(`${fb.origin}/`);
    await serviceWorkerActivated(page);
    const me = await page.evaluate(
      async () => ((await (await fetch('/api/me')).json()) as { user: { id: string } }).user,
    );

    // The list feed socket carries a webhook's incident onto the home screen…
    const webhook = await serviceFor(fb, me.id);
    await fireWebhook(webhook, 'Disk full on db-1', 'disk-db-1');
    // Either list: it shows under "All open" first and moves to "Needs me" once Ada is paged, which under load can
    // happen before the first look.
    await page
      .getByRole('link', { name: /Disk full on db-1/ })
      .first()
      .waitFor({ timeout: 10_000 });
    // …and the incident room's socket carries a note someone else writes.
    const incident = await incidentTitled(fb, 'Disk full on db-1');
    await page.goto(`${fb.origin}/incidents/${incident.id}`);
    await page.getByText('Disk full on db-1').first().waitFor();
    expect(
      (
        await fb.api(`/api/incidents/${incident.id}/notes`, {
          body: { text: 'Looking at the volume' },
        })
      ).status,
    ).toBe(200);
    await page.getByText('Looking at the volume').waitFor({ timeout: 10_000 });
    for (const path of ['/admin', '/oncall', '/reports', '/settings']) {
      await page.goto(`${fb.origin}${path}`);
      await page.locator('main').waitFor();
    }
    await page.goto(`${fb.origin}/api/docs`);
    await page.getByRole('heading', { name: /Firebell API/ }).waitFor();
    // The stylesheet applied: method badges are styled boxes, not bare text.
    expect(
      await page
        .locator('.m.post')
        .first()
        .evaluate((el) => getComputedStyle(el).display),
    ).toBe('inline-block');

    expect(refused).toEqual([]);
    expect(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    ).toEqual([]);
    await context.close();
  });

  it('reports a test page to an endpoint that answered with a body by its status alone, never the body', async () => {
    const { fb } = stand;
    const { port } = foreign.address() as AddressInfo;
    // A browser's subscription keys: an ECDH P-256 public key and a 16-byte auth secret.
    const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
      'deriveBits',
    ]);
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const keys = {
      p256dh: Buffer.from(raw).toString('base64url'),
      auth: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url'),
    };
    const registered = await fb.api<{ subscription: { id: string } }>('/api/push/subscriptions', {
      body: { endpoint: `http://127.0.0.1:${port}/push/1`, keys, label: 'Stand-in' },
    });
    expect(registered.status).toBe(201);
    const before = hits;
    const tested = await fb.api<{ outcome: Record<string, unknown>; message: string }>(
      `/api/push/subscriptions/${registered.body.subscription.id}/test`,
      { method: 'POST', body: {} },
    );
    expect(tested.status).toBe(200);
    expect(hits).toBe(before + 1);
    expect(tested.body.outcome).toMatchObject({ kind: 'rejected', status: 400 });
    expect(JSON.stringify(tested.body)).not.toContain('hunter2');
    const devices = await fb.api<{ subscriptions: { lastFailure: string | null }[] }>(
      '/api/push/subscriptions',
    );
    expect(JSON.stringify(devices.body)).not.toContain('hunter2');
    expect(devices.body.subscriptions[0]?.lastFailure).toMatch(/400/);
  });
});
