import { describe, expect, it } from 'vitest';
import { admit, type RateWindow } from '../../worker/service/rate-limit';

const MINUTE = 60_000;
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % MINUTE);

function run(limit: number, times: number[], start: RateWindow | null = null) {
  let state = start;
  return times.map((t) => {
    const decision = admit(state, limit, t);
    if (decision.allowed) state = decision.next;
    return decision.allowed ? 'ok' : decision.retryAfterSeconds;
  });
}

describe('rate limit', () => {
  it('admits up to the limit within a minute and then says how long to wait', () => {
    expect(run(3, [T0, T0 + 1000, T0 + 2000, T0 + 3000])).toEqual(['ok', 'ok', 'ok', 77]);
  });

  it('does not let a burst at a minute boundary through twice', () => {
    const results = run(10, [
      ...Array.from({ length: 10 }, () => T0 + 59_000),
      ...Array.from({ length: 10 }, () => T0 + MINUTE + 1000),
    ]);
    expect(results.filter((r) => r === 'ok')).toHaveLength(10);
  });

  it('frees capacity as the previous minute slides out of view', () => {
    const full: RateWindow = { start: T0 - MINUTE, count: 4, previous: 0 };
    expect(run(4, [T0, T0 + 15_000, T0 + 30_000, T0 + 45_000, T0 + 46_000])).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      29,
    ]);
    expect(run(4, [T0 + 1000, T0 + 15_000, T0 + 30_000, T0 + 31_000], full)).toEqual([
      14,
      'ok',
      'ok',
      14,
    ]);
  });

  it('forgets everything after two quiet minutes', () => {
    expect(run(1, [T0 + 2 * MINUTE + 1], { start: T0, count: 50, previous: 50 })).toEqual(['ok']);
  });
});
