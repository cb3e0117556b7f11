import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE, api, createUser, json, openIncident, type TestUser } from '../helpers';

let ana: TestUser;
let incidentId: string;
beforeAll(async () => {
  ana = await createUser('Ana');
  incidentId = (await openIncident(ana)).id;
});

type Problem = { type: string; title: string; status: number; detail: string; code: string };

describe('bad input at the edge', () => {
  it('answers a body that fails validation with 400 problem+json naming the field', async () => {
    const res = await api('/api/incidents', {
      body: { title: '', severity: 'apocalyptic' },
      headers: ana.auth,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const p = await json<Problem>(res);
    expect(p.code).toBe('validation');
    expect(p.detail).toMatch(/title/);
    expect(p.detail).toMatch(/severity/);
  });

  it('takes titles of up to 1,024 characters, as long as an alert summary may be, and names the field beyond', async () => {
    const long = 'Checkout p99 above 2s in eu-west '.repeat(40).slice(0, 1024);
    expect(
      (
        await json<{ incident: { title: string } }>(
          api('/api/incidents', { body: { title: long }, headers: ana.auth }),
          201,
        )
      ).incident.title,
    ).toBe(long);
    const res = await api('/api/incidents', { body: { title: `${long}!` }, headers: ana.auth });
    expect(res.status).toBe(400);
    expect((await json<Problem>(res)).detail).toMatch(/title/);
  });

  it('rejects unknown fields instead of silently ignoring them', async () => {
    const res = await api(`/api/incidents/${incidentId}/notes`, {
      body: { text: 'hi', colour: 'red' },
      headers: ana.auth,
    });
    expect(res.status).toBe(400);
    expect((await json<Problem>(res)).detail).toMatch(/colour/);
  });

  it('answers malformed JSON with 400 and a detail that says so', async () => {
    const bad = await fetchRaw(
      `/api/incidents/${incidentId}/notes`,
      '{"text": ',
      'application/json',
    );
    expect(bad.status).toBe(400);
    expect((await json<Problem>(bad)).detail).toMatch(/JSON/i);
  });

  it('answers a body over the limit with 413', async () => {
    const res = await fetchRaw(
      `/api/incidents/${incidentId}/notes`,
      JSON.stringify({ text: 'x'.repeat(100 * 1024) }),
      'application/json',
    );
    expect(res.status).toBe(413);
    expect((await json<Problem>(res)).code).toBe('payload-too-large');
  });

  it('answers a non-JSON content type with 415 naming the expected type', async () => {
    const res = await fetchRaw(
      `/api/incidents/${incidentId}/notes`,
      'text=hello',
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(415);
    expect((await json<Problem>(res)).detail).toMatch(/application\/json/);
  });

  it('keeps what was already accepted when a later request is bad', async () => {
    await api(`/api/incidents/${incidentId}/notes`, { body: { text: 'kept' }, headers: ana.auth });
    await fetchRaw(`/api/incidents/${incidentId}/notes`, '{oops', 'application/json');
    const view = await json<{ timeline: { text: string }[] }>(
      api(`/api/incidents/${incidentId}`, { headers: ana.auth }),
      200,
    );
    expect(view.timeline.map((e) => e.text)).toContain('kept');
  });

  it('never answers with a stack trace', async () => {
    const res = await fetchRaw(`/api/incidents/${incidentId}/notes`, '[[[[', 'application/json');
    expect(await res.text()).not.toMatch(/at .*\.ts:\d+/);
  });
});

/** A POST with a body exactly as given, for bodies `api()` would not produce. */
function fetchRaw(path: string, body: string, type: string): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { ...ana.auth, 'content-type': type },
    body,
  });
}
