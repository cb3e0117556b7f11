import { describe, expect, it } from 'vitest';
import {
  clickNotification,
  fireWebhook,
  incidentView,
  serviceFor,
  shownNotifications,
  signInThroughInvite,
} from './browser';
import { until } from './harness';
import { pagedResponder, pagingStand } from './push-stand-in';

const stand = pagingStand();

describe('acknowledging from the notification', () => {
  it('pages the phone, shows the notification, records its delivery, and acknowledges from its button while a teammate watches live', async () => {
    const { fb, browser, standIn } = stand;
    const ana = await pagedResponder(fb, browser, standIn, 'Ana');
    const ben = await signInThroughInvite(fb, browser, 'Ben');
    const webhook = await serviceFor(fb, ana.user.id);

    const acceptedAt = await fireWebhook(webhook, 'Checkout error rate above 5%', 'checkout-5xx');
    const push = await standIn.next(
      (p) => p.subscriptionId === ana.subscription.id && p.payload.kind === 'page',
      'the page to reach the push service',
    );
    console.log(
      `webhook accepted → push request received by the push service: ${push.arrivedAt - acceptedAt} ms`,
    );
    expect(standIn.errors).toEqual([]);
    expect(push.headers).toMatchObject({ urgency: 'high', ttl: '3600' });
    expect(push.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    const page = push.payload;
    expect(page).toMatchObject({
      kind: 'page',
      title: 'Checkout error rate above 5%',
      severity: 'critical',
      service: 'checkout',
      alertCount: 1,
      url: `/incidents/${page.incidentId}`,
    });

    // Ben is on the incident page before anything happens, to see the acknowledgement arrive.
    await ben.page.goto(`${fb.origin}/incidents/${page.incidentId}`);
    await ben.page.getByText('Live', { exact: true }).waitFor();
    await ben.page.getByRole('button', { name: 'Acknowledge', exact: true }).waitFor();
    await ben.page.evaluate(
      () => ((window as unknown as { sameDocument: boolean }).sameDocument = true),
    );

    // The push service hands the decrypted message to the phone's service worker.
    await ana.devtools.deliverPushMessage(push.text);
    const [shown] = await until(async () => {
      const list = await shownNotifications(ana.sw, page.incidentId);
      return list.length ? list : undefined;
    }, 'the notification to be shown');
    expect(shown).toMatchObject({
      title: `#${page.number} Checkout error rate above 5%`,
      body: page.body,
      tag: page.incidentId,
      requireInteraction: true,
      actions: ['ack', 'open'],
    });

    // The notification, Ana's list and the incident page agree on who is being paged: Ana.
    await ben.page.getByText('Paging Ana', { exact: true }).waitFor({ timeout: 5_000 });
    const home = await ana.context.newPage();
    await home.goto(`${fb.origin}/`);
    await home
      .getByRole('region', { name: 'Needs me' })
      .getByRole('link', { name: /Checkout error rate above 5%/ })
      .waitFor({ timeout: 5_000 });
    await home.close();

    // Showing it posts a delivery receipt: the timeline says the page reached Ana's phone.
    const delivered = await until(
      async () =>
        (await incidentView(fb, page.incidentId)).timeline.find(
          (e) => e.kind === 'notification_delivered',
        ),
      'the delivery receipt on the timeline',
    );
    expect(delivered.text).toMatch(/^Delivered to Ana.*phone/);

    await clickNotification(ana.sw, page.incidentId, 'ack');

    const view = await until(async () => {
      const v = await incidentView(fb, page.incidentId);
      return v.incident.status === 'acknowledged' ? v : undefined;
    }, 'the incident to be acknowledged');
    expect(view.incident.acknowledgedBy).toMatchObject({
      kind: 'user',
      id: ana.user.id,
      name: 'Ana',
    });
    expect(view.timeline.filter((e) => e.kind === 'acknowledged').map((e) => e.text)).toEqual([
      'Acknowledged by Ana',
    ]);

    // The page is replaced by a quiet "Acknowledged by you", same tag, no buttons.
    const [quiet] = await until(async () => {
      const list = await shownNotifications(ana.sw, page.incidentId);
      // Thrown, so a timeout says what the notification said instead.
      if (list[0]?.body !== 'Acknowledged by you')
        throw new Error(`the notification says ${JSON.stringify(list[0]?.body)}`);
      return list;
    }, 'the notification to say it was acknowledged');
    expect(quiet).toMatchObject({ tag: page.incidentId, silent: true, actions: [] });

    // Ben's page got it over the live socket, without a reload.
    await ben.page
      .getByText('Acknowledged by Ana', { exact: true })
      .first()
      .waitFor({ timeout: 5_000 });
    await ben.page.getByRole('button', { name: 'Acknowledged' }).waitFor({ timeout: 5_000 });
    expect(
      await ben.page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);

    await Promise.all([ana.devtools.detach(), ana.context.close(), ben.context.close()]);
  });

  it('verifies a new device by the receipt its service worker posts for the test page registering it sent, and passes a drill the same way', async () => {
    const { fb, browser, standIn } = stand;
    const cy = await pagedResponder(fb, browser, standIn, 'Cy');
    // Registering the device sent it a test page: nobody had to tap "Send test page".
    const push = await standIn.next(
      (p) => p.subscriptionId === cy.subscription.id && p.payload.kind === 'test',
      'the test page sent at registration to reach the push service',
    );
    await cy.page.goto(`${fb.origin}/settings`);
    const row = cy.page.getByRole('listitem').filter({ hasText: "Cy's phone" });
    await row.getByText('not verified: send a test page').waitFor();
    // The push service's 201 alone verifies nothing.
    const verifiedAt = () =>
      cy.page.evaluate(async () => {
        const res = await fetch('/api/push/subscriptions');
        const { subscriptions } = (await res.json()) as {
          subscriptions: { verifiedAt: number | null }[];
        };
        return subscriptions[0]?.verifiedAt ?? null;
      });
    expect(await verifiedAt()).toBeNull();

    await cy.devtools.deliverPushMessage(push.text);
    await until(async () => {
      const list = await shownNotifications(cy.sw, push.payload.incidentId);
      return list.length ? list : undefined;
    }, 'the test page to be shown');
    await until(async () => (await verifiedAt()) ?? undefined, 'the receipt to verify the device');
    // This test registered the device itself, not through the page's "Turn on notifications": look again.
    await cy.page.reload();
    await row.getByText('verified', { exact: true }).waitFor({ timeout: 15_000 });

    // An admin runs a drill on Cy's team: the drill page's receipt passes the device, with its time to receipt.
    const team = await fb.api<{ team: { id: string } }>('/api/teams', {
      body: { name: 'Checkout', userIds: [cy.user.id] },
    });
    const start = new Date(Date.now() - 3600_000).toISOString().slice(0, 16);
    const sched = await fb.api('/api/schedules', {
      body: {
        name: 'Checkout primary',
        timeZone: 'UTC',
        teamId: team.body.team.id,
        layers: [{ users: [cy.user.id], rotation: { type: 'weekly' }, start }],
      },
    });
    expect(sched.status).toBe(201);
    const run = await fb.api<{ drill: { id: string } }>(`/api/teams/${team.body.team.id}/drills`, {
      method: 'POST',
    });
    expect(run.status).toBe(201);
    const drillPage = await standIn.next(
      (p) => p.subscriptionId === cy.subscription.id && p.payload.incidentId.startsWith('drill:'),
      'the drill page to reach the push service',
    );
    await cy.devtools.deliverPushMessage(drillPage.text);
    await cy.page.goto(`${fb.origin}/oncall`);
    await cy.page
      .getByRole('list', { name: 'Drill report' })
      .getByText(/^Device Cy's phone: passed in \d+s$/)
      .waitFor({ timeout: 15_000 });
    await Promise.all([cy.devtools.detach(), cy.context.close()]);
  });
});
