/**
 * A responder publishes an incident to the status page from the incident page on a phone, in a few taps; a
 * customer with JavaScript disabled sees the update on /status, and the Atom feed carries it. Resolving offers
 * the final public update, which reaches /status too. A customer with no account subscribes to push from
 * /status and receives the next update at the local push service stand-in, then unsubscribes in one tap.
 */
import { describe, expect, it } from 'vitest';
import {
  ServiceWorkerDevtools,
  clickNotification,
  phoneContext,
  screenshotFor,
  serviceWorkerActivated,
  shownNotifications,
  signInThroughInvite,
} from './browser';
import { until } from './harness';
import { pagingStand } from './push-stand-in';
import type { StatusPushPayload } from '../../schema/status-subscriber-schemas';

// A mail server is named (none listens, and nothing here is mailed) so the page offers its email form, as readers
// of a deployment with email see it (and the README screenshot shows).
const stand = pagingStand({
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: '9',
  MAIL_FROM: 'Firebell <status@firebell.test>',
});

describe('status page from the incident page', () => {
  it('publishes an update from a phone that a reader without JavaScript sees on /status and in the feed', async () => {
    const { fb, browser } = stand;
    const service = await fb.api<{ service: { id: string } }>('/api/services', {
      body: { name: 'payments-internal' },
    });
    const component = await fb.api<{ component: { id: string } }>('/api/status/components', {
      body: { name: 'Card payments', group: 'Shop', serviceIds: [service.body.service.id] },
    });
    expect(component.status).toBe(201);
    const incident = await fb.api<{ incident: { id: string } }>('/api/incidents', {
      body: {
        title: 'PSP timeouts on pay-7',
        severity: 'critical',
        serviceId: service.body.service.id,
      },
    });
    expect(incident.status).toBe(201);
    const id = incident.body.incident.id;

    const { page } = await signInThroughInvite(fb, browser, 'Rosa', 'responder');
    await page.goto(`${fb.origin}/incidents/${id}`);
    await page.getByText('Publish to status page').click();
    const form = page.getByRole('form', { name: 'Status page update' });
    await form.getByLabel('Public title').fill('Card payments are failing');
    await form.getByRole('checkbox', { name: 'Card payments' }).check();
    await form.getByLabel('State of Card payments').selectOption('major_outage');
    // The investigating template names the component; publishing is one more tap.
    await expect
      .poll(() => form.getByLabel('Public update').inputValue())
      .toContain('reports of problems with Card payments');
    await form.getByRole('button', { name: 'Publish' }).click();
    await form.getByText('Published to the status page.').waitFor();

    // A customer's phone with JavaScript off.
    const reader = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    const status = await reader.newPage();
    const statusText = async () => {
      await status.goto(`${fb.origin}/status`);
      return status.locator('body').innerText();
    };
    const first = await until(
      async () => {
        const text = await statusText();
        return text.includes('Card payments are failing') && text;
      },
      '/status to show the publication',
      10_000,
    );
    expect(first).toContain('We are investigating reports of problems with Card payments');
    expect(first).toMatch(/Card payments\s*Major outage/);
    expect(first).not.toContain('PSP timeouts on pay-7');
    expect(await status.getByRole('heading', { level: 1 }).innerText()).toBe('Firebell status');
    // Without JavaScript the optional "Get notified" control stays hidden; everything else is there.
    expect(await status.locator('#notify').isHidden()).toBe(true);
    expect(await status.getByLabel('Get updates by email').isVisible()).toBe(true);
    // The whole page, down to the email form at its foot.
    await screenshotFor(
      { screenshot: (opts) => status.screenshot({ ...opts, fullPage: true }) },
      'status-page',
    );

    const atom = await (await fetch(`${fb.origin}/status/feed.atom`)).text();
    expect(atom).toContain('Card payments are failing: Investigating');

    // Resolve: the panel opens with the final update ready.
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    const final = form.getByRole('button', { name: 'Post Resolved update' });
    await final.waitFor();
    await final.click();
    await form.getByText('Update posted to the status page.').waitFor();
    const after = await until(
      async () => {
        const text = await statusText();
        return text.includes('This incident is resolved') && text;
      },
      '/status to show the final update',
      10_000,
    );
    expect(after).toMatch(/Card payments\s*Operational/);
    expect(after).toContain('No incidents right now.');
    await reader.close();
  });

  it('subscribes a browser to push from /status, delivers the next update to it, and unsubscribes in one tap', async () => {
    const { fb, browser, standIn } = stand;
    const subscription = standIn.subscribe();
    const reader = await phoneContext(browser, fb.origin);
    // Headless Chromium has no push service, so PushManager.subscribe never settles (TOOLCHAIN.md): the stand-in
    // plays the browser's push service and hands out the subscription the page's script then registers.
    await reader.addInitScript((sub) => {
      const json = { endpoint: sub.endpoint, expirationTime: null, keys: sub.keys };
      PushManager.prototype.getSubscription = async () => null;
      PushManager.prototype.subscribe = async () =>
        ({ ...json, toJSON: () => json }) as unknown as PushSubscription;
    }, subscription);
    const page = await reader.newPage();
    await page.goto(`${fb.origin}/status`);
    await page.getByRole('button', { name: 'Get notified of updates' }).click();
    await page.getByText('Subscribed: this browser will be notified of every update.').waitFor();
    await page.getByRole('button', { name: 'Stop notifications' }).waitFor();
    const sw = await serviceWorkerActivated(page);
    const devtools = await ServiceWorkerDevtools.attach(page, fb.origin);

    const notice = await fb.api<{ publication: { id: string } }>('/api/status/notices', {
      body: { kind: 'notice', title: 'Slow sign-ins', body: 'Sign-ins take up to a minute.' },
    });
    expect(notice.status).toBe(201);
    const push = await standIn.next(
      (p) => p.subscriptionId === subscription.id,
      'the status update at the push service',
    );
    expect(standIn.errors).toEqual([]);
    const payload = push.payload as unknown as StatusPushPayload;
    expect(payload).toMatchObject({
      kind: 'status',
      title: 'Slow sign-ins',
      body: 'Investigating: Sign-ins take up to a minute.',
      url: '/status',
    });
    expect(new URL(payload.unsubscribeUrl).pathname).toBe('/status/unsubscribe');

    // The service worker shows it (the push service's delivery, through CDP), with one-tap Unsubscribe.
    await devtools.deliverPushMessage(push.text);
    const [shown] = await until(
      async () => {
        const list = await shownNotifications(sw, payload.tag);
        return list.length ? list : undefined;
      },
      'the status notification',
      10_000,
    );
    expect(shown).toMatchObject({
      title: 'Slow sign-ins',
      body: 'Investigating: Sign-ins take up to a minute.',
      actions: ['unsubscribe'],
    });
    await clickNotification(sw, payload.tag, 'unsubscribe');
    const token = new URL(payload.unsubscribeUrl).searchParams.get('token') ?? '';
    await until(
      async () =>
        (
          await fetch(`${fb.origin}/status/unsubscribe?token=${encodeURIComponent(token)}`, {
            method: 'POST',
          })
        ).status === 404,
      'the notification’s Unsubscribe to reach the server',
      10_000,
    );
    // The page's button agrees: the server had already forgotten this browser.
    await page.getByRole('button', { name: 'Stop notifications' }).click();
    await page.getByText('Unsubscribed: no more notifications from this page.').waitFor();
    await page.getByRole('button', { name: 'Get notified of updates' }).waitFor();
    await devtools.detach();
    await reader.close();
  });
});
