import { describe, expect, it } from 'vitest';
import type { Incident, TimelineEntry } from '../../schema/incident';
import { zoneOf } from '../../worker/oncall/zone';
import { csvField, csvRow } from '../../worker/review/csv';
import { humanDuration } from '../../worker/review/duration';
import { buildFacts } from '../../worker/review/facts';
import { isoWeek, offsetSegments } from '../../worker/review/hours';

const MIN = 60_000;

describe('review building blocks', () => {
  it('says durations the way a responder would', () => {
    expect(
      [45_000, 4 * MIN, 4 * MIN + 30_000, 65 * MIN, 3_599_600, 26 * 60 * MIN, 48 * 60 * MIN].map(
        humanDuration,
      ),
    ).toEqual(['45 s', '4 min', '4 min 30 s', '1 h 5 min', '1 h', '1 d 2 h', '2 d']);
  });

  it('quotes CSV fields only when needed and defuses spreadsheet formulas', () => {
    expect(csvRow(['plain', 'a,b', 'say "hi"', 'two\nlines', 42, null, true])).toBe(
      'plain,"a,b","say ""hi""","two\nlines",42,,true\r\n',
    );
    expect(['=1+1', '+1', '-1', '@SUM(A1)'].map(csvField)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
    ]);
    expect(csvField(-1)).toBe('-1');
  });

  it('labels ISO weeks across year ends the way ISO 8601 does', () => {
    const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
    expect(isoWeek(dayOf('2020-12-28'))).toEqual({ week: '2020-W53', weekStart: '2020-12-28' });
    expect(isoWeek(dayOf('2024-12-30'))).toEqual({ week: '2025-W01', weekStart: '2024-12-30' });
    expect(isoWeek(dayOf('2021-01-04'))).toEqual({ week: '2021-W01', weekStart: '2021-01-04' });
  });

  it('finds a zone’s DST transitions to the millisecond, so working hours stay local all year', () => {
    const berlin = zoneOf('Europe/Berlin');
    const segments = offsetSegments(
      berlin,
      Date.parse('2021-01-01T00:00:00Z'),
      Date.parse('2022-01-01T00:00:00Z'),
    );
    expect(segments).toEqual([
      { start: Date.parse('2021-01-01T00:00:00Z'), offsetMs: 60 * MIN },
      { start: Date.parse('2021-03-28T01:00:00Z'), offsetMs: 120 * MIN },
      { start: Date.parse('2021-10-31T01:00:00Z'), offsetMs: 60 * MIN },
    ]);
    expect(offsetSegments(null, 0, 400 * 86_400_000)).toEqual([{ start: 0, offsetMs: 0 }]);
  });

  it('takes only the first page and the first delivery as key moments, and counts paged users as participants', () => {
    const t = Date.parse('2025-03-04T09:00:00Z');
    const system = { kind: 'system' as const, id: 'firebell', name: 'Firebell' };
    const entry = (
      seq: number,
      kind: TimelineEntry['kind'],
      minutes: number,
      data?: Record<string, unknown>,
    ): TimelineEntry => ({ seq, kind, at: t + minutes * MIN, actor: system, text: kind, data });
    const incident = {
      id: 'inc_1',
      number: 1,
      title: 'x',
      serviceId: null,
      severity: 'critical',
      status: 'triggered',
      assignees: ['usr_c'],
      roles: { incident_commander: null },
      createdAt: t,
      acknowledgedAt: null,
      resolvedAt: null,
      escalationLevel: 1,
      lastSeq: 6,
    } as unknown as Incident;
    const facts = buildFacts(
      {
        incident,
        alerts: [],
        timeline: [
          entry(1, 'created', 0),
          entry(2, 'escalated', 0, { level: 1, userIds: ['usr_a', 'usr_b'] }),
          entry(3, 'notification_sent', 0, { userId: 'usr_a' }),
          entry(4, 'notification_sent', 0, { userId: 'usr_b' }),
          entry(5, 'notification_delivered', 1, { userId: 'usr_b' }),
          entry(6, 'notification_delivered', 2, { userId: 'usr_a' }),
        ],
      },
      { usr_a: 'Ana', usr_b: 'Ben', usr_c: 'Cleo' },
      t,
    );
    expect(facts.keyMoments.map((m) => [m.kind, m.offsetMs])).toEqual([
      ['triggered', 0],
      ['escalated', 0],
      ['first_page', 0],
      ['first_delivered', MIN],
    ]);
    expect(facts.participants).toEqual([
      { id: 'usr_a', name: 'Ana', roles: ['paged'] },
      { id: 'usr_b', name: 'Ben', roles: ['paged'] },
      { id: 'usr_c', name: 'Cleo', roles: ['assignee'] },
    ]);
    expect(facts.timeToAcknowledge).toBeNull();
  });
});
