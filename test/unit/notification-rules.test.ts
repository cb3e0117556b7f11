import { describe, expect, it } from 'vitest';
import type { NotificationRules } from '../../schema/contact-schemas';
import {
  DEFAULT_RULES,
  nextWorkingMoment,
  planSteps,
  rulesProblem,
  stillOwed,
  urgencyOf,
} from '../../worker/notify/rules';

const at = (iso: string) => Date.parse(iso);
const weekdays = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };

describe('notification rules', () => {
  it('takes urgency from severity: critical and error are high, warning and info low', () => {
    expect(['critical', 'error', 'warning', 'info'].map((s) => urgencyOf(s as never))).toEqual([
      'high',
      'high',
      'low',
      'low',
    ]);
  });

  it('by default pushes the moment someone is paged and emails three minutes later', () => {
    const paged = at('2026-12-01T03:00:00Z');
    expect(planSteps(DEFAULT_RULES, 'high', paged)).toEqual([
      { index: 0, channel: 'push', at: paged, deferred: false },
      { index: 1, channel: 'email', at: paged + 180_000, deferred: false },
    ]);
  });

  it('orders steps by when they are due, whatever order they were written in', () => {
    const rules: NotificationRules = {
      ...DEFAULT_RULES,
      high: [
        { afterMinutes: 5, channel: 'email' },
        { afterMinutes: 0, channel: 'push' },
        { afterMinutes: 2, channel: 'email' },
      ],
    };
    expect(planSteps(rules, 'high', 0).map((s) => [s.channel, s.at / 60_000])).toEqual([
      ['push', 0],
      ['email', 2],
      ['email', 5],
    ]);
  });

  it('keeps running until acknowledged, resolved, or reassigned away from the person', () => {
    expect(stillOwed({ status: 'triggered', assignees: [] }, 'ana')).toBe(true);
    expect(stillOwed({ status: 'acknowledged', assignees: [] }, 'ana')).toBe(false);
    expect(stillOwed({ status: 'resolved', assignees: [] }, 'ana')).toBe(false);
    expect(stillOwed({ status: 'triggered', assignees: ['ben'] }, 'ana')).toBe(false);
    expect(stillOwed({ status: 'triggered', assignees: ['ben', 'ana'] }, 'ana')).toBe(true);
  });

  it('never defers high urgency, even outside working hours', () => {
    const rules = { ...DEFAULT_RULES, workingHours: { timeZone: 'Europe/Lisbon', ...weekdays } };
    const night = at('2026-12-05T02:00:00Z'); // a Saturday night
    expect(planSteps(rules, 'high', night)[0]!.at).toBe(night);
  });

  it('sends low urgency inside working hours at once', () => {
    const rules = { ...DEFAULT_RULES, workingHours: { timeZone: 'Europe/Lisbon', ...weekdays } };
    const tuesday = at('2026-12-01T10:30:00Z');
    expect(planSteps(rules, 'low', tuesday)[0]).toEqual({
      index: 0,
      channel: 'push',
      at: tuesday,
      deferred: false,
    });
  });

  it('defers low urgency on a Friday evening to Monday 09:00 in the person’s zone, not dropping it', () => {
    const rules = { ...DEFAULT_RULES, workingHours: { timeZone: 'Asia/Tokyo', ...weekdays } };
    const friday = at('2026-12-04T12:00:00Z'); // 21:00 in Tokyo
    const [push, mail] = planSteps(rules, 'low', friday);
    expect(push).toMatchObject({ at: at('2026-12-07T00:00:00Z'), deferred: true }); // Mon 09:00 JST
    expect(mail!.at).toBe(at('2026-12-07T00:00:00Z'));
  });

  it('lands on 09:00 local across the spring DST change (Lisbon and New York)', () => {
    const lisbon = { timeZone: 'Europe/Lisbon', ...weekdays };
    // Saturday 28 March 2026, 23:00 WET; clocks go forward that night; Monday 09:00 WEST is 08:00 UTC.
    expect(nextWorkingMoment(lisbon, at('2026-03-28T23:00:00Z'))).toBe(at('2026-03-30T08:00:00Z'));
    const newYork = { timeZone: 'America/New_York', ...weekdays };
    // Friday 6 March 2026, 20:00 EST; DST starts Sunday 8 March; Monday 09:00 EDT is 13:00 UTC.
    expect(nextWorkingMoment(newYork, at('2026-03-07T01:00:00Z'))).toBe(at('2026-03-09T13:00:00Z'));
  });

  it('lands on 09:00 local across the autumn DST change', () => {
    const lisbon = { timeZone: 'Europe/Lisbon', ...weekdays };
    // Friday 23 October 2026, 18:00 WEST; clocks go back on Sunday; Monday 09:00 WET is 09:00 UTC.
    expect(nextWorkingMoment(lisbon, at('2026-10-23T17:00:00Z'))).toBe(at('2026-10-26T09:00:00Z'));
  });

  it('waits for today’s start when paged before it on a working day', () => {
    const berlin = { timeZone: 'Europe/Berlin', ...weekdays };
    // Wednesday 06:00 CET → 09:00 CET the same day.
    expect(nextWorkingMoment(berlin, at('2026-12-02T05:00:00Z'))).toBe(at('2026-12-02T08:00:00Z'));
  });

  it('refuses rules that tell nobody, an unknown zone, or hours that end before they start', () => {
    expect(rulesProblem({ ...DEFAULT_RULES, low: [] })).toMatch(/low urgency needs/);
    expect(
      rulesProblem({ ...DEFAULT_RULES, workingHours: { timeZone: 'Mars/Olympus', ...weekdays } }),
    ).toMatch(/unknown time zone/);
    expect(
      rulesProblem({
        ...DEFAULT_RULES,
        workingHours: { timeZone: 'UTC', days: [1], start: '17:00', end: '09:00' },
      }),
    ).toMatch(/start must be before end/);
    expect(rulesProblem(DEFAULT_RULES)).toBeNull();
  });
});
