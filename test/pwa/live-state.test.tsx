import { describe, expect, it } from 'vitest';
import {
  applyLive,
  backoffDelay,
  emptyLiveState,
  newestRunStart,
  resumeSince,
} from '../../pwa/src/lib/live-state';
import type { LiveState } from '../../pwa/src/lib/live-state';
import { entry, incident } from './fakes';

const seqs = (s: LiveState) => s.timeline.map((e) => e.seq);

function snapshotOf(lastSeq: number, since = 0): LiveState {
  const timeline = Array.from({ length: lastSeq - since }, (_, i) => entry(since + i + 1));
  return applyLive(emptyLiveState, {
    type: 'snapshot',
    incident: incident({ lastSeq }),
    timeline,
    since,
    viewers: [],
  });
}

describe('applying live messages', () => {
  it('takes the incident, timeline and viewers from a snapshot and appends later events in seq order', () => {
    let s = applyLive(emptyLiveState, {
      type: 'snapshot',
      incident: incident({ lastSeq: 2 }),
      timeline: [entry(1), entry(2)],
      since: 0,
      viewers: [{ id: 'u_ann', name: 'Ann' }],
    });
    s = applyLive(s, {
      type: 'event',
      entry: entry(3),
      incident: incident({ lastSeq: 3, status: 'acknowledged' }),
    });

    expect(seqs(s)).toEqual([1, 2, 3]);
    expect(s.lastSeq).toBe(3);
    expect(s.incident?.status).toBe('acknowledged');
    expect(s.viewers).toEqual([{ id: 'u_ann', name: 'Ann' }]);
  });

  it('drops an event whose seq it already holds, however many times it is replayed', () => {
    let s = snapshotOf(3);
    const before = s;
    s = applyLive(s, {
      type: 'event',
      entry: entry(3, { text: 'replayed' }),
      incident: incident({ lastSeq: 3 }),
    });
    s = applyLive(s, { type: 'event', entry: entry(2), incident: incident({ lastSeq: 2 }) });

    expect(seqs(s)).toEqual([1, 2, 3]);
    expect(s.timeline[2]?.text).toBe('entry 3');
    expect(s.timeline).toBe(before.timeline);
  });

  it('merges a resumed snapshot that overlaps what it already has without duplicating entries', () => {
    let s = snapshotOf(3);
    s = applyLive(s, {
      type: 'snapshot',
      incident: incident({ lastSeq: 5 }),
      timeline: [entry(3), entry(4), entry(5)],
      since: 2,
      viewers: [],
    });

    expect(seqs(s)).toEqual([1, 2, 3, 4, 5]);
    expect(s.lastSeq).toBe(5);
  });

  it('puts an out-of-order entry where its seq belongs', () => {
    let s = applyLive(emptyLiveState, {
      type: 'event',
      entry: entry(4),
      incident: incident({ lastSeq: 4 }),
    });
    s = applyLive(s, {
      type: 'loaded',
      incident: incident({ lastSeq: 3 }),
      timeline: [entry(1), entry(2), entry(3)],
    });

    expect(seqs(s)).toEqual([1, 2, 3, 4]);
    expect(s.lastSeq).toBe(4);
  });

  it('replaces a running entry in place when the server rewrites it', () => {
    let s = snapshotOf(2);
    s = applyLive(s, {
      type: 'entry_updated',
      entry: entry(2, {
        kind: 'duplicate_suppressed',
        text: '7 duplicates suppressed',
        data: { count: 7 },
      }),
      incident: incident({ lastSeq: 2 }),
    });

    expect(seqs(s)).toEqual([1, 2]);
    expect(s.timeline[1]?.text).toBe('7 duplicates suppressed');
  });

  it('never rolls the incident back to an older copy that arrives late', () => {
    let s = applyLive(emptyLiveState, {
      type: 'incident',
      incident: incident({ lastSeq: 6, status: 'resolved' }),
    });
    s = applyLive(s, {
      type: 'event',
      entry: entry(5),
      incident: incident({ lastSeq: 5, status: 'acknowledged' }),
    });

    expect(s.incident?.status).toBe('resolved');
    expect(seqs(s)).toEqual([5]);
  });

  it('keeps who is viewing when an HTTP load arrives, and updates it on presence', () => {
    let s = applyLive(emptyLiveState, {
      type: 'snapshot',
      incident: incident(),
      timeline: [entry(1)],
      since: 0,
      viewers: [{ id: 'a', name: 'A' }],
    });
    s = applyLive(s, { type: 'loaded', incident: incident(), timeline: [entry(1)] });
    expect(s.viewers).toEqual([{ id: 'a', name: 'A' }]);

    s = applyLive(s, { type: 'presence', viewers: [] });
    expect(s.viewers).toEqual([]);
  });

  it('applies a successful command result and ignores a failed one', () => {
    const ok = applyLive(emptyLiveState, {
      type: 'result',
      id: 'c1',
      ok: true,
      incident: incident({ status: 'acknowledged', lastSeq: 2 }),
    });
    const failed = applyLive(ok, {
      type: 'result',
      id: 'c2',
      ok: false,
      problem: { type: 't', title: 'Conflict', status: 409, detail: 'no', code: 'conflict' },
    });

    expect(ok.incident?.status).toBe('acknowledged');
    expect(failed).toBe(ok);
  });

  it('ignores a message type it does not know instead of breaking', () => {
    const s = snapshotOf(1);
    expect(applyLive(s, { type: 'from_the_future' } as never)).toBe(s);
  });
});

describe('resuming and backing off', () => {
  it('resumes one entry before the last seq it saw, so a rewrite made while away comes back', () => {
    expect(resumeSince(emptyLiveState)).toBe(0);
    expect(resumeSince(snapshotOf(1))).toBe(0);
    expect(resumeSince(snapshotOf(9))).toBe(8);
  });

  it('doubles the reconnect delay per attempt, jitters it, and never waits more than thirty seconds', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 0)).toBe(2000);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(50, () => 1)).toBe(30_000);
    expect(backoffDelay(50, () => 0)).toBe(15_000);
  });
});

describe('resuming after a storm', () => {
  it('folds the backlog pages that follow a resumed snapshot into one unbroken timeline, so the next resume starts after them', () => {
    const page = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => entry(from + i));
    let s = snapshotOf(10);
    s = applyLive(s, {
      type: 'snapshot',
      incident: incident({ lastSeq: 1200 }),
      timeline: page(10, 509),
      since: 9,
      earlier: null,
      more: true,
      viewers: [],
    });
    s = applyLive(s, { type: 'backlog', timeline: page(510, 1009), more: true });
    s = applyLive(s, { type: 'backlog', timeline: page(1010, 1200), more: false });

    expect(seqs(s)).toEqual(page(1, 1200).map((e) => e.seq));
    expect(newestRunStart(s.timeline)).toBe(0);
    expect(resumeSince(s)).toBe(1199);
  });
});
