/**
 * Outgoing webhooks from the incident's side: the events a change makes are written in the change's own
 * transaction (so a restart between commit and send loses none), then a scheduler task hands them, oldest
 * first, to each subscription's queue (worker/webhooks/queue.ts), which delivers and retries. One call per
 * queue carries every owed event it wants, in order; an event stays owed until every queue that wants it has
 * it, and a retry sends the same ids, which a queue that has them drops. An idle queue sends at once in that
 * call and writes nothing until later (queue.ts deliverMany): the event is still owed here until it has
 * answered, so no commit or alarm of the queue stands between the event and the receiver, or in front of a page.
 * The task runs from the alarm, after the run's pages, never inside a command or a page; while a page is on
 * its way in this isolate it does not wait in the alarm (which would hold the incident's next alarm, e.g. an
 * escalation) but comes back a little later. When this isolate's fresh subscription cache says nobody wants
 * the events, they are not owed at all and the alarm is not woken.
 */
import type { WebhookEvent } from '../../schema/webhook-schemas';
import type { Incident, TimelineEntry } from '../../schema/incident';
import { now as clock } from '../clock';
import { getService } from '../directory/services';
import type { Env } from '../env';
import { mayWant, subscriptionsFor } from '../webhooks/directory';
import { inLane, inLaneUnlessPaging } from '../webhooks/lane';
import { enqueueWebhooks } from '../webhooks/queue';
import { toWebhookEvent, webhookEvents, type PendingWebhookEvent } from '../webhooks/events';
import type { Scheduler, Task } from './scheduler';
import type { IncidentStore } from './store';

/** The scheduler task (and its row id) that hands owed events to the queues. */
export const WEBHOOKS_TASK = 'webhooks';

/** How long one run may hand events over before yielding the alarm (to a page that fell due meanwhile). */
const RUN_BUDGET_MS = 2_000;
/** Owed events handed over in one pass (each queue gets its share of them in one call). */
const EVENTS_PER_PASS = 50;
/**
 * Queues handed their events at once (one turn of the delivery lane). An idle queue sends in the call, so this
 * is also the deliveries in flight per hand-over: an alert arriving meanwhile waits behind their answers.
 */
const HAND_OVER_AT_ONCE = 4;
/** A subscription lookup or enqueue that has not answered by then counts as failed. */
const STEP_TIMEOUT_MS = 10_000;
/** While a page is on its way the hand-over comes back after this, doubling up to LONGEST_DEFER_MS. */
const FIRST_DEFER_MS = 50;
const LONGEST_DEFER_MS = 1_000;
/** After this many deferrals (about 4.5 s) a pass waits its turn in the lane instead: pages never stop webhooks. */
const MAX_DEFERRALS = 8;
/** Service names in event payloads, per isolate: a rename shows in events within this long. */
const SERVICE_TTL_MS = 5_000;

const serviceNames = new Map<
  string,
  { at: number; service: { id: string; name: string } | null }
>();

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
  /**
   * The queues that already have the events of the pass in progress (keyed by their ids), so a pass that
   * came back after a page does not call them again. Lost with the instance, which only costs calls the
   * queues drop as already seen.
   */
  private handed: { events: string; queues: Set<string> } | null = null;

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
   * Hand the owed events to their subscriptions' queues, oldest first: a pass takes up to EVENTS_PER_PASS of
   * them and gives each queue its share in one call, and they stop being owed once every queue has them. A
   * failure stops the run (so no later event overtakes it) and the task comes back after a backoff; it never
   * throws. It shares the alarm with paging, so it yields after RUN_BUDGET_MS (coming back at once), gives
   * up on a hung call, and comes back shortly when a page is on its way instead of waiting for it.
   */
  async drain(task: Task, now: number): Promise<void> {
    const { store, scheduler } = this.host;
    const started = Date.now();
    try {
      for (;;) {
        const owed = store.pendingWebhooks(EVENTS_PER_PASS);
        if (!owed.length) return;
        const key = owed.map((e) => e.id).join(' ');
        if (this.handed?.events !== key) this.handed = { events: key, queues: new Set() };
        const handed = this.handed;
        const shares = [...(await this.shares(owed))].filter(([id]) => !handed.queues.has(id));
        const patient = Number(task.data.deferred ?? 0) < MAX_DEFERRALS;
        for (let i = 0; i < shares.length; i += HAND_OVER_AT_ONCE) {
          // Come back at once, behind any page that fell due meanwhile.
          if (Date.now() - started > RUN_BUDGET_MS)
            return await scheduler.schedule(WEBHOOKS_TASK, WEBHOOKS_TASK, now);
          const some = shares.slice(i, i + HAND_OVER_AT_ONCE);
          // Each queue sends at once if it can; while patient, one that meets a page leaves the rest with us.
          let took = false;
          const handOver = async () => {
            const all = await Promise.all(
              some.map(async ([id, events]) => {
                const whole = await enqueueWebhooks(this.host.env, id, events, patient);
                if (whole) handed.queues.add(id);
                return whole;
              }),
            );
            took = all.every(Boolean);
          };
          const went = await withTimeout(
            patient ? inLaneUnlessPaging(handOver) : inLane(handOver).then(() => true),
            STEP_TIMEOUT_MS,
          );
          if (!went || !took) return await this.afterThePage(task);
        }
        for (const e of owed) store.webhookSent(e.id);
        this.handed = null;
      }
    } catch (err) {
      const attempts = Number(task.data.attempts ?? 0) + 1;
      console.error(`webhook hand-over failed (attempt ${attempts}); retrying`, err);
      await scheduler.schedule(WEBHOOKS_TASK, WEBHOOKS_TASK, now + backoffMs(attempts), {
        attempts,
      });
    }
  }

  /** A page is on its way in this isolate: free the alarm and come back a little later (longer each time). */
  private async afterThePage(task: Task): Promise<void> {
    const deferred = Number(task.data.deferred ?? 0) + 1;
    const wait = Math.min(LONGEST_DEFER_MS, FIRST_DEFER_MS * 2 ** (deferred - 1));
    await this.host.scheduler.schedule(WEBHOOKS_TASK, WEBHOOKS_TASK, clock() + wait, {
      ...task.data,
      deferred,
    });
  }

  /** Each wanting subscription's share of `owed`, as payloads in owed order. */
  private async shares(owed: readonly PendingWebhookEvent[]): Promise<Map<string, WebhookEvent[]>> {
    const { env } = this.host;
    const origin = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).origin : 'http://localhost:8787';
    const shares = new Map<string, WebhookEvent[]>();
    for (const pending of owed) {
      const { serviceId } = pending.incident;
      const subscriptions = await subscriptionsFor(env.DB, serviceId, pending.type);
      if (!subscriptions.length) continue;
      const event = toWebhookEvent(
        pending,
        serviceId ? await this.service(serviceId) : null,
        origin,
      );
      for (const s of subscriptions) {
        const share = shares.get(s.id);
        if (share) share.push(event);
        else shares.set(s.id, [event]);
      }
    }
    return shares;
  }

  /** The incident's service as events name it, from this isolate's short cache or D1. */
  private async service(id: string): Promise<{ id: string; name: string } | null> {
    const cached = serviceNames.get(id);
    if (cached && Date.now() - cached.at < SERVICE_TTL_MS) return cached.service;
    const found = await getService(this.host.env.DB, id);
    const service = found ? { id: found.id, name: found.name } : null;
    serviceNames.set(id, { at: Date.now(), service });
    return service;
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
