import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  acceptInvite,
  ackWithToken,
  getSession,
  listIncidents,
  runCommand,
  setUnauthorizedHandler,
} from '../../pwa/src/lib/api';
import { json, problem, stubFetch } from './fakes';

afterEach(() => setUnauthorizedHandler(null));

describe('the API client', () => {
  it('turns a problem+json answer into an ApiError carrying its detail, status and code', async () => {
    stubFetch({
      'POST /api/incidents/inc_1/acknowledge': () =>
        problem(409, 'Incident #4 is already resolved; reopen it first.'),
    });

    const err = await runCommand('inc_1', 'acknowledge', {}).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 409,
      code: 'conflict',
      detail: 'Incident #4 is already resolved; reopen it first.',
    });
  });

  it('sends a fresh Idempotency-Key with every POST unless the caller supplies one', async () => {
    const calls = stubFetch({ 'POST /api/incidents/inc_1/notes': () => json({ incident: {} }) });

    await runCommand('inc_1', 'notes', { text: 'a' });
    await runCommand('inc_1', 'notes', { text: 'a' });
    await runCommand('inc_1', 'notes', { text: 'a' }, { idempotencyKey: 'mine' });

    const keys = calls.map((c) => c.headers.get('idempotency-key'));
    expect(new Set(keys).size).toBe(3);
    expect(keys[2]).toBe('mine');
  });

  it('builds the incident list query from the filter it is given', async () => {
    const calls = stubFetch({
      'GET /api/incidents': () => json({ incidents: [], nextCursor: null }),
    });

    await listIncidents({ status: ['triggered', 'acknowledged'], assignee: 'me', cursor: 'c2' });

    expect(Object.fromEntries(calls[0]!.url.searchParams)).toEqual({
      status: 'triggered,acknowledged',
      assignee: 'me',
      limit: '50',
      cursor: 'c2',
    });
    expect(calls[0]!.init.credentials).toBe('same-origin');
  });

  it('reports a network failure as an ApiError with status 0 and a readable detail', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));

    await expect(getSession()).rejects.toMatchObject({
      status: 0,
      code: 'network',
      detail: expect.stringMatching(/connection|offline/),
    });
  });

  it('falls back to a status line when an error is not problem+json', async () => {
    stubFetch({
      'GET /api/auth/session': () =>
        new Response('<h1>Bad gateway</h1>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'content-type': 'text/html' },
        }),
    });

    await expect(getSession()).rejects.toMatchObject({
      status: 502,
      detail: 'Request failed (502 Bad Gateway).',
    });
  });

  it('reports a lost session on any 401 except from sign-in and the action-token routes', async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    stubFetch({
      'GET /api/incidents': () => problem(401, 'Sign in first.', 'unauthorized'),
      'POST /api/auth/accept': () => problem(401, 'Invite not valid.', 'unauthorized'),
    });

    await listIncidents({}).catch(() => undefined);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);

    await acceptInvite('t').catch(() => undefined);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);

    // An expired action token says nothing about the session.
    stubFetch({
      'POST /api/push/ack': () =>
        problem(401, 'This action token is invalid or has expired.', 'unauthorized'),
    });
    await ackWithToken('t', 'inc_1', 'ack:1').catch(() => undefined);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});
