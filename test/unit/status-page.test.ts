/** The status page's pure maths: component state, and the 90-day bars cut at the page's own midnights. */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dayBars, withIntervals } from '../../worker/status/history';
import { componentState, impactOf, pageStatus } from '../../worker/status/state';

const NY = 'America/New_York';
const at = (iso: string) => DateTime.fromISO(iso, { zone: NY }).toMillis();

describe('component state', () => {
  it('is the worst state an open publication puts it in, and a published override wins', () => {
    expect(componentState(null, [])).toBe('operational');
    expect(componentState(null, ['degraded_performance', 'major_outage', 'partial_outage'])).toBe(
      'major_outage',
    );
    expect(componentState(null, ['under_maintenance', 'degraded_performance'])).toBe(
      'degraded_performance',
    );
    expect(componentState('operational', ['major_outage'])).toBe('operational');
    expect(impactOf('incident', ['partial_outage'])).toBe('major');
    expect(impactOf('maintenance', ['under_maintenance'])).toBe('maintenance');
    expect(pageStatus(['operational'], 0)).toEqual({
      indicator: 'none',
      description: 'All Systems Operational',
    });
    expect(pageStatus(['operational'], 1).indicator).toBe('minor');
  });
});

describe('uptime bars', () => {
  it('splits an outage across midnight in the page’s zone, not UTC', () => {
    const changes = [
      { state: 'operational' as const, at: at('2026-11-01T09:00') },
      { state: 'major_outage' as const, at: at('2026-11-20T23:00') },
      { state: 'operational' as const, at: at('2026-11-21T01:00') },
    ];
    const bars = dayBars(changes, at('2026-11-22T12:00'), NY, 5);
    expect(bars.map((b) => b.date)).toEqual([
      '2026-11-18',
      '2026-11-19',
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
    ]);
    expect(bars.map((b) => b.worst)).toEqual([
      'operational',
      'operational',
      'major_outage',
      'major_outage',
      'operational',
    ]);
    expect(bars[2]!.uptime).toBeCloseTo(23 / 24);
    expect(bars[3]!.uptime).toBeCloseTo(23 / 24);
    expect(bars[4]!.uptime).toBe(1);
    // In UTC the same outage (04:00-06:00Z) falls inside one day.
    const utc = dayBars(changes, at('2026-11-22T12:00'), 'UTC', 5);
    expect(utc.filter((b) => b.worst === 'major_outage').map((b) => b.date)).toEqual([
      '2026-11-21',
    ]);
  });

  it('counts a 25-hour day (end of daylight saving) by its real length, and has no data before the component existed', () => {
    const changes = [
      { state: 'operational' as const, at: at('2026-10-30T00:00') },
      { state: 'partial_outage' as const, at: at('2026-11-01T00:00') },
      { state: 'operational' as const, at: at('2026-11-01T05:00') },
    ];
    const bars = dayBars(changes, at('2026-11-02T06:00'), NY, 5);
    expect(bars[0]).toEqual({ date: '2026-10-29', worst: 'operational', uptime: null });
    const fallBack = bars.find((b) => b.date === '2026-11-01')!;
    expect(fallBack.worst).toBe('partial_outage');
    expect(fallBack.uptime).toBeCloseTo(1 - 6 / 25); // 00:00-05:00 local is six hours that night
    expect(bars.at(-1)!.uptime).toBe(1);
  });

  it('shows a maintenance window as under maintenance, not down, and lets a worse published state through', () => {
    const changes = [
      { state: 'operational' as const, at: at('2026-11-01T00:00') },
      { state: 'partial_outage' as const, at: at('2026-11-03T02:30') },
      { state: 'operational' as const, at: at('2026-11-03T03:00') },
    ];
    const windows = [
      { start: at('2026-10-20T00:00'), end: at('2026-10-20T02:00') }, // before the component existed
      { start: at('2026-11-02T01:00'), end: at('2026-11-02T05:00') },
      { start: at('2026-11-03T02:00'), end: at('2026-11-03T04:00') },
    ];
    const merged = withIntervals(changes, windows);
    expect(merged.map((c) => [c.state, new Date(c.at).toISOString()])).toEqual([
      ['operational', new Date(at('2026-11-01T00:00')).toISOString()],
      ['under_maintenance', new Date(at('2026-11-02T01:00')).toISOString()],
      ['operational', new Date(at('2026-11-02T05:00')).toISOString()],
      ['under_maintenance', new Date(at('2026-11-03T02:00')).toISOString()],
      ['partial_outage', new Date(at('2026-11-03T02:30')).toISOString()],
      ['under_maintenance', new Date(at('2026-11-03T03:00')).toISOString()],
      ['operational', new Date(at('2026-11-03T04:00')).toISOString()],
    ]);
    const bars = dayBars(merged, at('2026-11-04T12:00'), NY, 4);
    expect(bars.map((b) => [b.date, b.worst, b.uptime])).toEqual([
      ['2026-11-01', 'operational', 1],
      ['2026-11-02', 'under_maintenance', 1],
      ['2026-11-03', 'partial_outage', 1 - 0.5 / 24],
      ['2026-11-04', 'operational', 1],
    ]);
  });
});
