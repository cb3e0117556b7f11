/**
 * Outgoing webhooks from the incident's side: the events a change makes are written in the change's own
 * transaction (so a restart between commit and send loses none), then a scheduler task hands them, oldest
 * first, to each subscription's queue (worker/webhooks/queue.ts), which delivers and retries. An event stays
 * owed until every queue that wants it has it; a retry sends the same id, which a queue that has it drops.
 * The task runs from the alarm, never inside a command or a page.
 */
import type { Incident, TimelineEntry } from '../../schema/incident';
import { getService } from '../directory/services';
import type { Env } from '../env';
import { subscriptionsFor } from '../webhooks/directory';
import { enqueueWebhook } from '../webhooks/queue';
import { toWebhookEvent, webhookEvents, type PendingWebhookEvent } from '../webhooks/events';
import type { Scheduler, Task } from './scheduler';
import type { IncidentStore } from './store';

/** The scheduler task (and its row id) that hands owed events to the queues. */
export const WEBHOOKS_TASK = 'webhooks';

/** Wait before retrying a hand-over that failed: 1 s doubling up to 5 min, with jitter. */
function backoffMs(attempts: number): number {
  const base = Math.min(300_000, 1_000 * 2 ** Math.min(attempts, 9));
  return base / 2 + Math.random() * (base / 2);
}

export interface WebhookOutboxHost {
  env: Env;
  store: IncidentStore;
  scheduler: Scheduler;
}

export class WebhookOutbox {
  constructor(private readonly host: WebhookOutboxHost) {}

  /** Owe the events of a committed change; called inside its transaction, so it must not await. */
  record(incident: Incident, entries: readonly TimelineEntry[], at: number): void {
    this.owe(webhookEvents(incident, entries), at);
  }

  /** Owe `events` (already built) and schedule the hand-over; inside a transaction or alone. */
  owe(events: readonly PendingWebhookEvent[], at: number): void {
    if (!events.length) return;
    this.host.store.queueWebhooks(events);
    this.host.scheduler.put(WEBHOOKS_TASK, WEBHOOKS_TASK, at);
  }

  /**
   * Hand the owed events to their subscriptions' queues, oldest first. One that fails stops the run (so no
   * later event overtakes it) and the task comes back after a backoff; it never throws.
   */
  async drain(task: Task, now: number): Promise<void> {
    const { env, store, scheduler } = this.host;
    const services = new Map<string, { id: string; name: string } | null>();
    const origin = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).origin : 'http://localhost:8787';
    try {
      for (;;) {
        const owed = store.pendingWebhooks();
        if (!owed.length) return;
        for (const pending of owed) {
          const subscriptions = await subscriptionsFor(
            env.DB,
            pending.incident.serviceId,
            pending.type,
          );
          if (subscriptions.length) {
            const serviceId = pending.incident.serviceId;
            if (serviceId && !services.has(serviceId)) {
              const service = await getService(env.DB, serviceId);
              services.set(serviceId, service ? { id: service.id, name: service.name } : null);
            }
            const event = toWebhookEvent(
              pending,
              serviceId ? (services.get(serviceId) ?? null) : null,
              origin,
            );
            await Promise.all(subscriptions.map((s) => enqueueWebhook(env, s.id, event)));
          }
          store.webhookSent(pending.id);
        }
      }
    } catch (err) {
      const attempts = Number(task.data.attempts ?? 0) + 1;
      console.error(`webhook hand-over failed (attempt ${attempts}); retrying`, err);
      await scheduler.schedule(WEBHOOKS_TASK, WEBHOOKS_TASK, now + backoffMs(attempts), {
        attempts,
      });
    }
  }
}
