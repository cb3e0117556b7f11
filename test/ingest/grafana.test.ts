import { describe, expect, it } from 'vitest';
import { ADMIN, api, json } from '../helpers';
import { expectProblem, onlyIncident, send, serviceIncidents, serviceWith } from './support';

const alert = {
  status: 'firing',
  labels: { alertname: 'High memory usage', team: 'blue', severity: 'warning' },
  annotations: { summary: 'Memory high in us-1' },
  startsAt: '2026-11-26T11:51:03.157076+02:00',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'https://grafana.example.com/alerting/grafana/abc/view',
  fingerprint: 'c6eadffa33fcdf37',
  silenceURL: 'https://grafana.example.com/alerting/silence/new',
  dashboardURL: 'https://grafana.example.com/d/xyz',
  panelURL: '',
  values: { B: 91.2 },
  valueString: "[ var='B' value=91.2 ]",
};
const payload = (status: 'firing' | 'resolved') => ({
  receiver: 'firebell',
  status,
  orgId: 1,
  alerts: [{ ...alert, status }],
  groupLabels: {},
  commonLabels: { team: 'blue' },
  commonAnnotations: {},
  externalURL: 'https://grafana.example.com/',
  version: '1',
  groupKey: '{}:{alertname="High memory usage"}',
  truncatedAlerts: 0,
  title: `[${status.toUpperCase()}:1] High memory usage (blue)`,
  state: status === 'firing' ? 'alerting' : 'ok',
  message: '**Firing**',
});

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('Grafana webhook', () => {
  it('opens an incident with POST and resolves it with PUT, as contact points may use either', async () => {
    const { serviceId, integration } = await serviceWith('grafana');
    expect(integration.url).toBe(`http://127.0.0.1:8787/hooks/grafana/${integration.key}`);
    expect((await send(integration.url, payload('firing'))).status).toBe(202);
    const opened = await onlyIncident(serviceId);
    expect(opened.incident).toMatchObject({
      title: 'Memory high in us-1',
      severity: 'warning',
      status: 'triggered',
    });
    expect(opened.alerts[0]?.links.map((l) => l.text)).toEqual([
      'Source',
      'Dashboard',
      'Silence',
      'Grafana',
    ]);
    expect((await send(integration.url, payload('resolved'), {}, 'PUT')).status).toBe(202);
    expect((await onlyIncident(serviceId)).incident.status).toBe('resolved');
  });

  it('accepts a payload signed with the integration’s secret over its timestamp and body', async () => {
    const secret = 'grafana-hmac-secret';
    const { serviceId, integration } = await serviceWith('grafana', { signingSecret: secret });
    const body = JSON.stringify(payload('firing'));
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = {
      'X-Grafana-Alerting-Signature': await hmacHex(secret, `${ts}:${body}`),
      'X-Grafana-Alerting-Signature-Timestamp': ts,
    };
    expect((await send(integration.url, body, headers)).status).toBe(202);
    // Grafana retrying the same signed notification within the window: one alert, two notifications.
    expect((await send(integration.url, body, headers)).status).toBe(202);
    expect((await onlyIncident(serviceId)).incident).toMatchObject({
      alertCount: 1,
      notificationCount: 2,
    });
  });

  it('refuses a signed payload without a timestamp, says how to fix the contact point, and lists the refusal on the integration', async () => {
    const secret = 'grafana-hmac-secret';
    const { serviceId, integration } = await serviceWith('grafana', { signingSecret: secret });
    const body = JSON.stringify(payload('firing'));
    const replayable = await send(integration.url, body, {
      'X-Grafana-Alerting-Signature': await hmacHex(secret, body),
    });
    expect(replayable.status).toBe(401);
    expect((await expectProblem(replayable)).detail).toMatch(
      /Timestamp header.*X-Grafana-Alerting-Signature-Timestamp/,
    );
    expect(await serviceIncidents(serviceId)).toEqual([]);
    const { integrations } = await json<{
      integrations: { id: string; recentPayloads: { outcome: string; detail: string }[] }[];
    }>(api(`/api/services/${serviceId}/integrations`, { headers: ADMIN }), 200);
    expect(integrations.find((i) => i.id === integration.id)?.recentPayloads[0]).toMatchObject({
      outcome: 'rejected',
      detail: expect.stringMatching(/refused: .*timestamp/),
    });
  });

  it('refuses a payload whose signature is missing, wrong or stale, saying which', async () => {
    const secret = 'grafana-hmac-secret';
    const { integration } = await serviceWith('grafana', { signingSecret: secret });
    const body = JSON.stringify(payload('firing'));
    const missing = await send(integration.url, body);
    expect(missing.status).toBe(401);
    expect((await expectProblem(missing)).detail).toMatch(/signing secret/);
    const now = String(Math.floor(Date.now() / 1000));
    const wrong = await send(integration.url, body, {
      'X-Grafana-Alerting-Signature': await hmacHex('another-secret', `${now}:${body}`),
      'X-Grafana-Alerting-Signature-Timestamp': now,
    });
    expect((await expectProblem(wrong)).detail).toMatch(/does not match/);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const stale = await send(integration.url, body, {
      'X-Grafana-Alerting-Signature': await hmacHex(secret, `${old}:${body}`),
      'X-Grafana-Alerting-Signature-Timestamp': old,
    });
    expect((await expectProblem(stale)).detail).toMatch(/five minutes/);
  });

  it('answers a malformed notification with a problem naming the field', async () => {
    const { integration } = await serviceWith('grafana');
    const res = await send(integration.url, {
      ...payload('firing'),
      alerts: [{ ...alert, values: 'high' }],
    });
    expect(res.status).toBe(400);
    expect((await expectProblem(res)).errors).toEqual([
      expect.stringMatching(/^alerts\[0\]\.values: /),
    ]);
  });

  it('answers overload with 503 and Retry-After, like Alertmanager', async () => {
    const { integration } = await serviceWith('grafana', { ratePerMinute: 1 });
    expect((await send(integration.url, payload('firing'))).status).toBe(202);
    const res = await send(integration.url, payload('firing'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
