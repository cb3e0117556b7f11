/**
 * Outgoing webhooks from the incident's side: the events a change makes are written in the change's own
 * transaction (so a restart between commit and send loses none), then a scheduler task hands them, oldest
 * first, to each subscription's queue (worker/webhooks/queue.ts), which delivers and retries. An event stays
 * owed until every queue that wants it has it; a retry sends the same id, which a queue that has it drops.
 * The task runs from the alarm, after the run's pages, never inside a command or a page. When this isolate's
 * fresh subscription cache says nobody wants the events, they are not owed at all and the alarm is not woken.
 */
import type { Incident, TimelineEntry } from '../../schema/incident';
import { getService } from '../directory/services';
import type { Env } from '../env';
import { mayWant, subscriptionsFor } from '../webhooks/directory';
import { afterPages, inLane } from '../webhooks/lane';
import { enqueueWebhook } from '../webhooks/queue';
import { toWebhookEvent, webhookEvents, type PendingWebhookEvent } from '../webhooks/events';
import type { Scheduler, Task } from './scheduler';
import type { IncidentStore } from './store';

/** The scheduler task (and its row id) that hands owed events to the queues. */
export const WEBHOOKS_TASK = 'webhooks';

/** How long one run may hand events over before yielding the alarm (to a page that fell due meanwhile). */
const RUN_BUDGET_MS = 2_000;
/** Queues handed an event at once (one turn of the delivery lane). */
const HAND_OVER_AT_ONCE = 10;
/** A subscription lookup or enqueue that has not answered by then counts as failed. */
const STEP_TIMEOUT_MS = 10_000;

/** Wait before retrying a hand-over that failed: 2 s doubling up to 5 min, each 50–100 % of that (jitter). */
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
    // Only a cache younger than its TTL may say no (a subscription written in this isolate clears it at
    // once); a cold or old one says maybe, and the hand-over reads D1.
    const serviceId = events[0]!.incident.serviceId;
    if (mayWant(serviceId, [...new Set(events.map((e) => e.type))]) === false) return;
    this.host.store.queueWebhooks(events);
    this.host.scheduler.put(WEBHOOKS_TASK, WEBHOOKS_TASK, at);
  }

  /**
   * Hand the owed events to their subscriptions' queues, oldest first. One that fails stops the run (so no
   * later event overtakes it) and the task comes back after a backoff; it never throws. It shares the alarm
   * with paging, so it yields after RUN_BUDGET_MS (coming back at once) and gives up on a hung call.
   */
  async drain(task: Task, now: number): Promise<void> {
    const { store, scheduler } = this.host;
    const started = Date.now();
    const services = new Map<string, { id: string; name: string } | null>();
    try {
      for (;;) {
        const owed = store.pendingWebhooks();
        if (!owed.length) return;
        for (const pending of owed) {
          if (Date.now() - started > RUN_BUDGET_MS) {
            // Come back at once, behind any page that fell due meanwhile.
            return await scheduler.schedule(WEBHOOKS_TASK, WEBHOOKS_TASK, now);
          }
          // Pages elsewhere in this isolate go first (worker/webhooks/lane.ts).
          await afterPages();
          await withTimeout(this.handOver(pending, services), STEP_TIMEOUT_MS);
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

  /** One event to every queue that wants it, at once; resolves when all of them have it. */
  private async handOver(
    pending: PendingWebhookEvent,
    services: Map<string, { id: string; name: string } | null>,
  ): Promise<void> {
    const { env } = this.host;
    const { serviceId } = pending.incident;
    const subscriptions = await subscriptionsFor(env.DB, serviceId, pending.type);
    if (!subscriptions.length) return;
    if (serviceId && !services.has(serviceId)) {
      const service = await getService(env.DB, serviceId);
      services.set(serviceId, service ? { id: service.id, name: service.name } : null);
    }
    const origin = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).origin : 'http://localhost:8787';
    const event = toWebhookEvent(
      pending,
      serviceId ? (services.get(serviceId) ?? null) : null,
      origin,
    );
    // A few queues at a time, in the delivery lane: fifty enqueues at once would hold up a page meanwhile.
    for (let i = 0; i < subscriptions.length; i += HAND_OVER_AT_ONCE) {
      const some = subscriptions.slice(i, i + HAND_OVER_AT_ONCE);
      await inLane(() => Promise.all(some.map((s) => enqueueWebhook(env, s.id, event))));
    }
  }
}

/** Reject when `work` has not settled within `ms`. */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
