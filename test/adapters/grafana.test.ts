import { describe, expect, it } from 'vitest';
import { adaptGrafana, verifyGrafanaSignature } from '../../worker/adapters/grafana';
import { HOSTILE_BODIES } from './hostile-bodies';

const NOW = Date.parse('2026-11-26T12:00:00Z');

// Shaped like Grafana's documented webhook payload (version "1", Alertmanager-compatible group).
const alert = {
  status: 'firing',
  labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1', severity: 'warning' },
  annotations: { description: 'The system has high memory usage', summary: 'Memory high in us-1' },
  startsAt: '2026-11-26T11:51:03.157076+02:00',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'https://grafana.example.com/alerting/grafana/abc/view',
  fingerprint: 'c6eadffa33fcdf37',
  silenceURL: 'https://grafana.example.com/alerting/silence/new?matcher=alertname%3DHigh',
  dashboardURL: '',
  panelURL: 'https://grafana.example.com/d/xyz?viewPanel=2',
  imageURL: 'https://grafana.example.com/public/img/1.png',
  values: { B: 91.2, C: 1 },
  valueString: "[ var='B' labels={zone=us-1} value=91.2 ]",
};
const payload = {
  receiver: 'firebell',
  status: 'firing',
  orgId: 1,
  alerts: [alert],
  groupLabels: {},
  commonLabels: { team: 'blue' },
  commonAnnotations: {},
  externalURL: 'https://grafana.example.com/',
  version: '1',
  groupKey: '{}:{alertname="High memory usage"}',
  truncatedAlerts: 0,
  title: '[FIRING:1] High memory usage (blue)',
  state: 'alerting',
  message: '**Firing**',
};

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
  it('turns a Grafana alert into a trigger with its dashboard, panel, image and silence links', async () => {
    const result = await adaptGrafana(payload, NOW);
    expect(result.ok).toBe(true);
    const [event] = result.ok ? result.events : [];
    expect(event).toMatchObject({
      action: 'trigger',
      dedupKey: payload.groupKey,
      alertKey: 'c6eadffa33fcdf37',
      summary: 'Memory high in us-1',
      severity: 'warning',
      occurredAt: Date.parse('2026-11-26T11:51:03.157076+02:00'),
      details: {
        receiver: 'firebell',
        valueString: alert.valueString,
        values: { B: 91.2, C: 1 },
        orgId: 1,
      },
    });
    expect(event?.details).not.toHaveProperty('endsAt');
    expect(event?.links.map((l) => l.text)).toEqual([
      'Source',
      'Panel',
      'Image',
      'Silence',
      'Grafana',
    ]);
  });

  it('lists every alert of a Grafana group by fingerprint and resolves the resolved ones', async () => {
    const resolved = {
      ...alert,
      status: 'resolved',
      fingerprint: 'bc97ff14869b13e3',
      endsAt: '2026-11-26T11:59:00Z',
      values: null,
    };
    const result = await adaptGrafana({ ...payload, alerts: [alert, resolved] }, NOW);
    expect(result.ok && result.events.map((e) => [e.alertKey, e.action])).toEqual([
      ['c6eadffa33fcdf37', 'trigger'],
      ['bc97ff14869b13e3', 'resolve'],
    ]);
  });

  it('rejects a Grafana notification with a malformed alert', async () => {
    const result = await adaptGrafana({ ...payload, alerts: [{ ...alert, values: 'high' }] }, NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatch(/^alerts\[0\]\.values: /);
  });

  it('rejects a Grafana notification without a group key', async () => {
    const { groupKey: _omit, ...noKey } = payload;
    const result = await adaptGrafana(noKey, NOW);
    expect(!result.ok && result.errors).toEqual([
      'groupKey: Invalid input: expected string, received undefined',
    ]);
  });

  it.each(HOSTILE_BODIES)('answers %s with an error instead of throwing', async (_name, body) => {
    expect((await adaptGrafana(body, NOW)).ok).toBe(false);
  });
});

describe('Grafana HMAC signature', () => {
  const secret = 'grafana-shared-secret';
  const body = JSON.stringify(payload);
  const ts = String(Math.floor(NOW / 1000));

  it('refuses a signature over the raw body alone, which would never expire and could be replayed for ever', async () => {
    expect(
      await verifyGrafanaSignature(secret, body, await hmacHex(secret, body), null, NOW),
    ).toEqual({ ok: false, reason: 'no-timestamp' });
    expect(
      await verifyGrafanaSignature(
        secret,
        body,
        await hmacHex(secret, body),
        '',
        NOW + 365 * 24 * 3600_000,
      ),
    ).toEqual({ ok: false, reason: 'no-timestamp' });
  });

  it('accepts a timestamped signature over "timestamp:body" within five minutes', async () => {
    const signature = await hmacHex(secret, `${ts}:${body}`);
    expect(
      await verifyGrafanaSignature(secret, body, signature.toUpperCase(), ts, NOW + 4 * 60_000),
    ).toEqual({ ok: true });
  });

  it('rejects a replayed timestamped signature older than five minutes', async () => {
    const signature = await hmacHex(secret, `${ts}:${body}`);
    expect(await verifyGrafanaSignature(secret, body, signature, ts, NOW + 6 * 60_000)).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('rejects a body changed after signing and a signature made with another secret', async () => {
    const signature = await hmacHex(secret, `${ts}:${body}`);
    expect(await verifyGrafanaSignature(secret, `${body} `, signature, ts, NOW)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(
      await verifyGrafanaSignature(secret, body, await hmacHex('other', `${ts}:${body}`), ts, NOW),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a body-only signature when a timestamp was sent, since Grafana signed the timestamp too', async () => {
    expect(
      await verifyGrafanaSignature(secret, body, await hmacHex(secret, body), ts, NOW),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects missing, malformed and unconfigured signatures without computing anything', async () => {
    expect(await verifyGrafanaSignature(secret, body, null, null, NOW)).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(await verifyGrafanaSignature(secret, body, 'not-hex', null, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(await verifyGrafanaSignature(secret, body, 'a'.repeat(64), '12:00', NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(await verifyGrafanaSignature('', body, 'a'.repeat(64), null, NOW)).toEqual({
      ok: false,
      reason: 'no-secret',
    });
  });
});
