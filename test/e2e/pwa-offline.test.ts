import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  firebellInChromium,
  fireWebhook,
  incidentTitled,
  incidentView,
  logServiceWorkerStates,
  serviceFor,
  serviceWorkerActivated,
  signInThroughInvite,
} from './browser';
import { until } from './harness';

const stand = firebellInChromium();

describe('the incident page without a network', () => {
  it('queues an acknowledgement and a note made offline, says so, lands each exactly once when back online, and reopens offline from the precache', async () => {
    const { fb, browser } = stand;
    const ana = await signInThroughInvite(fb, browser, 'Ana');
    const { page, context } = ana;
    await serviceWorkerActivated(page);
    const webhook = await serviceFor(fb, ana.user.id);
    await fireWebhook(webhook, 'Search latency p99 above 3s', 'search-p99');
    const { id } = await incidentTitled(fb, 'Search latency p99 above 3s');

    // Opened from the home list, as a responder would (and as the service worker then has both cached).
    await page.getByRole('link', { name: /Search latency p99 above 3s/ }).click();
    await page.waitForURL(`${fb.origin}/incidents/${id}`);
    await page.getByText('Live', { exact: true }).waitFor();
    await page.evaluate(
      () => ((window as unknown as { sameDocument: boolean }).sameDocument = true),
    );

    // The tunnel: the socket drops, and the tap on Acknowledge cannot reach the server.
    await context.setOffline(true);
    await page.getByText('Offline', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await page.getByText('Acknowledgement queued: waiting for network.').waitFor();
    await page
      .getByRole('list', { name: 'Waiting for network' })
      .getByText('Acknowledge: waiting for network')
      .waitFor();
    expect(await page.getByRole('button', { name: 'Acknowledge queued' }).isDisabled()).toBe(true);
    await page.getByLabel('Add a note').fill('In a tunnel, back in 5');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Note queued: waiting for network.').waitFor();
    expect((await incidentView(fb, id)).incident.status).toBe('triggered');
    const queuedOutbox = await page.evaluate(() => localStorage.getItem('firebell.outbox'));
    expect(JSON.parse(queuedOutbox ?? '[]')).toHaveLength(2);

    // Out of the tunnel: the queued commands replay by themselves, in order.
    await context.setOffline(false);
    await page
      .getByRole('button', { name: 'Acknowledged', exact: true })
      .waitFor({ timeout: 10_000 });
    await page
      .getByRole('list', { name: 'Timeline' })
      .getByText('In a tunnel, back in 5')
      .waitFor();
    await until(
      async () => (await incidentView(fb, id)).incident.status === 'acknowledged',
      'the acknowledgement to land',
    );
    await until(
      () => page.evaluate(() => localStorage.getItem('firebell.outbox') === null),
      'the outbox to drain',
    );

    // The same queue replayed again (a second tab, or a response lost on the way back) carries the same
    // Idempotency-Keys, so the server changes nothing.
    await page.evaluate((outbox) => {
      localStorage.setItem('firebell.outbox', outbox);
      window.dispatchEvent(new Event('online'));
    }, queuedOutbox!);
    await until(
      () => page.evaluate(() => localStorage.getItem('firebell.outbox') === null),
      'the replayed outbox to drain',
    );
    expect(
      await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);
    // The socket is back too: Live again, and the page agrees with the server.
    await page.getByText('Live', { exact: true }).waitFor();
    const { incident, timeline } = await incidentView(fb, id);
    expect(incident.acknowledgedBy).toMatchObject({ id: ana.user.id });
    expect(timeline.filter((e) => e.kind === 'acknowledged').map((e) => e.text)).toEqual([
      'Acknowledged by Ana',
    ]);
    expect(timeline.filter((e) => e.kind === 'note').map((e) => e.text)).toEqual([
      'In a tunnel, back in 5',
    ]);

    // Offline again, opening the app again (from the home screen: a new window) still shows it (precached shell)
    // and this incident as last seen.
    // Twice in CI (about 1 run in 20; never in 24 runs here, 10 of them at load 6) the offline *reload* of this
    // page went to the network (ERR_INTERNET_DISCONNECTED): the worker did not answer the navigation, for a reason
    // not yet proven. A reload tears down the only page the worker serves while it dispatches that navigation;
    // a second window does not, and is what a responder does. If it still happens, the states logged below show
    // what DevTools saw the worker doing. The worker is woken first (a fetch it answers from its precache).
    await logServiceWorkerStates(page);
    await page.evaluate(() => fetch('/index.html').then((r) => r.text()));
    await serviceWorkerActivated(page);
    await context.setOffline(true);
    const reopened = await context.newPage();
    await reopened.goto(`${fb.origin}/incidents/${id}`);
    await reopened.getByText('Offline: showing what this phone last saw.').waitFor();
    await reopened.getByRole('heading', { name: 'Search latency p99 above 3s' }).waitFor();
    await reopened.getByText('Acknowledged by Ana', { exact: true }).first().waitFor();
    // …and the home screen, reached by a link inside the offline app.
    await reopened.getByRole('link', { name: 'Back' }).click();
    await reopened.getByRole('link', { name: /Search latency p99 above 3s/ }).waitFor();

    await context.setOffline(false);
    await context.close();
  });
});

describe('a server link opened in the installed app', () => {
  it('gets the calendar feed from the Worker, not the app shell, once the service worker controls the page', async () => {
    const { fb, browser } = stand;
    const { page } = await signInThroughInvite(fb, browser, 'Cleo');
    await serviceWorkerActivated(page);
    const feed = await page.evaluate(async () => {
      const res = await fetch('/api/oncall/me/calendar-feed', { method: 'POST' });
      return (await res.json()) as { url: string };
    });
    expect(new URL(feed.url).pathname).toMatch(/^\/calendar\//);

    // The Worker answers with the feed (which the browser downloads); the app shell would render instead.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 10_000 }),
      page.goto(`${fb.origin}${new URL(feed.url).pathname}`).catch(() => null),
    ]);
    const file = await download.path();
    expect(readFileSync(file, 'utf8')).toContain('BEGIN:VCALENDAR');
  });
});
