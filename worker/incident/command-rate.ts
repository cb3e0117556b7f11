/**
 * How fast one person may send commands to one incident: a token bucket (10 a second, bursts of 30),
 * enough for any human and any offline outbox catching up, too little to flood a timeline or its viewers.
 * Pure; the incident object keeps one bucket per person in memory (an evicted object has been idle long
 * enough for every bucket to be full again).
 */

export const COMMANDS_PER_SECOND = 10;
export const COMMAND_BURST = 30;

export interface Bucket {
  tokens: number;
  at: number;
}

export type Take =
  { allowed: true; bucket: Bucket } | { allowed: false; bucket: Bucket; retryAfterMs: number };

/** Spend one token from `bucket` (a full one when absent) at `now`, or say how long until one is there. */
export function take(
  bucket: Bucket | undefined,
  now: number,
  rate = COMMANDS_PER_SECOND,
  burst = COMMAND_BURST,
): Take {
  const elapsed = bucket ? Math.max(0, now - bucket.at) : 0;
  const tokens = Math.min(burst, (bucket?.tokens ?? burst) + (elapsed * rate) / 1000);
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, at: now } };
  return {
    allowed: false,
    bucket: { tokens, at: now },
    retryAfterMs: Math.ceil(((1 - tokens) * 1000) / rate),
  };
}

/** One bucket per key (a user id), forgetting buckets that have refilled so the map stays small. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate = COMMANDS_PER_SECOND,
    private readonly burst = COMMAND_BURST,
  ) {}

  /** null when allowed, else the milliseconds to wait. */
  take(key: string, now: number): number | null {
    if (this.buckets.size > 1000) this.forgetFull(now);
    const result = take(this.buckets.get(key), now, this.rate, this.burst);
    this.buckets.set(key, result.bucket);
    return result.allowed ? null : result.retryAfterMs;
  }

  private forgetFull(now: number): void {
    for (const [key, b] of this.buckets)
      if (b.tokens + ((now - b.at) * this.rate) / 1000 >= this.burst) this.buckets.delete(key);
  }
}
