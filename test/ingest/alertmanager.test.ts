import { describe, expect, it } from 'vitest';
import firing from '../fixtures/payloads/alertmanager-firing.json';
import resolved from '../fixtures/payloads/alertmanager-resolved.json';
import {
  OVERSIZED,
  expectProblem,
  onlyIncident,
  send,
  serviceIncidents,
  serviceWith,
  story,
} from './support';

const [diskAlert] = firing.body.alerts;
const secondAlert = {
  ...diskAlert,
  labels: { ...diskAlert?.labels, instance: 'web-2' },
  annotations: { summary: 'Disk full on web-2' },
  fingerprint: 'f00dfeedf00dfeed',
};
const group = (statuses: ['firing' | 'resolved', 'firing' | 'resolved'], truncatedAlerts = 0) => ({
  ...firing.body,
  status: statuses.includes('firing') ? 'firing' : 'resolved',
  groupKey: '{}:{alertname="ProbeDiskFull"}',
  truncatedAlerts,
  alerts: [
    { ...diskAlert, status: statuses[0] },
    { ...secondAlert, status: statuses[1] },
  ],
});

describe('Alertmanager webhook', () => {
  it('opens an incident from the captured notification, listing the alert with its labels, annotations and source link', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    expect(integration.url).toBe(`http://127.0.0.1:8787/hooks/alertmanager/${integration.key}`);
    const res = await send(integration.url, firing.body, {
      'user-agent': firing.headers['user-agent'],
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      status: string;
      incidents: { incidentId: string; result: string }[];
    };
    expect(body).toMatchObject({
      status: 'accepted',
      incidents: [{ dedupKey: firing.body.groupKey, result: 'opened' }],
    });

    const { incident, alerts } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      id: body.incidents[0]?.incidentId,
      title: 'Disk full on web-1',
      severity: 'critical',
      dedupKey: firing.body.groupKey,
      truncatedAlerts: 0,
    });
    expect(alerts).toEqual([
      expect.objectContaining({
        key: 'e5a1bcca5d669f68',
        status: 'firing',
        labels: diskAlert?.labels,
        annotations: diskAlert?.annotations,
        links: expect.arrayContaining([
          { href: 'http://127.0.0.1:9090/graph?g0.expr=disk', text: 'Source' },
        ]),
      }),
    ]);
  });

  it('resolves the incident with the captured resolved notification', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    await send(integration.url, firing.body);
    expect((await send(integration.url, resolved.body)).status).toBe(202);
    const { incident, alerts, timeline } = await onlyIncident(serviceId);
    expect(incident.status).toBe('resolved');
    expect(alerts[0]?.status).toBe('resolved');
    expect(story(timeline)).toEqual(['created', 'resolved']);
  });

  it('accepts the key as a Bearer token, as http_config.authorization sends it', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    const res = await send('/hooks/alertmanager', firing.body, {
      authorization: `Bearer ${integration.key}`,
    });
    expect(res.status).toBe(202);
    expect((await serviceIncidents(serviceId)).length).toBe(1);
  });

  it('keeps a two-alert group open until both alerts have resolved', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    await send(integration.url, group(['firing', 'firing']));
    let view = await onlyIncident(serviceId);
    expect(view.alerts.map((a) => [a.key, a.status])).toEqual([
      ['e5a1bcca5d669f68', 'firing'],
      ['f00dfeedf00dfeed', 'firing'],
    ]);

    await send(integration.url, group(['resolved', 'firing']));
    view = await onlyIncident(serviceId);
    expect(view.incident.status).toBe('triggered');
    expect(view.alerts.find((a) => a.key === 'e5a1bcca5d669f68')?.status).toBe('resolved');

    await send(integration.url, group(['resolved', 'resolved']));
    view = await onlyIncident(serviceId);
    expect(view.incident.status).toBe('resolved');
    expect(view.timeline.find((e) => e.kind === 'resolved')?.text).toMatch(/all 2 alerts resolved/);
  });

  it('shows how many alerts Alertmanager left out of the notification', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    await send(integration.url, group(['firing', 'firing'], 7));
    expect((await onlyIncident(serviceId)).incident.truncatedAlerts).toBe(7);
  });

  it('answers malformed JSON and wrong types with a problem naming the field', async () => {
    const { integration } = await serviceWith('alertmanager');
    const broken = await send(integration.url, '{"version": "4", ');
    expect(broken.status).toBe(400);
    expect((await expectProblem(broken)).detail).toMatch(/not valid JSON/);

    const wrong = await send(integration.url, {
      ...firing.body,
      truncatedAlerts: 'none',
      alerts: [{ ...diskAlert, status: 'burning' }],
    });
    expect(wrong.status).toBe(400);
    const problem = await expectProblem(wrong);
    expect(problem).toMatchObject({ code: 'validation', status: 400 });
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^truncatedAlerts: /),
        expect.stringMatching(/^alerts\[0\]\.status: /),
      ]),
    );

    const version = await expectProblem(
      await send(integration.url, { ...firing.body, version: '3' }),
    );
    expect(version.detail).toMatch(/unsupported webhook payload version/);
  });

  it('refuses a body nested 100,000 levels deep with a 400 naming the depth, without parsing on', async () => {
    const { integration } = await serviceWith('alertmanager');
    const res = await send(
      integration.url,
      `{"alerts":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`,
    );
    expect(res.status).toBe(400);
    expect((await expectProblem(res)).detail).toBe('body: nested deeper than 32 levels');
  });

  it('refuses unknown, missing and other-format keys with the same 401', async () => {
    const { integration } = await serviceWith('alertmanager');
    const unknown = await send('/hooks/alertmanager/fbk_unknown', firing.body);
    expect(unknown.status).toBe(401);
    const unknownProblem = await expectProblem(unknown);
    expect(unknownProblem.code).toBe('unauthorized');
    const { integration: generic } = await serviceWith('generic');
    const otherFormat = await send(`/hooks/alertmanager/${generic.key}`, firing.body);
    expect(await expectProblem(otherFormat)).toEqual(unknownProblem);
    const none = await send('/hooks/alertmanager', firing.body);
    expect(none.status).toBe(401);
    expect((await expectProblem(none)).detail).toMatch(/No integration key/);
    expect(integration.key).not.toBe(generic.key);
  });

  it('reads a body past the generic 512 KB limit and says what is wrong with it, and refuses one over 16 MB with 413', async () => {
    const { integration } = await serviceWith('alertmanager');
    const notAGroup = await send(integration.url, OVERSIZED);
    expect(notAGroup.status).toBe(400);
    expect((await expectProblem(notAGroup)).detail).toContain(
      'alerts: a notification must carry at least one alert',
    );
    const res = await send(
      integration.url,
      `{"alerts":[],"pad":"${'x'.repeat(16 * 1024 * 1024)}"}`,
    );
    expect(res.status).toBe(413);
    const problem = await expectProblem(res);
    expect(problem.code).toBe('payload-too-large');
    expect(problem.detail).toContain('16384 KB');
  });

  it('answers overload with 503 and Retry-After, never a 4xx that Alertmanager would drop', async () => {
    const { integration } = await serviceWith('alertmanager', { ratePerMinute: 2 });
    expect((await send(integration.url, firing.body)).status).toBe(202);
    expect((await send(integration.url, firing.body)).status).toBe(202);
    const res = await send(integration.url, firing.body);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await expectProblem(res)).code).toBe('unavailable');
  });
});
