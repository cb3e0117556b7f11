/**
 * Acceptance: Debian's Monit, Nagios 4 and Icinga 2 page Firebell, started as `npm start` starts it, through their
 * own notification mechanism (Monit's exec action, a Nagios or Icinga 2 notification command, each running the curl
 * command the preset's setup text gives) and a custom integration made from the ready-made mapping. A failing check opens an
 * incident; the check passing again resolves it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, IncidentAlert } from '../../schema/incident';
import { Firebell, until } from './harness';
import { Icinga2, Monit, Nagios } from './monitors';

interface Created {
  id: string;
  type: string;
  name: string;
  key: string;
  url: string;
}
interface Listed {
  id: string;
  recentPayloads: { body: string; outcome: string; detail: string; userAgent: string | null }[];
}

let fb: Firebell;
let monit: Monit | undefined;
let nagios: Nagios | undefined;
let icinga2: Icinga2 | undefined;
type Preset = 'monit' | 'nagios' | 'icinga2';
const PRESETS: Preset[] = ['monit', 'nagios', 'icinga2'];
const integrations: Record<Preset, Created> = {} as never;
/**
 * One service per monitor: Nagios and Icinga 2 both watch web-1/disk, and Firebell deduplicates by key within a
 * service, so in one service they would feed the same incident.
 */
const services: Record<Preset, string> = {} as never;

interface View {
  incident: Incident;
  alerts: IncidentAlert[];
}

/** The incidents (with their alerts) an integration opened. */
const viewsOf = async (preset: Preset): Promise<View[]> => {
  const list = await fb.api<{ incidents: { id: string }[] }>(
    `/api/incidents?service=${services[preset]}&limit=200`,
  );
  if (list.status !== 200) throw new Error(`GET /api/incidents: ${list.status}`);
  const views = await Promise.all(
    list.body.incidents.map((i) => fb.api<View>(`/api/incidents/${i.id}`)),
  );
  return views
    .map((v) => v.body)
    .filter((v) => v.incident.createdBy.id === integrations[preset].id);
};
const incidentsOf = async (preset: Preset): Promise<Incident[]> =>
  (await viewsOf(preset)).map((v) => v.incident);

/** What Firebell received and what the monitor logged, for a failure message. */
async function explain<T>(p: Promise<T>, preset: Preset, log: () => string): Promise<T> {
  try {
    return await p;
  } catch (err) {
    const listing = await fb
      .api<{ integrations: Listed[] }>(`/api/services/${services[preset]}/integrations`)
      .catch((e: unknown) => ({ body: { integrations: [], error: String(e) } }));
    const mine = listing.body.integrations.find((i) => i.id === integrations[preset].id);
    throw new Error(
      `${(err as Error).message}\n--- payloads Firebell recorded:\n${JSON.stringify(mine?.recentPayloads ?? listing.body, null, 1).slice(0, 4000)}\n--- ${preset} log (tail):\n${log().slice(-4000)}`,
    );
  }
}

beforeAll(async () => {
  fb = await Firebell.start();
  for (const preset of PRESETS) {
    const service = await fb.api<{ service: { id: string } }>('/api/services', {
      body: { name: `${preset} hosts` },
    });
    expect(service.status).toBe(201);
    services[preset] = service.body.service.id;
    const res = await fb.api<Created>(`/api/services/${services[preset]}/integrations`, {
      body: { type: 'custom', preset },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.url).toBe(`${fb.origin}/hooks/custom/${res.body.key}`);
    integrations[preset] = res.body;
  }
  // The monitors start together; each waits for its first check before the tests flip anything.
  // All settle before any failure is thrown, so afterAll stops every one that did start.
  const started = await Promise.allSettled([
    Monit.start(integrations.monit.url).then((m) => (monit = m)),
    Nagios.start(integrations.nagios.url).then((n) => (nagios = n)),
    Icinga2.start(integrations.icinga2.url).then((i) => (icinga2 = i)),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
});

afterAll(async () => {
  await Promise.all([monit?.stop(), nagios?.stop(), icinga2?.stop()]);
  await fb?.dispose();
});

describe('the real Monit pages Firebell through its exec action and the Monit preset', () => {
  it('opens an incident per failing check, and resolves each when the check passes again', async () => {
    const m = monit as Monit;
    const failedAt = Date.now();
    m.fail();
    const opened = await explain(
      until(
        async () => {
          const found = await incidentsOf('monit');
          return found.length === Monit.services.length ? found : undefined;
        },
        'an incident for each of the two Monit checks',
        20_000,
        100,
      ),
      'monit',
      () => m.log(),
    );
    console.log(
      `[real-monitors] Monit: failure → both incidents seen after ${Date.now() - failedAt} ms`,
    );
    const byKey = new Map(opened.map((i) => [i.dedupKey?.split('/')[1], i]));
    expect(byKey.get('app-ready')).toMatchObject({
      status: 'triggered',
      severity: 'critical',
      title: expect.stringMatching(/^app-ready on .+: file doesn't exist$/),
    });
    expect(byKey.get('disk-probe')).toMatchObject({
      status: 'triggered',
      severity: 'error',
      title: expect.stringMatching(/^disk-probe on .+: status failed \(2\) -- disk \/var at 97%/),
    });

    const recoveredAt = Date.now();
    m.recover();
    const resolved = await explain(
      until(
        async () => {
          const found = await incidentsOf('monit');
          return found.every((i) => i.status === 'resolved') ? found : undefined;
        },
        'both Monit incidents to resolve',
        20_000,
        100,
      ),
      'monit',
      () => m.log(),
    );
    console.log(
      `[real-monitors] Monit: recovery → both resolved, seen after ${Date.now() - recoveredAt} ms`,
    );
    // Resolved by the same integration, on the same incidents: nothing new opened.
    expect(resolved.map((i) => i.id).sort()).toEqual(opened.map((i) => i.id).sort());
    for (const i of resolved)
      expect(i.resolvedBy).toMatchObject({ kind: 'integration', id: integrations.monit.id });
  });
});

describe.each([
  { preset: 'nagios' as const, name: 'Nagios 4', monitor: () => nagios as Nagios },
  { preset: 'icinga2' as const, name: 'Icinga 2', monitor: () => icinga2 as Icinga2 },
])(
  'the real $name pages Firebell through a notification command and its preset',
  ({ preset, name, monitor }) => {
    it('opens a critical incident when the service goes CRITICAL', async () => {
      const n = monitor();
      const failedAt = Date.now();
      n.setState('CRITICAL', 'DISK CRITICAL - free space: /var 310 MB (3%)');
      const [incident] = await explain(
        until(
          async () => {
            const found = await incidentsOf(preset);
            return found.length > 0 ? found : undefined;
          },
          `an incident from the ${name} notification`,
          20_000,
          100,
        ),
        preset,
        () => n.log(),
      );
      console.log(
        `[real-monitors] ${name}: CRITICAL → incident seen after ${Date.now() - failedAt} ms`,
      );
      expect(incident).toMatchObject({
        status: 'triggered',
        severity: 'critical',
        dedupKey: `${Nagios.host}/${Nagios.service}`,
        title: 'web-1/disk is CRITICAL: DISK CRITICAL - free space: /var 310 MB (3%)',
      });
    });

    it(`acknowledges it when an operator acknowledges the problem in ${name}`, async () => {
      const n = monitor();
      n.acknowledge('alice', 'Looking into it');
      const [incident] = await explain(
        until(
          async () => {
            const found = await incidentsOf(preset);
            return found[0]?.status === 'acknowledged' ? found : undefined;
          },
          `the ${name} incident to be acknowledged`,
          20_000,
          100,
        ),
        preset,
        () => n.log(),
      );
      expect(incident?.acknowledgedBy).toMatchObject({
        kind: 'integration',
        id: integrations[preset].id,
      });
    });

    it('resolves it when the service recovers', async () => {
      const n = monitor();
      const recoveredAt = Date.now();
      n.setState('OK', 'DISK OK - free space: /var 6200 MB (62%)');
      const found = await explain(
        until(
          async () => {
            const all = await incidentsOf(preset);
            return all[0]?.status === 'resolved' ? all : undefined;
          },
          `the ${name} incident to resolve`,
          20_000,
          100,
        ),
        preset,
        () => n.log(),
      );
      console.log(
        `[real-monitors] ${name}: OK → resolved, seen after ${Date.now() - recoveredAt} ms`,
      );
      expect(found).toHaveLength(1);
      expect(found[0]?.resolvedBy).toMatchObject({
        kind: 'integration',
        id: integrations[preset].id,
      });
    });
  },
);

describe('every monitor', () => {
  it('recorded every notification as accepted, from curl, each alert mapped without a fallback', async () => {
    for (const preset of PRESETS) {
      const res = await fb.api<{ integrations: Listed[] }>(
        `/api/services/${services[preset]}/integrations`,
      );
      const listed = res.body.integrations.find((i) => i.id === integrations[preset].id);
      const payloads = listed?.recentPayloads ?? [];
      // Monit: two failures and two recoveries; Nagios and Icinga 2: problem, acknowledgement, recovery.
      expect(payloads, preset).toHaveLength(preset === 'monit' ? 4 : 3);
      for (const p of payloads) {
        expect(p.outcome, `${preset}: ${p.detail}`).toBe('accepted');
        expect(p.userAgent ?? '').toMatch(/^curl\//);
      }
      // Each alert keeps the monitor's form fields as details, with no mapping notes among them.
      for (const { alerts } of await viewsOf(preset)) {
        expect(alerts).toHaveLength(1);
        const [alert] = alerts as [IncidentAlert];
        expect(alert.status).toBe('resolved');
        expect(alert.details, preset).not.toHaveProperty('firebell_mapping_notes');
        expect(alert.details, preset).toMatchObject(
          preset === 'monit'
            ? { service: expect.any(String), event: expect.any(String), host: expect.any(String) }
            : { host: Nagios.host, service: Nagios.service, type: 'PROBLEM', state: 'CRITICAL' },
        );
      }
    }
  });
});
