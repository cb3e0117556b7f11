import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { windowInputSchema, type WindowSchedule } from '../../schema/maintenance-schemas';
import { activeAt, occurrences } from '../../worker/oncall/maintenance';

const H = 3_600_000;
const weeklyBerlin: WindowSchedule = {
  type: 'rrule',
  rule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=3;BYMINUTE=0',
  timeZone: 'Europe/Berlin',
  durationMinutes: 60,
  from: Date.UTC(2026, 2, 1),
  until: null,
};

describe('maintenance window occurrences', () => {
  it('keeps a weekly Sunday 03:00 window at 03:00 Berlin time on both sides of the spring DST change', () => {
    const starts = occurrences(weeklyBerlin, Date.UTC(2026, 2, 20), Date.UTC(2026, 3, 6)).map((o) =>
      new Date(o.start).toISOString(),
    );
    // 22 March CET (UTC+1), 29 March the change itself (03:00 CEST exists), 5 April CEST (UTC+2).
    expect(starts).toEqual([
      '2026-03-22T02:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-04-05T01:00:00.000Z',
    ]);
  });

  it('keeps it at 03:00 in autumn too, and cuts the occurrence in progress when ended early', () => {
    const start = Date.UTC(2026, 10, 1, 2); // 1 November 03:00 CET
    expect(activeAt(weeklyBerlin, start + 30 * 60_000)).toEqual({ start, end: start + H });
    expect(activeAt(weeklyBerlin, start + 30 * 60_000, start + 10 * 60_000)).toBeNull();
    // Ended early, the series carries on the next Sunday.
    expect(activeAt(weeklyBerlin, start + 7 * 24 * H + 60_000, start + 10 * 60_000)?.start).toBe(
      start + 7 * 24 * H,
    );
  });

  it('accepts every JSON example in docs/maintenance.md that is a window', () => {
    const doc = readFileSync('docs/maintenance.md', 'utf8');
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? ''));
    const windows = blocks.filter((b) => 'schedule' in b);
    expect(windows.length).toBe(3);
    for (const w of windows) expect(windowInputSchema.safeParse(w).success).toBe(true);
  });
});
