import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE } from '../helpers';
import {
  OVERSIZED,
  expectProblem,
  onlyIncident,
  send,
  serviceIncidents,
  serviceWith,
} from './support';

type Accepted = {
  status: string;
  incidents: { dedupKey: string; incidentId: string | null; result: string }[];
};

function postForm(
  url: string,
  form: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return SELF.fetch(url.startsWith('http') ? url : `${BASE}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form,
  });
}

describe('generic webhook', () => {
  it('opens an incident from JSON and resolves it by dedup key', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    expect(integration.url).toBe(`http://127.0.0.1:8787/hooks/generic/${integration.key}`);
    const res = await send(integration.url, {
      summary: 'Backups failed',
      severity: 'critical',
      dedup_key: 'backups',
      details: { job: 'nightly' },
      links: ['https://ci.example.com/42'],
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Accepted;
    expect(body).toEqual({
      status: 'accepted',
      incidents: [
        { dedupKey: 'backups', incidentId: expect.stringMatching(/^inc_/), result: 'opened' },
      ],
    });
    const { incident, alerts } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      id: body.incidents[0]?.incidentId,
      title: 'Backups failed',
      severity: 'critical',
    });
    expect(alerts[0]).toMatchObject({
      details: { job: 'nightly' },
      links: [{ href: 'https://ci.example.com/42' }],
    });

    const resolved = (await (
      await send(integration.url, {
        summary: 'Backups ok',
        dedup_key: 'backups',
        action: 'resolve',
      })
    ).json()) as Accepted;
    expect(resolved.incidents[0]).toMatchObject({
      result: 'appended',
      incidentId: body.incidents[0]?.incidentId,
    });
    expect((await onlyIncident(serviceId)).incident.status).toBe('resolved');
  });

  it('takes a form post, as `curl -d summary=…` sends it', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    const res = await postForm(
      integration.url,
      'summary=Disk+full+on+web-1&severity=warning&links=https%3A%2F%2Fgrafana.example.com%2Fd%2F1',
    );
    expect(res.status).toBe(202);
    expect((await onlyIncident(serviceId)).incident).toMatchObject({
      title: 'Disk full on web-1',
      severity: 'warning',
    });
  });

  it('reads JSON that curl labelled as a form because -H was forgotten', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    expect((await postForm(integration.url, '{"summary":"Cron missed"}')).status).toBe(202);
    expect((await onlyIncident(serviceId)).incident.title).toBe('Cron missed');
  });

  it('takes the key from a token field or a Bearer header instead of the URL', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    expect(
      (await send('/hooks/generic', { summary: 'via token', token: integration.key })).status,
    ).toBe(202);
    expect(
      (
        await postForm(
          '/hooks/generic/',
          `summary=via+form+token&token=${encodeURIComponent(integration.key)}`,
        )
      ).status,
    ).toBe(202);
    expect(
      (
        await send(
          '/hooks/generic',
          { summary: 'via bearer' },
          { authorization: `Bearer ${integration.key}` },
        )
      ).status,
    ).toBe(202);
    expect((await serviceIncidents(serviceId)).map((i) => i.title).sort()).toEqual([
      'via bearer',
      'via form token',
      'via token',
    ]);
  });

  it('answers unknown fields, wrong types and malformed JSON with a problem listing what is wrong', async () => {
    const { integration } = await serviceWith('generic');
    const typo = await send(integration.url, { sumary: 'typo' });
    expect(typo.status).toBe(400);
    const problem = await expectProblem(typo);
    expect(problem.code).toBe('validation');
    expect(problem.errors).toEqual([
      expect.stringMatching(/^unknown field\(s\): sumary/),
      'summary is required and must not be blank',
    ]);
    const types = await expectProblem(
      await send(integration.url, { summary: 5, severity: 'apocalyptic', action: 'explode' }),
    );
    expect(types.errors).toEqual([
      'summary must be a string',
      'severity must be one of critical, error, warning, info',
      'action must be one of trigger, acknowledge, resolve',
    ]);
    const broken = await send(integration.url, '{"summary": oops}');
    expect(broken.status).toBe(400);
    expect((await expectProblem(broken)).detail).toMatch(/not valid JSON/);
  });

  it('refuses a bad key with 401 and a body over 512 KB with 413', async () => {
    await serviceWith('generic');
    const bad = await send('/hooks/generic/fbk_nope', { summary: 'x' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await expectProblem(bad)).code).toBe('unauthorized');
    const { integration } = await serviceWith('generic');
    const big = await send(integration.url, OVERSIZED);
    expect(big.status).toBe(413);
    expect((await expectProblem(big)).code).toBe('payload-too-large');
  });

  it('throttles with 429 and Retry-After', async () => {
    const { integration } = await serviceWith('generic', { ratePerMinute: 2 });
    for (const summary of ['one', 'two'])
      expect((await send(integration.url, { summary })).status).toBe(202);
    const res = await send(integration.url, { summary: 'three' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const problem = await expectProblem(res);
    expect(problem).toMatchObject({
      code: 'rate-limited',
      retryAfter: Number(res.headers.get('retry-after')),
    });
  });

  it('accepts and drops a resolve for a key with no open incident', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    const res = await send(integration.url, {
      summary: 'nothing',
      dedup_key: 'ghost',
      action: 'resolve',
    });
    expect(((await res.json()) as Accepted).incidents).toEqual([
      { dedupKey: 'ghost', incidentId: null, result: 'dropped' },
    ]);
    expect(await serviceIncidents(serviceId)).toEqual([]);
  });
});
