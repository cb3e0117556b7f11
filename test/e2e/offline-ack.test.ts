import { describe, expect, it } from 'vitest';
import {
  clickNotification,
  fireWebhook,
  incidentView,
  queuedRequests,
  serviceFor,
  shownNotifications,
} from './browser';
import { until } from './harness';
import { pagedResponder, pagingStand } from './push-stand-in';

const ACK_QUEUE = 'firebell-acks';

const stand = pagingStand();

describe('acknowledging from the notification while offline', () => {
  it('queues the acknowledgement, says so, and lands it exactly once when the network is back', async () => {
    const { fb, browser, standIn } = stand;
    const ana = await pagedResponder(fb, browser, standIn, 'Ana');
    const webhook = await serviceFor(fb, ana.user.id);

    await fireWebhook(webhook, 'Payments queue backing up', 'payments-queue');
    const push = await standIn.next(
      (p) => p.subscriptionId === ana.subscription.id && p.payload.kind === 'page',
      'the page to reach the push service',
    );
    const incidentId = push.payload.incidentId;
    await ana.devtools.deliverPushMessage(push.text);
    await until(
      async () => (await shownNotifications(ana.sw, incidentId)).length > 0,
      'the notification to be shown',
    );
    // Wait for the receipt, so the only request the worker makes offline is the acknowledgement.
    await until(
      async () =>
        (await incidentView(fb, incidentId)).timeline.some(
          (e) => e.kind === 'notification_delivered',
        ),
      'the delivery receipt',
    );

    // The phone loses its network just as Ana taps Acknowledge.
    await ana.context.setOffline(true);
    await clickNotification(ana.sw, incidentId, 'ack');

    const [queued] = await until(async () => {
      const list = await shownNotifications(ana.sw, incidentId);
      return list[0]?.body === 'Acknowledgement queued: waiting for network' ? list : undefined;
    }, 'the notification to say the acknowledgement is queued');
    expect(queued).toMatchObject({ silent: true, actions: [] });
    expect(await queuedRequests(ana.sw, ACK_QUEUE)).toBe(1);
    expect((await incidentView(fb, incidentId)).incident.status).toBe('triggered');

    // Back online; the browser's background sync fires (dispatched here so the test does not wait on its scheduler).
    await ana.context.setOffline(false);
    await ana.devtools.dispatchSyncEvent(`workbox-background-sync:${ACK_QUEUE}`);

    await until(
      async () => (await incidentView(fb, incidentId)).incident.status === 'acknowledged',
      'the queued acknowledgement to land',
    );
    await until(async () => (await queuedRequests(ana.sw, ACK_QUEUE)) === 0, 'the queue to drain');
    await until(
      async () => (await shownNotifications(ana.sw, incidentId))[0]?.body === 'Acknowledged by you',
      'the notification to say it was acknowledged',
    );

    // A second sync (the browser's own retry, say) finds nothing left to send.
    await ana.devtools.dispatchSyncEvent(`workbox-background-sync:${ACK_QUEUE}`);
    expect(await queuedRequests(ana.sw, ACK_QUEUE)).toBe(0);
    const { incident, timeline } = await incidentView(fb, incidentId);
    expect(incident.acknowledgedBy).toMatchObject({ id: ana.user.id, name: 'Ana' });
    expect(timeline.filter((e) => e.kind === 'acknowledged')).toHaveLength(1);

    await Promise.all([ana.devtools.detach(), ana.context.close()]);
  });
});
