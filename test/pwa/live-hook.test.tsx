import { act, renderHook } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useLiveIncident } from '../../pwa/src/lib/live';
import { FakeWebSocket, entry, incident } from './fakes';

const snapshot = (lastSeq: number, since: number) => ({
  type: 'snapshot' as const,
  incident: incident({ lastSeq }),
  timeline: Array.from({ length: lastSeq - since }, (_, i) => entry(since + i + 1)),
  since,
  viewers: [],
});

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0); // backoff at its floor: 250 ms, then 500 ms, …
  FakeWebSocket.install();
});

describe('useLiveIncident', () => {
  it('connects to the incident room with since=0 and reports live only once the snapshot arrives', () => {
    const { result } = renderHook(() => useLiveIncident('inc_1'));
    const ws = FakeWebSocket.last;

    expect(ws.url).toBe(`ws://${location.host}/api/incidents/inc_1/live?since=0`);
    act(() => ws.open());
    expect(result.current.connection).toBe('connecting');

    act(() => ws.receive(snapshot(2, 0)));
    expect(result.current.connection).toBe('live');
    expect(result.current.timeline.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('reconnects after a drop, resumes from what it has seen, and shows every entry exactly once', () => {
    const { result } = renderHook(() => useLiveIncident('inc_1'));
    const first = FakeWebSocket.last;
    act(() => {
      first.open();
      first.receive(snapshot(3, 0));
      first.receive({ type: 'event', entry: entry(4), incident: incident({ lastSeq: 4 }) });
      first.drop();
    });
    expect(result.current.connection).toBe('reconnecting');

    act(() => void vi.advanceTimersByTime(249));
    expect(FakeWebSocket.all).toHaveLength(1);
    act(() => void vi.advanceTimersByTime(1));
    const second = FakeWebSocket.last;
    expect(second).not.toBe(first);
    expect(second.since).toBe(3);

    act(() => {
      second.open();
      second.receive(snapshot(6, 3)); // re-sends 4, which we already have
      second.receive({ type: 'event', entry: entry(6), incident: incident({ lastSeq: 6 }) }); // a late duplicate
    });
    expect(result.current.connection).toBe('live');
    expect(result.current.timeline.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('waits longer after each attempt that fails before a snapshot', () => {
    renderHook(() => useLiveIncident('inc_1'));
    act(() => FakeWebSocket.last.drop());
    act(() => void vi.advanceTimersByTime(250));
    expect(FakeWebSocket.all).toHaveLength(2);

    act(() => FakeWebSocket.last.drop());
    act(() => void vi.advanceTimersByTime(499));
    expect(FakeWebSocket.all).toHaveLength(2);
    act(() => void vi.advanceTimersByTime(1));
    expect(FakeWebSocket.all).toHaveLength(3);
  });

  it('reconnects at once, without waiting out the backoff, when the page becomes visible again', () => {
    renderHook(() => useLiveIncident('inc_1'));
    act(() => FakeWebSocket.last.drop());
    expect(FakeWebSocket.all).toHaveLength(1);

    act(() => void document.dispatchEvent(new Event('visibilitychange')));
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it('gives up a socket when the network goes, and resumes on a fresh one as soon as it is back', () => {
    const online = vi.spyOn(navigator, 'onLine', 'get');
    const { result } = renderHook(() => useLiveIncident('inc_1'));
    const first = FakeWebSocket.last;
    act(() => {
      first.open();
      first.receive(snapshot(3, 0));
    });

    online.mockReturnValue(false);
    act(() => void window.dispatchEvent(new Event('offline')));
    expect(result.current.connection).toBe('offline');
    // A message from the abandoned socket (it may not know it is dead) changes nothing.
    act(() =>
      first.receive({ type: 'event', entry: entry(9), incident: incident({ lastSeq: 9 }) }),
    );
    expect(result.current.timeline.map((e) => e.seq)).toEqual([1, 2, 3]);
    act(() => void vi.advanceTimersByTime(60_000));
    expect(FakeWebSocket.all).toHaveLength(1);

    online.mockReturnValue(true);
    act(() => void window.dispatchEvent(new Event('online')));
    const second = FakeWebSocket.last;
    expect(second).not.toBe(first);
    expect(second.since).toBe(2);
    act(() => {
      second.open();
      second.receive(snapshot(4, 2));
    });
    expect(result.current.connection).toBe('live');
    expect(result.current.timeline.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('pings on open and every twenty-five seconds while the room answers', () => {
    renderHook(() => useLiveIncident('inc_1'));
    const ws = FakeWebSocket.last;
    act(() => {
      ws.open();
      ws.receive(snapshot(1, 0));
    });
    for (let i = 0; i < 2; i++) {
      act(() => ws.receive({ type: 'pong' }));
      act(() => void vi.advanceTimersByTime(25_000));
    }
    act(() => ws.receive({ type: 'pong' }));
    expect(ws.sent).toEqual([{ type: 'ping' }, { type: 'ping' }, { type: 'ping' }]);
    expect(ws.readyState).toBe(FakeWebSocket.OPEN);
  });

  it('gives up on a socket whose ping goes unanswered (a tunnel) and resumes on a fresh one', () => {
    const { result } = renderHook(() => useLiveIncident('inc_1'));
    const first = FakeWebSocket.last;
    act(() => {
      first.open();
      first.receive(snapshot(3, 0));
      first.receive({ type: 'pong' });
    });
    act(() => void vi.advanceTimersByTime(25_000 + 10_000 - 1));
    expect(first.readyState).toBe(FakeWebSocket.OPEN);
    act(() => void vi.advanceTimersByTime(1));
    expect(first.readyState).toBe(FakeWebSocket.CLOSED);
    expect(result.current.connection).toBe('reconnecting');

    act(() => void vi.advanceTimersByTime(250));
    const second = FakeWebSocket.last;
    expect(second).not.toBe(first);
    expect(second.since).toBe(2);
  });

  it('closes its socket when the page goes away and never reconnects', () => {
    const { unmount } = renderHook(() => useLiveIncident('inc_1'));
    const ws = FakeWebSocket.last;
    act(() => ws.open());
    unmount();
    act(() => void vi.advanceTimersByTime(60_000));

    expect(ws.readyState).toBe(FakeWebSocket.CLOSED);
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it('does not connect at all when given no incident id', () => {
    renderHook(() => useLiveIncident(null));
    expect(FakeWebSocket.all).toHaveLength(0);
  });
});
