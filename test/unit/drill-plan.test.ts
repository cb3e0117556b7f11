import { describe, expect, it } from 'vitest';
import { drillDueAt, handoffs, onCallNow } from '../../worker/drills/plan';
import type { Schedule } from '../../worker/oncall';

const at = (iso: string) => Date.parse(iso);
const daily = (id: string, users: string[], timeZone = 'UTC'): Schedule => ({
  id,
  name: id,
  timeZone,
  layers: [{ id: 'l', name: 'l', users, rotation: { type: 'daily' }, start: '2026-03-02T09:00' }],
  overrides: [],
});

describe('drill planning', () => {
  it('finds each handoff after now with the incoming person, not the shift under way', () => {
    const found = handoffs(
      [daily('a', ['ana', 'bea'])],
      at('2026-03-03T12:00Z'),
      at('2026-03-05T12:00Z'),
    );
    expect(found).toEqual([
      { scheduleId: 'a', at: at('2026-03-04T09:00Z'), userId: 'ana' },
      { scheduleId: 'a', at: at('2026-03-05T09:00Z'), userId: 'bea' },
    ]);
    expect(drillDueAt(found[0]!, 30)).toBe(at('2026-03-04T08:30Z'));
  });

  it('counts no handoff where one person stays on call, and an override as one', () => {
    const alone = daily('a', ['ana']);
    expect(handoffs([alone], at('2026-03-03T12:00Z'), at('2026-03-06T12:00Z'))).toEqual([]);
    const covered = {
      ...alone,
      overrides: [{ userId: 'cai', start: at('2026-03-04T18:00Z'), end: at('2026-03-04T20:00Z') }],
    };
    expect(handoffs([covered], at('2026-03-03T12:00Z'), at('2026-03-06T12:00Z'))).toEqual([
      { scheduleId: 'a', at: at('2026-03-04T18:00Z'), userId: 'cai' },
      { scheduleId: 'a', at: at('2026-03-04T20:00Z'), userId: 'ana' },
    ]);
    expect(onCallNow([alone, covered], at('2026-03-04T19:00Z'))).toEqual(['ana', 'cai']);
  });

  it('follows the schedule’s zone across a clock change: 09:00 in Berlin is 08:00Z, then 07:00Z', () => {
    const berlin = daily('b', ['ana', 'bea'], 'Europe/Berlin');
    const found = handoffs([berlin], at('2026-03-27T12:00Z'), at('2026-03-29T12:00Z'));
    expect(found.map((h) => new Date(h.at).toISOString())).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
    ]);
  });
});
