/**
 * Acceptance: the real Prometheus Alertmanager (Debian's package) pages Firebell, started as `npm start` starts it,
 * through webhook_configs, pagerduty_configs and opsgenie_configs, each pointed at the URL Firebell hands out;
 * an alert fired with amtool opens an incident through each, and ending it resolves each of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, IncidentAlert, TimelineEntry } from '../../schema/incident';
import { Alertmanager, type ListedAlert } from './alertmanager';
import { Firebell, until } from './harness';

type IntegrationType = 'alertmanager' | 'pagerduty' | 'opsgenie';
const TYPES: IntegrationType[] = ['alertmanager', 'pagerduty', 'opsgenie'];

interface Created {
  id: string;
  type: IntegrationType;
  key: string;
  url: string;
}
interface View {
  incident: Incident;
  timeline: TimelineEntry[];
  alerts: IncidentAlert[];
}
interface Listed {
  id: string;
  type: string;
  recentPayloads: {
    receivedAt: number;
    method: string;
    userAgent: string | null;
    body: string;
    outcome: string;
    detail: string;
  }[];
}

const LABELS = { alertname: 'DiskFull', instance: 'web-1', severity: 'critical' };
const SUMMARY = 'Disk full on web-1';
const labelArgs = Object.entries(LABELS).map(([k, v]) => `${k}=${v}`);
const annotationArgs = [`--annotation=summary=${SUMMARY}`];

let fb: Firebell;
let am: Alertmanager;
let serviceId = '';
const integrations = {} as Record<IntegrationType, Created>;
/** Incident id per integration, once each path has opened one. */
const opened = {} as Record<IntegrationType, string>;
let startsAt = '';
let alert: ListedAlert;

const view = async (id: string) => {
  const res = await fb.api<View>(`/api/incidents/${id}`);
  if (res.status !== 200)
    throw new Error(`GET /api/incidents/${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const serviceIncidents = async () => {
  const res = await fb.api<{ incidents: { id: string }[] }>(
    `/api/incidents?service=${serviceId}&limit=200`,
  );
  if (res.status !== 200)
    throw new Error(`GET /api/incidents: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.incidents;
};
/** Every incident of the service, by the integration that opened it. */
async function byIntegration(): Promise<Map<IntegrationType, View[]>> {
  const views = await Promise.all((await serviceIncidents()).map((i) => view(i.id)));
  const out = new Map<IntegrationType, View[]>();
  for (const v of views) {
    const type = TYPES.find((t) => integrations[t].id === v.incident.createdBy.id);
    if (!type)
      throw new Error(
        `incident ${v.incident.id} was opened by ${JSON.stringify(v.incident.createdBy)}, not one of this test's integrations`,
      );
    out.set(type, [...(out.get(type) ?? []), v]);
  }
  return out;
}

/** What Firebell and Alertmanager said, for a failure message. */
async function diagnostics(): Promise<string> {
  const listing = await fb
    .api<{ integrations: Listed[] }>(`/api/services/${serviceId}/integrations`)
    .catch((e) => ({ body: String(e) }));
  return `\n--- integrations with recent payloads:\n${JSON.stringify(listing.body, null, 1).slice(0, 6000)}\n--- Alertmanager log (tail):\n${am?.output.slice(-4000)}`;
}
async function explain<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw new Error(`${(err as Error).message}${await diagnostics()}`);
  }
}

beforeAll(async () => {
  fb = await Firebell.start();
  const service = await fb.api<{ service: { id: string } }>('/api/services', {
    body: { name: 'storage' },
  });
  expect(service.status).toBe(201);
  serviceId = service.body.service.id;
  for (const type of TYPES) {
    const res = await fb.api<Created>(`/api/services/${serviceId}/integrations`, {
      body: { type },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    integrations[type] = res.body;
  }
  const { alertmanager: hook, pagerduty: pd, opsgenie: og } = integrations;
  expect(hook.url).toBe(`${fb.origin}/hooks/alertmanager/${hook.key}`);
  expect(pd.url).toBe(`${fb.origin}/v2/enqueue`);

  // Each config is given exactly the URL Firebell showed, and the key. Alertmanager derives both PagerDuty's
  // dedup_key and Opsgenie's alias from the same hash of the group key, and Firebell deduplicates per service
  // across integrations, so one receiver holding both would feed one shared incident. Each receiver gets its
  // own route (continue: true) so that each path's alert group, and so its incident, is its own.
  const group = {
    group_by: ['alertname', 'instance'],
    group_wait: '1s',
    group_interval: '1s',
    repeat_interval: '1h',
  };
  am = await Alertmanager.start({
    global: { resolve_timeout: '5m' },
    route: {
      receiver: 'webhook',
      ...group,
      routes: [
        { receiver: 'webhook', matchers: [`alertname="${LABELS.alertname}"`], continue: true },
        { receiver: 'pagerduty', matchers: [`instance="${LABELS.instance}"`], continue: true },
        { receiver: 'opsgenie', matchers: [`severity="${LABELS.severity}"`], continue: true },
      ],
    },
    receivers: [
      { name: 'webhook', webhook_configs: [{ url: hook.url, send_resolved: true }] },
      {
        name: 'pagerduty',
        pagerduty_configs: [{ url: pd.url, routing_key: pd.key, send_resolved: true }],
      },
      {
        name: 'opsgenie',
        opsgenie_configs: [{ api_url: og.url, api_key: og.key, send_resolved: true }],
      },
    ],
  });
});

afterAll(async () => {
  await am?.stop();
  await fb?.dispose();
});

describe('the real Alertmanager pages Firebell', () => {
  it('opens one triggered incident through each of webhook_configs, pagerduty_configs and opsgenie_configs', async () => {
    // Back-dated past group_wait, so Alertmanager notifies at once instead of waiting for the group to fill.
    startsAt = new Date(Date.now() - 60_000).toISOString();
    const firedAt = Date.now();
    await am.amtool('alert', 'add', ...labelArgs, ...annotationArgs, `--start=${startsAt}`);
    console.log(`[alertmanager e2e] amtool alert add (fire) took ${Date.now() - firedAt} ms`);
    alert = await until(
      async () => (await am.alerts()).find((a) => a.labels.alertname === LABELS.alertname),
      'Alertmanager to hold the alert',
      5_000,
    );

    const found = await explain(
      until(
        async () => {
          const map = await byIntegration();
          return TYPES.every((t) => map.has(t)) ? map : undefined;
        },
        'an incident from each of the three integrations',
        15_000,
      ),
    );
    const detected = Date.now();

    for (const type of TYPES) {
      const views = found.get(type) ?? [];
      expect(views, `${type} opened exactly one incident`).toHaveLength(1);
      const { incident, alerts } = views[0] as View;
      opened[type] = incident.id;
      expect(incident.status, type).toBe('triggered');
      expect(incident.serviceId).toBe(serviceId);
      expect(incident.createdBy).toMatchObject({ kind: 'integration', id: integrations[type].id });
      expect(alerts.length, `${type} lists the alert`).toBeGreaterThan(0);
      console.log(
        `[alertmanager e2e] ${type}: fired → opened ${incident.createdAt - firedAt} ms (seen by polling after ${detected - firedAt} ms); title ${JSON.stringify(incident.title)}, dedupKey ${incident.dedupKey}`,
      );
    }
    expect(new Set(Object.values(opened)).size, 'three distinct incidents').toBe(3);

    // The webhook incident is the alert group: the alert listed by its fingerprint, with its labels and annotations.
    const hookView = (found.get('alertmanager') ?? [])[0] as View;
    expect(hookView.incident.severity).toBe('critical');
    expect(hookView.incident.title).toBe(SUMMARY);
    expect(hookView.alerts).toHaveLength(1);
    expect(hookView.alerts[0]).toMatchObject({
      key: alert.fingerprint,
      status: 'firing',
      labels: LABELS,
      annotations: { summary: SUMMARY },
    });

    // PagerDuty and Opsgenie carry Alertmanager's rendered title ("[FIRING:1] DiskFull web-1 critical").
    for (const type of ['pagerduty', 'opsgenie'] as const) {
      const { incident } = (found.get(type) ?? [])[0] as View;
      expect(incident.title, type).toMatch(/^\[FIRING:1\] DiskFull web-1/);
    }
  });

  it('resolves each of the three incidents when the alert ends', async () => {
    expect(Object.keys(opened)).toHaveLength(3);
    // The same labels with an end time: Alertmanager marks the alert resolved and sends resolved notifications
    // on the group's next flush (group_interval after the last one).
    const endedAt = Date.now();
    await am.amtool(
      'alert',
      'add',
      ...labelArgs,
      ...annotationArgs,
      `--start=${startsAt}`,
      `--end=${new Date(endedAt - 1_000).toISOString()}`,
    );
    console.log(`[alertmanager e2e] amtool alert add (end) took ${Date.now() - endedAt} ms`);

    const resolved = await explain(
      until(
        async () => {
          const views = await Promise.all(
            TYPES.map(async (t) => [t, await view(opened[t])] as const),
          );
          return views.every(([, v]) => v.incident.status === 'resolved') ? views : undefined;
        },
        'all three incidents to resolve',
        20_000,
        100,
      ),
    );
    const detected = Date.now();

    for (const [type, { incident, alerts }] of resolved) {
      expect(incident.resolvedBy, type).toMatchObject({
        kind: 'integration',
        id: integrations[type].id,
      });
      expect(
        alerts.every((a) => a.status === 'resolved'),
        `${type}: every alert resolved`,
      ).toBe(true);
      console.log(
        `[alertmanager e2e] ${type}: end → resolved ${(incident.resolvedAt ?? 0) - endedAt} ms (seen by polling after ${detected - endedAt} ms)`,
      );
    }
    const hookAlert = resolved.find(([t]) => t === 'alertmanager')?.[1].alerts[0];
    expect(hookAlert).toMatchObject({ key: alert.fingerprint, status: 'resolved', labels: LABELS });
    // Resolving must not open anything new.
    expect((await serviceIncidents()).map((i) => i.id).sort()).toEqual(
      Object.values(opened).sort(),
    );
  });

  it('shows the payloads Alertmanager sent on each integration', async () => {
    const res = await fb.api<{ integrations: Listed[] }>(`/api/services/${serviceId}/integrations`);
    expect(res.status).toBe(200);
    for (const type of TYPES) {
      const listed = res.body.integrations.find((i) => i.id === integrations[type].id);
      expect(listed, type).toBeDefined();
      const payloads = listed?.recentPayloads ?? [];
      // Newest first: the resolved notification, then the firing one; all accepted, all from Alertmanager.
      expect(
        payloads.length,
        `${type} recorded the firing and resolved notifications`,
      ).toBeGreaterThanOrEqual(2);
      for (const p of payloads) {
        expect(p.outcome, `${type}: ${p.detail}`).toBe('accepted');
        expect(p.method).toBe('POST');
        expect(p.userAgent ?? '').toMatch(/^Alertmanager\//);
        expect(p.body, `${type}: the key is redacted`).not.toContain(integrations[type].key);
      }
      const [newest, ...older] = payloads;
      const oldest = older[older.length - 1];
      // Each says what came of it: the firing one opened this path's incident, the resolved one went to it.
      expect(oldest?.detail).toBe(`opened ${opened[type]}`);
      expect(newest?.detail).toBe(`appended to ${opened[type]}`);
      const [first, last] = [JSON.parse(oldest?.body ?? '{}'), JSON.parse(newest?.body ?? '{}')];
      if (type === 'alertmanager') {
        expect(first).toMatchObject({
          status: 'firing',
          version: '4',
          alerts: [{ fingerprint: alert.fingerprint }],
        });
        expect(last).toMatchObject({
          status: 'resolved',
          version: '4',
          alerts: [{ fingerprint: alert.fingerprint, status: 'resolved' }],
        });
      } else if (type === 'pagerduty') {
        expect(first).toMatchObject({ event_action: 'trigger', routing_key: '[redacted]' });
        expect(last).toMatchObject({ event_action: 'resolve', dedup_key: first.dedup_key });
      } else {
        // The create carries the message and alias; the close (POST /v2/alerts/<alias>/close) only its source.
        expect(first).toMatchObject({
          message: expect.stringMatching(/^\[FIRING:1\] DiskFull/),
          alias: expect.any(String),
        });
        expect(last).not.toHaveProperty('message');
      }
    }
  });
});
