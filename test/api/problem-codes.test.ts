import { env } from 'cloudflare:test';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app';
import { api, createUser, json, openIncident, type TestUser } from '../helpers';

type Problem = { type: string; title: string; status: number; detail: string; code: string };

let ana: TestUser;
let incidentId: string;
beforeAll(async () => {
  ana = await createUser('Ana');
  incidentId = (await openIncident(ana)).id;
});

describe('a WebSocket route asked over plain HTTP', () => {
  it.each([
    ['the incident list feed', () => '/api/feed/live'],
    ['an incident live room', () => `/api/incidents/${incidentId}/live`],
  ])(
    'answers a request to %s without an upgrade with 426 problem+json that says to connect with WebSocket',
    async (_name, path) => {
      const res = await api(path(), { headers: ana.auth });
      expect(res.status).toBe(426);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('upgrade')).toBe('websocket');
      const problem = await json<Problem>(res);
      expect(problem).toMatchObject({
        status: 426,
        code: 'upgrade-required',
        type: 'https://firebell.dev/problems/upgrade-required',
        title: 'Upgrade required',
      });
      expect(problem.detail).toMatch(/Upgrade: websocket/);
    },
  );
});

/**
 * Hono's own middleware throws HTTPException; the app's one error exit must keep each status and name it honestly.
 * The app is Firebell's own (createApp), with routes that use Hono's middleware as a future route would.
 */
describe('errors thrown by the framework', () => {
  const app = createApp();
  app.get('/test/bearer', bearerAuth({ token: 'right' }), (c) => c.text('in'));
  app.post('/test/small', bodyLimit({ maxSize: 8 }), (c) => c.text('taken'));
  app.delete('/test/method', () => {
    throw new HTTPException(405, { message: 'DELETE is not allowed here; archive instead.' });
  });
  app.get('/test/gateway', () => {
    throw new HTTPException(504, { message: 'upstream db-7 timed out after 30s' });
  });
  const request = (path: string, init?: RequestInit) => app.request(path, init, env);

  it('keeps a middleware 401 as unauthorized, with its WWW-Authenticate challenge', async () => {
    const res = await request('/test/bearer', { headers: { authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await json<Problem>(res)).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('keeps a middleware 413 as payload-too-large', async () => {
    const res = await request('/test/small', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'more than eight bytes' }),
    });
    expect(res.status).toBe(413);
    const problem = await json<Problem>(res);
    expect(problem).toMatchObject({ status: 413, code: 'payload-too-large' });
    expect(problem.title).toBe('Payload too large');
    expect(problem.detail).not.toBe('');
  });

  it('keeps a 405 as method-not-allowed, with the message that says what to do', async () => {
    const res = await request('/test/method', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(await json<Problem>(res)).toMatchObject({
      status: 405,
      code: 'method-not-allowed',
      title: 'Method not allowed',
      detail: 'DELETE is not allowed here; archive instead.',
    });
  });

  it('keeps a 5xx status but tells the client nothing of the internal message', async () => {
    const res = await request('/test/gateway');
    expect(res.status).toBe(504);
    const problem = await json<Problem>(res);
    expect(problem).toMatchObject({ status: 504, code: 'unavailable' });
    expect(problem.detail).not.toMatch(/db-7/);
  });
});
