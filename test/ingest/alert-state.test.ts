/**
 * What an incident says about its alerts: distinct alerts, how many fire, how many notifications arrived,
 * a title that follows the group, and a duplicate that never rewrites the first alert or raises severity.
 */
import { describe, expect, it } from 'vitest';
import firing from '../fixtures/payloads/alertmanager-firing.json';
import { command, createUser } from '../helpers';
import { onlyIncident, send, serviceWith } from './support';

type Status = 'firing' | 'resolved';
const [disk] = firing.body.alerts;
/** Two alerts of one Alertmanager group: a warning that fires first, then a critical one. */
const warn = {
  ...disk,
  labels: { ...disk?.labels, alertname: 'Latency', severity: 'warning' },
  annotations: { summary: 'p99 latency above 1s' },
  fingerprint: 'aaaa000000000001',
};
const crit = {
  ...disk,
  labels: { ...disk?.labels, alertname: 'Errors', severity: 'critical' },
  annotations: { summary: '5xx above 5%' },
  fingerprint: 'aaaa000000000002',
};
/** What Alertmanager posts for the group: commonAnnotations holds only what every alert shares. */
function notification(alerts: { alert: typeof warn; status: Status }[]) {
  const shown = alerts.map(({ alert, status }) => ({ ...alert, status }));
  const summaries = new Set(shown.map((a) => a.annotations.summary));
  return {
    ...firing.body,
    groupKey: '{}:{service="checkout"}',
    status: shown.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: shown,
    commonAnnotations: summaries.size === 1 ? { summary: [...summaries][0] } : {},
  };
}

const pdTrigger = (
  key: string,
  summary: string,
  severity: string,
  details: Record<string, unknown>,
) => ({
  routing_key: key,
  event_action: 'trigger',
  dedup_key: 'disk-web-1',
  payload: { summary, source: 'web-1', severity, custom_details: details },
});

describe('alert state and counts', () => {
  it('counts a group of two re-notified twice as 2 alerts from 4 notifications, and says how many still fire', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    const both = notification([
      { alert: warn, status: 'firing' },
      { alert: crit, status: 'firing' },
    ]);
    await send(integration.url, both);
    await send(integration.url, both);
    let { incident } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({ alertCount: 2, firingCount: 2, notificationCount: 4 });

    await send(
      integration.url,
      notification([
        { alert: warn, status: 'resolved' },
        { alert: crit, status: 'firing' },
      ]),
    );
    ({ incident } = await onlyIncident(serviceId));
    expect(incident).toMatchObject({
      status: 'triggered',
      alertCount: 2,
      firingCount: 1,
      notificationCount: 5,
    });
  });

  it('counts a sender retrying the same request after a lost answer as one alert, fired once', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    const body = { summary: 'Disk full on web-1', dedup_key: 'disk-web-1', severity: 'critical' };
    await send(integration.url, body);
    await send(integration.url, body);
    const { incident, alerts } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({ alertCount: 1, firingCount: 1, notificationCount: 2 });
    expect(alerts.map((a) => a.count)).toEqual([1]);
  });

  it('counts alerts by fingerprint: a retried notification adds nothing, two distinct alerts count two, and one that fires again after resolving counts its second firing', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    const one = notification([{ alert: warn, status: 'firing' }]);
    await send(integration.url, one);
    await send(integration.url, one);
    let view = await onlyIncident(serviceId);
    expect(view.incident).toMatchObject({ alertCount: 1, notificationCount: 2 });
    expect(view.alerts.map((a) => [a.key, a.count])).toEqual([[warn.fingerprint, 1]]);

    const both = notification([
      { alert: warn, status: 'firing' },
      { alert: crit, status: 'firing' },
    ]);
    await send(integration.url, both);
    await send(integration.url, both);
    view = await onlyIncident(serviceId);
    expect(view.incident).toMatchObject({ alertCount: 2, firingCount: 2 });
    expect(view.alerts.map((a) => [a.key, a.count]).sort()).toEqual([
      [warn.fingerprint, 1],
      [crit.fingerprint, 1],
    ]);

    await send(
      integration.url,
      notification([
        { alert: warn, status: 'resolved' },
        { alert: crit, status: 'firing' },
      ]),
    );
    await send(integration.url, both);
    view = await onlyIncident(serviceId);
    expect(view.alerts.map((a) => [a.key, a.count]).sort()).toEqual([
      [warn.fingerprint, 2],
      [crit.fingerprint, 1],
    ]);
  });

  it('titles a group after the most severe alert firing, and after the one still firing when that resolves', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    await send(integration.url, notification([{ alert: warn, status: 'firing' }]));
    expect((await onlyIncident(serviceId)).incident.title).toBe('p99 latency above 1s');

    await send(
      integration.url,
      notification([
        { alert: warn, status: 'firing' },
        { alert: crit, status: 'firing' },
      ]),
    );
    let view = await onlyIncident(serviceId);
    expect(view.incident).toMatchObject({ title: '5xx above 5%', severity: 'critical' });
    expect(view.timeline.filter((e) => e.kind === 'title_changed').map((e) => e.text)).toEqual([
      'Title follows the alerts: “5xx above 5%”',
    ]);

    await send(
      integration.url,
      notification([
        { alert: warn, status: 'firing' },
        { alert: crit, status: 'resolved' },
      ]),
    );
    view = await onlyIncident(serviceId);
    expect(view.incident).toMatchObject({
      title: 'p99 latency above 1s',
      status: 'triggered',
      firingCount: 1,
    });
  });

  it('takes the summary the whole group shares as the title when Alertmanager sends one', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    const body = {
      ...notification([
        { alert: warn, status: 'firing' },
        { alert: crit, status: 'firing' },
      ]),
      commonAnnotations: { summary: 'Checkout is degraded' },
    };
    await send(integration.url, body);
    expect((await onlyIncident(serviceId)).incident).toMatchObject({
      title: 'Checkout is degraded',
      severity: 'critical',
      titleEdited: false,
    });
  });

  it('keeps a title a person chose, whatever the alerts do next', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    await send(integration.url, notification([{ alert: warn, status: 'firing' }]));
    const { incident } = await onlyIncident(serviceId);
    const ana = await createUser('Ana');
    await command(ana, incident.id, 'title', { title: 'Checkout slow after 1.42 deploy' });
    await send(
      integration.url,
      notification([
        { alert: warn, status: 'firing' },
        { alert: crit, status: 'firing' },
      ]),
    );
    expect((await onlyIncident(serviceId)).incident).toMatchObject({
      title: 'Checkout slow after 1.42 deploy',
      titleEdited: true,
      severity: 'critical',
    });
  });

  it('keeps the first body of an alert and its severity when a repeat says something else', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    await send(
      '/v2/enqueue',
      pdTrigger(integration.key, 'Disk 91% on web-1', 'warning', { used: '91%' }),
    );
    await send(
      '/v2/enqueue',
      pdTrigger(integration.key, 'Disk 99% on web-1', 'critical', { used: '99%' }),
    );
    const { incident, alerts, timeline } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      title: 'Disk 91% on web-1',
      severity: 'warning',
      alertCount: 1,
      notificationCount: 2,
    });
    expect(alerts).toEqual([
      expect.objectContaining({
        summary: 'Disk 91% on web-1',
        severity: 'warning',
        details: { used: '91%' },
        count: 1,
      }),
    ]);
    expect(timeline.some((e) => e.kind === 'severity_changed')).toBe(false);
  });

  it('ignores a repeat in the very batch that opens the incident, too', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    const louder = {
      ...warn,
      labels: { ...warn.labels, severity: 'critical' },
      annotations: { summary: 'p99 latency above 5s' },
    };
    await send(integration.url, {
      ...notification([{ alert: warn, status: 'firing' }]),
      alerts: [
        { ...warn, status: 'firing' },
        { ...louder, status: 'firing' },
      ],
      commonAnnotations: {},
    });
    const { incident, alerts } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      title: 'p99 latency above 1s',
      severity: 'warning',
      alertCount: 1,
      notificationCount: 2,
    });
    expect(alerts.map((a) => [a.summary, a.count])).toEqual([['p99 latency above 1s', 1]]);
  });

  it('ends the alerts still firing when a person resolves the incident, saying so, without acknowledging it', async () => {
    const { serviceId, integration } = await serviceWith('alertmanager');
    await send(
      integration.url,
      notification([
        { alert: warn, status: 'firing' },
        { alert: crit, status: 'firing' },
      ]),
    );
    await send(
      integration.url,
      notification([
        { alert: warn, status: 'resolved' },
        { alert: crit, status: 'firing' },
      ]),
    );
    const { incident } = await onlyIncident(serviceId);
    const ana = await createUser('Ana');
    expect((await command(ana, incident.id, 'resolve')).status).toBe(200);

    const after = await onlyIncident(serviceId);
    expect(after.incident).toMatchObject({
      status: 'resolved',
      firingCount: 0,
      alertCount: 2,
      acknowledgedAt: null,
      acknowledgedBy: null,
    });
    expect(after.alerts.map((a) => [a.key, a.status, a.resolvedBy])).toEqual([
      [warn.fingerprint, 'resolved', 'monitor'],
      [crit.fingerprint, 'resolved', 'incident'],
    ]);
  });

  it('leaves acknowledgedAt empty when the monitor resolves an incident nobody acknowledged', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    await send(integration.url, { summary: 'Disk full on web-1', dedup_key: 'disk-web-1' });
    await send(integration.url, {
      summary: 'Disk full on web-1',
      dedup_key: 'disk-web-1',
      action: 'resolve',
    });
    const { incident } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      status: 'resolved',
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: expect.any(Number),
    });
  });
});
