import { describe, expect, it } from 'vitest';
import {
  appendPage,
  emptyList,
  matches,
  mergeLoaded,
  mergeRow,
  splitLists,
  type ListFilter,
  type ListState,
} from '../../pwa/src/lib/feed-state';
import { summary } from './fakes';

const ME = 'u_me';
const open: ListFilter = { view: 'open', service: null, severity: null };
const T = 1_700_000_000_000;

const row = (id: string, createdAt: number, overrides: Parameters<typeof summary>[0] = {}) =>
  summary({ id, createdAt, updatedAt: createdAt, ...overrides });
const ids = (s: ListState) => s.rows.map((r) => r.id);
const loaded = (rows: ReturnType<typeof row>[], nextCursor: string | null = null) =>
  mergeLoaded(null, { rows, nextCursor });

describe('which rows a filter shows', () => {
  it('matches open, mine and resolved, then narrows by service and severity', () => {
    const mine = row('a', T, { status: 'acknowledged', assignees: [ME] });
    const theirs = row('b', T, {
      status: 'triggered',
      assignees: ['u_ann'],
      serviceId: 'svc_pay',
      severity: 'warning',
    });
    const done = row('c', T, { status: 'resolved' });

    expect([mine, theirs, done].filter((r) => matches(r, open, ME)).map((r) => r.id)).toEqual([
      'a',
      'b',
    ]);
    expect(
      [mine, theirs, done]
        .filter((r) => matches(r, { ...open, view: 'mine' }, ME))
        .map((r) => r.id),
    ).toEqual(['a']);
    expect(
      [mine, theirs, done]
        .filter((r) => matches(r, { ...open, view: 'resolved' }, ME))
        .map((r) => r.id),
    ).toEqual(['c']);
    expect(matches(theirs, { ...open, service: 'svc_pay' }, ME)).toBe(true);
    expect(matches(theirs, { ...open, service: 'svc_checkout' }, ME)).toBe(false);
    expect(matches(theirs, { ...open, severity: 'critical' }, ME)).toBe(false);
  });

  it('puts triggered incidents assigned to me under "Needs me" and everything else after', () => {
    const state = loaded([
      row('a', T + 2, { assignees: [ME] }),
      row('b', T + 1, { assignees: ['u_ann'] }),
      row('c', T, { assignees: [ME], status: 'acknowledged' }),
    ]);
    const { needsMe, rest } = splitLists(state, open, ME);
    expect(needsMe.map((r) => r.id)).toEqual(['a']);
    expect(rest.map((r) => r.id)).toEqual(['b', 'c']);
  });
});

describe('"Needs me" for the person being paged', () => {
  it('puts a triggered incident under "Needs me" for whoever is paged or holds a role, with nobody assigned', () => {
    const paged = row('a', T + 2, { assignees: [], paged: [ME, 'u_ann'] });
    const commanding = row('b', T + 1, {
      assignees: [],
      roles: { incident_commander: ME, scribe: null },
    });
    const elsewhere = row('c', T, { assignees: [], paged: ['u_ann'] });
    const { needsMe, rest } = splitLists(loaded([paged, commanding, elsewhere]), open, ME);
    expect(needsMe.map((r) => r.id)).toEqual(['a', 'b']);
    expect(rest.map((r) => r.id)).toEqual(['c']);
  });

  it('lets go of the people paged once someone acknowledges, but keeps it "mine" for its role holders', () => {
    const acked = row('a', T, {
      status: 'acknowledged',
      assignees: [],
      paged: [ME],
      roles: { incident_commander: 'u_ann' },
    });
    expect(splitLists(loaded([acked]), open, ME).needsMe).toEqual([]);
    expect(matches(acked, { ...open, view: 'mine' }, ME)).toBe(false);
    expect(matches(acked, { ...open, view: 'mine' }, 'u_ann')).toBe(true);
  });
});

describe('merging a row from the live feed', () => {
  it('adds a new incident at the top, newest first', () => {
    const state = mergeRow(loaded([row('a', T)]), row('b', T + 1000), open, ME);
    expect(ids(state)).toEqual(['b', 'a']);
  });

  it('replaces the row in place when its status changes, which moves it between "Needs me" and "All open"', () => {
    const before = loaded([row('a', T, { assignees: [ME] })]);
    expect(splitLists(before, open, ME).needsMe).toHaveLength(1);

    const after = mergeRow(
      before,
      row('a', T, { assignees: [ME], status: 'acknowledged', updatedAt: T + 5 }),
      open,
      ME,
    );
    expect(splitLists(after, open, ME).needsMe).toHaveLength(0);
    expect(splitLists(after, open, ME).rest.map((r) => r.status)).toEqual(['acknowledged']);
  });

  it('drops a row that no longer matches the filter (resolved, while showing open ones)', () => {
    const state = mergeRow(
      loaded([row('a', T), row('b', T - 1)]),
      row('a', T, { status: 'resolved', updatedAt: T + 5 }),
      open,
      ME,
    );
    expect(ids(state)).toEqual(['b']);
  });

  it('ignores a row that does not match the filter and changes nothing', () => {
    const state = loaded([row('a', T)]);
    expect(mergeRow(state, row('x', T + 1, { status: 'resolved' }), open, ME).rows).toBe(
      state.rows,
    );
  });

  it('never lets an older copy replace a newer one, nor bring back a row that has left', () => {
    let state = loaded([row('a', T, { updatedAt: T + 10, status: 'acknowledged' })]);
    state = mergeRow(state, row('a', T, { updatedAt: T + 5, status: 'triggered' }), open, ME);
    expect(state.rows[0]!.status).toBe('acknowledged');

    state = mergeRow(state, row('a', T, { updatedAt: T + 20, status: 'resolved' }), open, ME);
    state = mergeRow(state, row('a', T, { updatedAt: T + 15, status: 'acknowledged' }), open, ME);
    expect(ids(state)).toEqual([]);
  });

  it('leaves a row older than every loaded one to "Show more" when there are more pages', () => {
    const state = loaded([row('a', T)], 'cursor-1');
    expect(ids(mergeRow(state, row('old', T - 1000), open, ME))).toEqual(['a']);
    expect(ids(mergeRow({ ...state, nextCursor: null }, row('old', T - 1000), open, ME))).toEqual([
      'a',
      'old',
    ]);
  });

  it('returns the same state for a duplicate message', () => {
    const state = loaded([row('a', T)]);
    expect(mergeRow(state, row('a', T), open, ME).rows[0]).toEqual(state.rows[0]);
  });
});

describe('merging a fresh HTTP load (reconnect, fallback poll)', () => {
  it('replaces page 1, keeping any copy the feed delivered that is newer than the load', () => {
    const prev = mergeRow(
      loaded([row('a', T), row('b', T - 1)]),
      row('a', T, { status: 'acknowledged', updatedAt: T + 50 }),
      open,
      ME,
    );
    const next = mergeLoaded(prev, { rows: [row('a', T), row('c', T - 2)], nextCursor: null });
    expect(ids(next)).toEqual(['a', 'c']); // b left the list while the feed was down
    expect(next.rows[0]!.status).toBe('acknowledged');
  });

  it('keeps rows paged in with "Show more" below a refreshed page 1', () => {
    let state = loaded([row('a', T), row('b', T - 1)], 'c1');
    state = appendPage(state, { rows: [row('c', T - 2), row('d', T - 3)], nextCursor: null });
    expect(ids(state)).toEqual(['a', 'b', 'c', 'd']);

    const next = mergeLoaded(state, { rows: [row('e', T + 1), row('a', T)], nextCursor: 'c2' });
    expect(ids(next)).toEqual(['e', 'a', 'b', 'c', 'd']);
    expect(next.nextCursor).toBeNull();
  });

  it('does not resurrect from a stale load a row the feed already saw leave', () => {
    const prev = mergeRow(
      loaded([row('a', T)]),
      row('a', T, { status: 'resolved', updatedAt: T + 9 }),
      open,
      ME,
    );
    expect(ids(mergeLoaded(prev, { rows: [row('a', T)], nextCursor: null }))).toEqual([]);
  });

  it('starts from nothing when there is no previous state', () => {
    expect(mergeLoaded(null, { rows: [], nextCursor: null })).toEqual(emptyList);
  });
});
