import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../schema/mapping-schemas';
import kumaDown from '../fixtures/monitors/uptime-kuma/down.json';
import kumaUp from '../fixtures/monitors/uptime-kuma/up.json';
import { BASE } from '../helpers';
import {
  OVERSIZED,
  expectProblem,
  onlyIncident,
  recentPayloads,
  send,
  serviceIncidents,
  serviceWith,
} from './support';

type Accepted = {
  status: string;
  incidents: { dedupKey: string; incidentId: string | null; result: string }[];
  notes: string[];
};

/** Uptime Kuma's webhook, as its notification sends it: heartbeat.status 0 is down, 1 is up. */
const KUMA: Mapping = {
  summary: '{{ monitor.name }} is down: {{ heartbeat.msg }}',
  severity: { value: 'monitor.type', map: { http: 'critical' }, default: 'warning' },
  action: { value: '$string(heartbeat.status)', map: { '0': 'trigger', '1': 'resolve' } },
  dedup_key: 'kuma-{{ monitor.id }}',
  source: '{{ monitor.url }}',
};
const down = {
  heartbeat: { status: 0, msg: 'connect ECONNREFUSED' },
  monitor: { id: 7, name: 'Checkout', type: 'http', url: 'https://shop.example.com' },
  msg: '[Checkout] [🔴 Down] connect ECONNREFUSED',
};
const up = { ...down, heartbeat: { status: 1, msg: '200 - OK' } };

function post(url: string, body: string, contentType: string | null): Promise<Response> {
  return SELF.fetch(url.startsWith('http') ? url : `${BASE}${url}`, {
    method: 'POST',
    headers: contentType ? { 'content-type': contentType } : {},
    body,
  });
}

describe('custom integration webhook', () => {
  it('maps a JSON body to an incident, and the resolve body resolves it', async () => {
    const { serviceId, integration } = await serviceWith('custom', { mapping: KUMA });
    expect(integration.url).toBe(`http://127.0.0.1:8787/hooks/custom/${integration.key}`);
    const res = await send(integration.url, down);
    expect(res.status).toBe(202);
    const opened = (await res.json()) as Accepted;
    expect(opened).toEqual({
      status: 'accepted',
      incidents: [
        { dedupKey: 'kuma-7', incidentId: expect.stringMatching(/^inc_/), result: 'opened' },
      ],
      notes: [],
    });
    const { incident, alerts } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      title: 'Checkout is down: connect ECONNREFUSED',
      severity: 'critical',
      status: 'triggered',
    });
    expect(alerts[0]?.details).toMatchObject({ monitor: { name: 'Checkout' } });

    const resolved = (await (await send(integration.url, up)).json()) as Accepted;
    expect(resolved.incidents).toEqual([
      { dedupKey: 'kuma-7', incidentId: opened.incidents[0]?.incidentId, result: 'appended' },
    ]);
    expect((await onlyIncident(serviceId)).incident.status).toBe('resolved');
  });

  it('pages and recovers through a ready-made mapping chosen by its preset id', async () => {
    const { serviceId, integration } = await serviceWith('custom', { preset: 'uptime-kuma' });
    expect((await send(integration.url, kumaDown)).status).toBe(202);
    expect((await onlyIncident(serviceId)).incident.status).toBe('triggered');
    const recovered = (await (await send(integration.url, kumaUp)).json()) as Accepted;
    expect(recovered).toMatchObject({ notes: [], incidents: [{ result: 'appended' }] });
    expect((await onlyIncident(serviceId)).incident.status).toBe('resolved');
  });

  it('takes the key as a Bearer header and any +json content type', async () => {
    const { serviceId, integration } = await serviceWith('custom', { mapping: KUMA });
    const res = await post('/hooks/custom', JSON.stringify(down), 'application/vnd.kuma+json');
    expect(res.status).toBe(401);
    const ok = await SELF.fetch(`${BASE}/hooks/custom`, {
      method: 'POST',
      headers: {
        'content-type': 'application/vnd.kuma+json; charset=utf-8',
        authorization: `Bearer ${integration.key}`,
      },
      body: JSON.stringify(down),
    });
    expect(ok.status).toBe(202);
    expect((await onlyIncident(serviceId)).incident.title).toBe(
      'Checkout is down: connect ECONNREFUSED',
    );
  });

  it('reads a form as an object whose repeated fields are arrays, with JSON in a field left as text', async () => {
    const { serviceId, integration } = await serviceWith('custom', {
      mapping: { summary: '{{ host }}: {{ check }} failed', dedup_key: '{{ host }}' },
    });
    const res = await post(
      integration.url,
      'host=db-1&check=backup&tag=nightly&tag=prod&payload=%7B%22a%22%3A1%7D',
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(202);
    const { incident, alerts } = await onlyIncident(serviceId);
    expect(incident.title).toBe('db-1: backup failed');
    expect(alerts[0]?.details).toMatchObject({ tag: ['nightly', 'prod'], payload: '{"a":1}' });
  });

  it('reads text/plain as JSON when it is JSON, and as {"text": body} when it is not', async () => {
    const { serviceId, integration } = await serviceWith('custom', {
      mapping: {
        summary: '{{ $exists(text) ? text : monitor.name }}',
        dedup_key: '{{ $exists(text) ? text : monitor.name }}',
      },
    });
    expect((await post(integration.url, 'Backup failed on db-1', 'text/plain')).status).toBe(202);
    expect(
      (await post(integration.url, JSON.stringify(down), 'text/plain; charset=utf-8')).status,
    ).toBe(202);
    expect((await serviceIncidents(serviceId)).map((i) => i.title).sort()).toEqual([
      'Backup failed on db-1',
      'Checkout',
    ]);
  });

  it('refuses other content types with 415 naming the ones it reads, and records the refusal', async () => {
    const { serviceId, integration } = await serviceWith('custom', { mapping: KUMA });
    const res = await post(integration.url, '<p>down</p>', 'text/html');
    expect(res.status).toBe(415);
    const problem = await expectProblem(res);
    expect(problem.code).toBe('unsupported-media-type');
    expect(problem.detail).toMatch(
      /application\/json.*text\/plain.*x-www-form-urlencoded.*text\/html/,
    );
    expect((await recentPayloads(serviceId, integration.id))[0]).toMatchObject({
      outcome: 'rejected',
      contentType: 'text/html',
    });
  });

  it('refuses a body over 512 KB with 413', async () => {
    const { integration } = await serviceWith('custom', { mapping: KUMA });
    const res = await send(integration.url, OVERSIZED);
    expect(res.status).toBe(413);
    expect((await expectProblem(res)).code).toBe('payload-too-large');
  });

  it('refuses JSON that does not parse with 400 naming the line and column', async () => {
    const { integration } = await serviceWith('custom', { mapping: KUMA });
    const res = await send(integration.url, '{"monitor": {\n  "name": oops}}');
    expect(res.status).toBe(400);
    expect((await expectProblem(res)).detail).toBe(
      'the body is not valid JSON at line 2, column 11 (position 24): unexpected "o"',
    );
  });

  it('accepts a body missing the mapped fields with 202, naming each fallback in notes and in the payload record', async () => {
    const { serviceId, integration } = await serviceWith('custom', {
      mapping: { ...KUMA, summary: '{{ monitor.name }} {{ heartbeat.msg }}' },
      name: 'Uptime Kuma',
    });
    const res = await send(integration.url, { something: 'else' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Accepted;
    expect(body.incidents).toEqual([
      expect.objectContaining({ result: 'opened', incidentId: expect.stringMatching(/^inc_/) }),
    ]);
    expect(body.notes.length).toBeGreaterThan(0);
    expect(body.notes).toEqual(
      expect.arrayContaining([
        'summary: no value at `monitor.name`',
        'summary: rendered empty; used "Alert from Uptime Kuma"',
      ]),
    );
    const { incident } = await onlyIncident(serviceId);
    expect(incident.title).toBe('Alert from Uptime Kuma');
    const [record] = await recentPayloads(serviceId, integration.id);
    expect(record?.outcome).toBe('accepted');
    for (const note of body.notes) expect(record?.detail).toContain(note);
  });

  it('joins a retried body to the incident it opened instead of opening another', async () => {
    const { serviceId, integration } = await serviceWith('custom', {
      mapping: { summary: '{{ check }} failed on {{ host }}' },
    });
    const body = { check: 'backup', host: 'db-1' };
    const first = (await (await send(integration.url, body)).json()) as Accepted;
    const retry = (await (await send(integration.url, body)).json()) as Accepted;
    expect(retry.incidents).toEqual([{ ...first.incidents[0], result: 'appended' }]);
    expect(await serviceIncidents(serviceId)).toHaveLength(1);
  });

  it('redacts the key from the recorded body', async () => {
    const { serviceId, integration } = await serviceWith('custom', { mapping: KUMA });
    const echo = { ...down, monitor: { ...down.monitor, url: integration.url } };
    expect((await send(integration.url, echo)).status).toBe(202);
    const [record] = await recentPayloads(serviceId, integration.id);
    expect(record?.body).not.toContain(integration.key);
    expect(record?.body).toContain('/hooks/custom/[redacted]');
  });

  it('keeps up to 64 KB of each body, 512 KB in all, and says when one was cut', async () => {
    const { serviceId, integration } = await serviceWith('custom', { mapping: KUMA });
    const bytes = (text: string) => new TextEncoder().encode(text).byteLength;
    const whole = JSON.stringify({ ...down, log: 'x'.repeat(60 * 1024) });
    expect((await send(integration.url, whole)).status).toBe(202);
    const [kept] = await recentPayloads(serviceId, integration.id);
    expect(kept?.body === whole).toBe(true);
    expect(kept).toMatchObject({ truncated: false, bytes: bytes(whole) });

    const big = JSON.stringify({ ...down, log: 'x'.repeat(100 * 1024) });
    expect((await send(integration.url, big)).status).toBe(202);
    const [cut] = await recentPayloads(serviceId, integration.id);
    expect(cut).toMatchObject({ truncated: true, bytes: bytes(big) });
    expect(bytes(cut?.body ?? '')).toBe(64 * 1024);

    for (let i = 0; i < 8; i++) expect((await send(integration.url, whole)).status).toBe(202);
    // 8 × 61 KB fit in 512 KB, a ninth would not: the oldest go first.
    const all = await recentPayloads(serviceId, integration.id);
    expect(all).toHaveLength(8);
    expect(all.every((p) => p.body === whole)).toBe(true);
  });
});
