/**
 * Pages first, webhooks after, within one isolate. Locally every Durable Object shares workerd's one thread,
 * so fifty deliveries in flight make a page that arrives meanwhile wait behind all of them. Deliveries take
 * this lane: at most MAX_RUNNING at a time, and none starts while a page is on its way (an incident being
 * opened, or paging). Waiters look again on their own timers (backing off to LONGEST_LOOK_MS): a promise
 * made in one Durable Object cannot be settled from another, so nobody is woken. Every hold expires, so an
 * object evicted mid-page only slows deliveries for a while, never stops them. On Cloudflare, where objects
 * spread over isolates and machines, the lane rarely has anything to hold back.
 */

/** Deliveries in flight per isolate: enough that one slow receiver does not stall the rest, few enough to yield. */
const MAX_RUNNING = 4;
const FIRST_LOOK_MS = 5;
const LONGEST_LOOK_MS = 100;
/** A page announced for an alarm (pageDue) holds deliveries back this long at most. */
const PAGE_DUE_MS = 2_000;
/** Work not done by then is taken as gone (its object evicted) and stops counting. */
const STALE_MS = 30_000;

/** Pages on their way and deliveries running, each with the time its hold expires. */
const pages = new Map<string | symbol, number>();
const running = new Map<symbol, number>();

function count(holds: Map<string | symbol, number>): number {
  const t = Date.now();
  for (const [key, until] of holds) if (until <= t) holds.delete(key);
  return holds.size;
}

/** Whether a page is on its way in this isolate (callers that would rather come back later than wait). */
export const pageOnItsWay = (): boolean => count(pages) > 0;
const look = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Run page work (opening an incident, a paging task) ahead of any delivery that has not started yet. */
export async function paged<T>(work: () => Promise<T>): Promise<T> {
  const key = Symbol('page');
  pages.set(key, Date.now() + STALE_MS);
  try {
    return await work();
  } finally {
    pages.delete(key);
  }
}

/** A page for `key` runs shortly (its alarm is set): deliveries wait for it, PAGE_DUE_MS at most. */
export function pageDue(key: string): void {
  pages.set(key, Date.now() + PAGE_DUE_MS);
}

/** The page announced for `key` has run (or is not coming). */
export function pageDone(key: string): void {
  pages.delete(key);
}

/**
 * Run `work` in the lane unless a page is on its way: then it does not run and the answer is false at once,
 * for a caller that holds something up while it waits (an incident's alarm) and would rather come back later.
 */
export async function inLaneUnlessPaging(work: () => Promise<unknown>): Promise<boolean> {
  for (
    let ms = FIRST_LOOK_MS;
    count(running) >= MAX_RUNNING;
    ms = Math.min(ms * 2, LONGEST_LOOK_MS)
  ) {
    if (pageOnItsWay()) return false;
    await look(ms);
  }
  if (pageOnItsWay()) return false;
  await inLane(work);
  return true;
}

/** Run one delivery in the lane: after the pages on their way, and at most MAX_RUNNING at once. */
export async function inLane<T>(work: () => Promise<T>): Promise<T> {
  for (
    let ms = FIRST_LOOK_MS;
    pageOnItsWay() || count(running) >= MAX_RUNNING;
    ms = Math.min(ms * 2, LONGEST_LOOK_MS)
  )
    await look(ms);
  const key = Symbol('delivery');
  running.set(key, Date.now() + STALE_MS);
  try {
    return await work();
  } finally {
    running.delete(key);
  }
}
