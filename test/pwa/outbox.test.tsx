import { act, renderHook } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { enqueue, flush, queued, startOutbox, useOutbox } from '../../pwa/src/lib/outbox';
import { incident, json, problem, stubFetch } from './fakes';

const command = (key: string, path = '/api/incidents/inc_1/notes') => ({
  key,
  incidentId: 'inc_1',
  path,
  body: { text: key },
  label: `Note ${key}`,
  done: 'Note added.',
});

describe('the offline outbox', () => {
  it('keeps commands on the device in order and replays them with their own Idempotency-Keys', async () => {
    const calls = stubFetch({
      'POST /api/incidents/inc_1/notes': () => json({ incident: incident() }),
    });
    enqueue(command('k1'));
    enqueue(command('k2'));
    enqueue(command('k1')); // the same intent twice is kept once

    expect(JSON.parse(localStorage.getItem('firebell.outbox')!)).toHaveLength(2);
    await flush();

    expect(calls.map((c) => [c.headers.get('idempotency-key'), c.body])).toEqual([
      ['k1', { text: 'k1' }],
      ['k2', { text: 'k2' }],
    ]);
    expect(queued()).toEqual([]);
    expect(localStorage.getItem('firebell.outbox')).toBeNull();
  });

  it('stops at the first command that still cannot reach the server, keeping it and everything after it', async () => {
    let up = false;
    const calls = stubFetch({
      'POST /api/incidents/inc_1/notes': () =>
        up ? json({ incident: incident() }) : Promise.reject(new TypeError('Failed to fetch')),
    });
    enqueue(command('k1'));
    enqueue(command('k2'));

    await flush();
    expect(calls).toHaveLength(1);
    expect(queued().map((c) => c.key)).toEqual(['k1', 'k2']);

    up = true;
    const stop = startOutbox(); // the app starting up, online, replays what was left
    await vi.waitFor(() => expect(queued()).toEqual([]));
    expect(calls.map((c) => c.headers.get('idempotency-key'))).toEqual(['k1', 'k1', 'k2']);
    stop();
  });

  it('drops a command the server refuses and says why, without holding up the rest', async () => {
    stubFetch({
      'POST /api/incidents/inc_1/resolve': () => problem(409, 'Incident #4 is already resolved.'),
      'POST /api/incidents/inc_1/notes': () => json({ incident: incident() }),
    });
    const onSettled = vi.fn();
    const { result } = renderHook(() => useOutbox('inc_1', onSettled));
    act(() => {
      enqueue({ ...command('k1', '/api/incidents/inc_1/resolve'), label: 'Resolve' });
      enqueue(command('k2'));
    });
    expect(result.current.map((c) => c.label)).toEqual(['Resolve', 'Note k2']);

    await act(() => flush());

    expect(
      onSettled.mock.calls.map(([s]) =>
        s.ok ? `${s.command.label}: ok` : `${s.command.label}: ${s.error.detail}`,
      ),
    ).toEqual(['Resolve: Incident #4 is already resolved.', 'Note k2: ok']);
    expect(result.current).toEqual([]);
    expect(queued()).toEqual([]);
  });
});
