/**
 * The largest outage sends the largest notification: Alertmanager and Grafana put a whole alert group in one
 * body and drop any 4xx for good, so a big group must open (or update) its incident, never bounce for its size.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../schema/alert';
import { command, createUser } from '../helpers';
import { alertGroup as group, onlyIncident, send, serviceWith, view } from './support';

describe('an alert storm', () => {
  it('opens one incident listing every alert of a 10,000-alert Alertmanager group several times the old 512 KB limit', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    const body = JSON.stringify(group(0, 10_000));
    expect(body.length).toBeGreaterThan(3 * 1024 * 1024);
    const res = await send(integration.url, body);
    expect(res.status).toBe(202);
    const { incident, alerts } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      alertCount: 10_000,
      truncatedAlerts: 0,
      title: 'node-0 is down',
    });
    expect(new Set(alerts.map((a) => a.key)).size).toBe(10_000);
  });

  it('keeps 10,000 distinct alerts per incident across notifications, counts the rest, and resolves only when those resolve too', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    expect((await send(integration.url, group(0, 6_000))).status).toBe(202);
    // Alertmanager re-sends the whole group when it grows: 12,000 alerts, 6,000 of them new.
    expect((await send(integration.url, group(0, 12_000))).status).toBe(202);
    let view = await onlyIncident(serviceId);
    expect(view.alerts).toHaveLength(LIMITS.alertsPerIncident);
    // 12,000 distinct alerts (2,000 past the cap, counted but not listed) from 18,000 notifications.
    expect(view.incident).toMatchObject({
      status: 'triggered',
      alertCount: 12_000,
      firingCount: 12_000,
      notificationCount: 18_000,
      truncatedAlerts: 2_000,
    });
    const notes = view.timeline.filter((e) => e.kind === 'alerts_truncated');
    expect(notes.map((e) => e.text)).toEqual([
      expect.stringContaining('lists 10,000 alerts, the most one incident keeps'),
    ]);

    // The listed 10,000 resolve; the 2,000 past the cap still fire: the outage is not over.
    expect(
      (
        await send(
          integration.url,
          group(0, 12_000, (i) => (i < 10_000 ? 'resolved' : 'firing')),
        )
      ).status,
    ).toBe(202);
    view = await onlyIncident(serviceId);
    expect(view.incident).toMatchObject({ status: 'triggered', firingCount: 2_000 });
    expect(view.alerts.every((a) => a.status === 'resolved')).toBe(true);

    expect(
      (
        await send(
          integration.url,
          group(0, 12_000, () => 'resolved'),
        )
      ).status,
    ).toBe(202);
    view = await onlyIncident(serviceId);
    expect(view.incident.status).toBe('resolved');
    expect(view.timeline.at(-1)?.text).toContain('all 12000 alerts resolved');
  });

  it('ends the alerts past the cap with the incident when a person resolves it, so a reopened incident resolves when its alerts do', async () => {
    const ana = await createUser('Ana');
    const { serviceId, integration } = await serviceWith('alertmanager');
    expect((await send(integration.url, group(0, LIMITS.alertsPerIncident + 1))).status).toBe(202);
    const { incident } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      alertCount: LIMITS.alertsPerIncident + 1,
      firingCount: LIMITS.alertsPerIncident + 1,
    });
    expect((await command(ana, incident.id, 'resolve')).status).toBe(200);
    expect((await command(ana, incident.id, 'reopen')).status).toBe(200);
    // The monitor, still mapped to the reopened incident, fires one listed alert again, then resolves it.
    expect((await send(integration.url, group(0, 1))).status).toBe(202);
    expect((await view(incident.id)).incident).toMatchObject({
      status: 'triggered',
      firingCount: 1,
    });
    expect(
      (
        await send(
          integration.url,
          group(0, 1, () => 'resolved'),
        )
      ).status,
    ).toBe(202);
    expect((await view(incident.id)).incident).toMatchObject({
      status: 'resolved',
      firingCount: 0,
    });
  });

  it('takes a signed 10,000-alert Grafana group of several MB, checking the signature over every byte', async () => {
    const secret = 'grafana-signing-secret';
    const { serviceId, integration } = await serviceWith('grafana', { signingSecret: secret });
    const base = group(0, 10_000);
    const body = JSON.stringify({
      ...base,
      version: '1',
      orgId: 1,
      state: 'alerting',
      title: '[FIRING:10000] InstanceDown',
      alerts: base.alerts.map((a) => ({
        ...a,
        silenceURL: `http://grafana.internal:3000/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DInstanceDown&matcher=instance%3D${a.labels.instance}`,
        dashboardURL: 'http://grafana.internal:3000/d/node-exporter',
        panelURL: 'http://grafana.internal:3000/d/node-exporter?viewPanel=3',
        valueString: `[ var='B' labels={instance=${a.labels.instance}} value=0 ], [ var='C' labels={instance=${a.labels.instance}} value=1 ]`,
        values: { B: 0, C: 1 },
      })),
    });
    expect(body.length).toBeGreaterThan(6 * 1024 * 1024);
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const hex = (buf: ArrayBuffer) =>
      [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
    // Signed over "<timestamp>:<body>": a signing secret requires the timestamp (see grafana.test.ts).
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = hex(
      await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${ts}:${body}`)),
    );
    const signed = {
      'X-Grafana-Alerting-Signature': signature,
      'X-Grafana-Alerting-Signature-Timestamp': ts,
    };

    const forged = await send(
      integration.url,
      body.replace('node-9999 is down', 'node-9999 is fine'),
      signed,
    );
    expect(forged.status).toBe(401);
    const res = await send(integration.url, body, signed);
    expect(res.status).toBe(202);
    const { alerts } = await onlyIncident(serviceId);
    expect(alerts).toHaveLength(10_000);
    expect(alerts[9_999]?.links.map((l) => l.text)).toEqual([
      'Source',
      'Dashboard',
      'Panel',
      'Silence',
      'Grafana',
    ]);
  });
});
