/**
 * Per-dedup-key serialization inside the router object. A Durable Object runs one event at a time only
 * until it awaits; ingestion awaits the incident object, so without this two triggers with the same key
 * could both see "no open incident" and open two. Work for a key runs strictly in arrival order, and
 * trigger-only requests that queued up behind a running one are coalesced into a single batch:
 * fifty simultaneous triggers become one create and one append, not fifty round trips.
 */
import type { AlertEvent } from '../../schema/alert';
import type { Actor } from '../../schema/incident';

/** A batch bigger than this is split: one incident RPC stays a bounded size. */
const MAX_BATCH_EVENTS = 500;

interface Job<R, C> {
  events: AlertEvent[];
  actor: Actor;
  /** What the submitter passed along for the work (the router: the request's payload record). */
  context: C | undefined;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

const triggersOnly = (events: readonly AlertEvent[]) => events.every((e) => e.action === 'trigger');

export class KeyQueue<R, C = never> {
  private readonly pending = new Map<string, Job<R, C>[]>();

  constructor(
    private readonly run: (
      key: string,
      events: AlertEvent[],
      actor: Actor,
      contexts: C[],
    ) => Promise<R>,
  ) {}

  /** Queue one request's events for a key; resolves with the result of the batch they ran in. */
  submit(key: string, events: AlertEvent[], actor: Actor, context?: C): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const job = { events, actor, context, resolve, reject };
      const queue = this.pending.get(key);
      if (queue) {
        queue.push(job);
        return;
      }
      this.pending.set(key, [job]);
      void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    const queue = this.pending.get(key) ?? [];
    try {
      while (queue.length) {
        const batch = takeBatch(queue);
        try {
          const result = await this.run(
            key,
            batch.flatMap((j) => j.events),
            (batch[0] as Job<R, C>).actor,
            batch.flatMap((j) => (j.context === undefined ? [] : [j.context])),
          );
          for (const job of batch) job.resolve(result);
        } catch (error) {
          for (const job of batch) job.reject(error);
        }
      }
    } finally {
      this.pending.delete(key);
    }
  }
}

/**
 * The head job, plus the trigger-only jobs from the same sender right behind it when it is trigger-only too.
 * Anything carrying an acknowledge or resolve runs alone, so "trigger, resolve, trigger" keeps its meaning.
 */
function takeBatch<R, C>(queue: Job<R, C>[]): Job<R, C>[] {
  const head = queue.shift() as Job<R, C>;
  const batch = [head];
  if (!triggersOnly(head.events)) return batch;
  let size = head.events.length;
  while (queue.length) {
    const next = queue[0] as Job<R, C>;
    if (
      next.actor.id !== head.actor.id ||
      !triggersOnly(next.events) ||
      size + next.events.length > MAX_BATCH_EVENTS
    )
      break;
    batch.push(queue.shift() as Job<R, C>);
    size += next.events.length;
  }
  return batch;
}
