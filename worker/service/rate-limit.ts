/**
 * Sliding-window rate limit per integration key, as a pure function over a stored counter.
 * The estimate weighs the previous minute by how much of it still overlaps the last sixty seconds,
 * so a burst at a minute boundary cannot get through twice the limit the way a fixed window lets it.
 */

export { DEFAULT_RATE_PER_MINUTE } from '../../schema/integration-schemas';
export const WINDOW_MS = 60_000;

export interface RateWindow {
  /** Start of the current fixed minute (epoch ms). */
  start: number;
  /** Events admitted in the current minute. */
  count: number;
  /** Events admitted in the minute before it. */
  previous: number;
}

export type RateDecision =
  { allowed: true; next: RateWindow } | { allowed: false; retryAfterSeconds: number };

/** Admit one event or say how long to wait; refused events are not counted, so a flood does not extend its own block. */
export function admit(stored: RateWindow | null, limit: number, now: number): RateDecision {
  const start = Math.floor(now / WINDOW_MS) * WINDOW_MS;
  const current: RateWindow =
    stored?.start === start
      ? stored
      : { start, count: 0, previous: stored?.start === start - WINDOW_MS ? stored.count : 0 };
  const elapsed = (now - start) / WINDOW_MS;
  const estimate = current.previous * (1 - elapsed) + current.count;
  if (estimate + 1 <= limit)
    return { allowed: true, next: { ...current, count: current.count + 1 } };
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((nextAdmission(current, limit) - now) / 1000)),
  };
}

/** The first moment the estimate leaves room for one more event. */
function nextAdmission(w: RateWindow, limit: number): number {
  if (w.count + 1 <= limit && w.previous > 0) {
    // Within this minute, once enough of the previous minute has slid out of view.
    return w.start + WINDOW_MS * (1 - (limit - w.count - 1) / w.previous);
  }
  // Next minute: this minute's count becomes the one sliding out.
  const fraction = w.count > 0 ? Math.max(0, 1 - (limit - 1) / w.count) : 0;
  return w.start + WINDOW_MS + WINDOW_MS * fraction;
}
