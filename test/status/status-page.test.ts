/**
 * The public status page: components, publishing from an incident, the cached HTML, the feeds and the
 * Statuspage-compatible JSON, and that nothing private ever reaches any of them.
 */
import { SELF, env, runDurableObjectAlarm } from 'cloudflare:test';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { z } from 'zod';
import type { Publication, StatusComponent } from '../../schema/status-page-schemas';
import {
  ADMIN,
  BASE,
  api,
  command,
  createUser,
  json,
  openIncident,
  timeline,
  type TestUser,
} from '../helpers';
import { newIntegration, newService, send } from '../ingest/support';
import { subscriber } from '../push/fixtures';
import { receiver, until } from '../webhooks/receiver';
import { now, setClock } from '../../worker/clock';
import { heldPage } from '../../worker/status/cache';
import { STATUS_CSP } from '../../worker/status/render';
import { RETRY_FOR_MS, statusPushQueue } from '../../worker/status/push-queue';

let rita: TestUser;
let checkoutService: string;
let searchService: string;

const get = (path: string) => SELF.fetch(`${BASE}${path}`);
const text = async (path: string) => (await get(path)).text();

async function addComponent(body: Record<string, unknown>): Promise<StatusComponent> {
  return (
    await json<{ component: StatusComponent }>(
      api('/api/status/components', { body, headers: ADMIN }),
      201,
    )
  ).component;
}

async function publish(incidentId: string, body: Record<string, unknown>): Promise<Publication> {
  return (
    await json<{ publication: Publication }>(
      api(`/api/incidents/${incidentId}/status-page`, { body, headers: rita.auth }),
      200,
    )
  ).publication;
}

beforeAll(async () => {
  rita = await createUser('Rita Responder');
  checkoutService = await newService('checkout-svc-internal');
  searchService = await newService('search-svc-internal');
});

describe('components', () => {
  it('lets an admin add grouped components mapped to services, and refuses unknown services', async () => {
    const web = await addComponent({
      name: 'Web checkout',
      group: 'Shop',
      serviceIds: [checkoutService],
    });
    expect(web).toMatchObject({ group: 'Shop', state: 'operational', overrideState: null });
    expect(web.serviceIds).toEqual([checkoutService]);

    const bad = await api('/api/status/components', {
      body: { name: 'Ghost', serviceIds: ['svc_nope'] },
      headers: ADMIN,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(((await bad.json()) as { detail: string }).detail).toContain('unknown service svc_nope');

    const asResponder = await api('/api/status/components', {
      body: { name: 'Nope', serviceIds: [checkoutService] },
      headers: rita.auth,
    });
    expect(asResponder.status).toBe(403);
  });

  it('shows a state published by hand over the one derived from incidents, until it is cleared', async () => {
    const c = await addComponent({ name: 'Override me', serviceIds: [searchService] });
    const inc = await openIncident(rita, { title: 'override test' });
    await publish(inc.id, {
      title: 'Slow pages',
      status: 'investigating',
      body: 'Looking into it.',
      components: [{ id: c.id, state: 'degraded_performance' }],
    });
    const state = async () =>
      (
        await json<{ components: { id: string; status: string }[] }>(
          get('/api/v2/components.json'),
          200,
        )
      ).components.find((x) => x.id === c.id)?.status;
    expect(await state()).toBe('degraded_performance');

    const patched = await api(`/api/status/components/${c.id}`, {
      method: 'PATCH',
      body: { overrideState: 'under_maintenance' },
      headers: ADMIN,
    });
    expect(patched.status).toBe(200);
    expect(await state()).toBe('under_maintenance');

    await api(`/api/status/components/${c.id}`, {
      method: 'PATCH',
      body: { overrideState: null },
      headers: ADMIN,
    });
    expect(await state()).toBe('degraded_performance');
    await publish(inc.id, { status: 'resolved', body: 'Fixed.' });
    expect(await state()).toBe('operational');
  });
});

describe('publishing an incident', () => {
  it('needs a public title the first time and a known component', async () => {
    const inc = await openIncident(rita);
    const untitled = await api(`/api/incidents/${inc.id}/status-page`, {
      body: { status: 'investigating', body: 'Looking.' },
      headers: rita.auth,
    });
    expect(untitled.status).toBe(400);
    expect(((await untitled.json()) as { detail: string }).detail).toContain('title');
    const unknown = await api(`/api/incidents/${inc.id}/status-page`, {
      body: {
        title: 'x',
        status: 'investigating',
        body: 'y',
        components: [{ id: 'cmp_nope', state: 'major_outage' }],
      },
      headers: rita.auth,
    });
    expect(unknown.status).toBe(400);
    const missing = await api(`/api/incidents/inc_nope/status-page`, {
      body: { title: 'x', status: 'investigating', body: 'y' },
      headers: rita.auth,
    });
    expect(missing.status).toBe(404);
  });

  it('shows the update on /status, in the timeline and in the feeds; a second read after an update shows it', async () => {
    const c = await addComponent({
      name: 'Payments API',
      group: 'Shop',
      serviceIds: [checkoutService],
    });
    const inc = await openIncident(rita, { serviceId: checkoutService });

    const before = await get('/status');
    expect(before.headers.get('content-type')).toContain('text/html');
    expect(await before.text()).not.toContain('Card payments failing');
    const again = await get('/status');
    expect(again.headers.get('x-status-cache')).toBe('hit');
    expect(again.headers.get('cache-control')).toMatch(/public, max-age=\d$/);

    const pub = await publish(inc.id, {
      title: 'Card payments failing',
      status: 'investigating',
      body: 'We are investigating failed card payments.',
      components: [{ id: c.id, state: 'partial_outage' }],
    });
    expect(pub.updates).toHaveLength(1);
    expect(pub.updates[0]!.components).toEqual([
      { id: c.id, name: 'Payments API', old: 'operational', new: 'partial_outage' },
    ]);

    const page = await get('/status');
    expect(page.headers.get('x-status-cache')).toBe('miss');
    const html = await page.text();
    expect(html).toContain('Card payments failing');
    expect(html).toContain('We are investigating failed card payments.');
    expect(html).toMatch(/Payments API<\/strong>\s*<span class="state"[^>]*>Partial outage/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    // One script, our own, deferred: the optional "Get notified" control. The page works without it.
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script src="/status/subscribe.js" defer>']);

    const entries = await timeline(inc.id);
    expect(entries.at(-1)).toMatchObject({ kind: 'status_update' });
    expect(JSON.stringify(entries.at(-1))).toContain('Card payments failing');

    await publish(inc.id, { status: 'identified', body: 'A bad deploy; rolling back.' });
    expect(await text('/status')).toContain('A bad deploy; rolling back.');
    expect(await text('/status/feed.atom')).toContain('A bad deploy; rolling back.');

    await publish(inc.id, {
      status: 'resolved',
      body: 'Payments work again.',
      components: [{ id: c.id, state: 'operational' }],
    });
    const summary = await json<{ incidents: { id: string }[] }>(get('/api/v2/summary.json'), 200);
    expect(summary.incidents.map((i) => i.id)).not.toContain(pub.id);
    const all = await json<{ incidents: { id: string; status: string }[] }>(
      get('/status/api/v2/incidents.json'),
      200,
    );
    expect(all.incidents.find((i) => i.id === pub.id)?.status).toBe('resolved');
  });

  it('answers a reader held in memory, before the app, with the headers the app gives the page', async () => {
    await get('/status');
    const viaApp = await SELF.fetch(`${BASE}/status`, { method: 'HEAD' });
    const held = heldPage(new Request(`${BASE}/status`), now());
    expect(held).not.toBeNull();
    const headers = (res: Response) =>
      Object.fromEntries([...res.headers].filter(([name]) => name !== 'content-length'));
    expect(headers(held!)).toEqual(headers(viaApp));
    expect(await held!.text()).toContain('</html>');
    // Hardened like every other answer; only the Content-Security-Policy is the page's own.
    const health = await get('/api/health');
    const own = ['content-type', 'content-length', 'cache-control', 'content-security-policy'];
    for (const [name, value] of health.headers)
      if (!own.includes(name)) expect(held!.headers.get(name), name).toBe(value);
    expect(held!.headers.get('content-security-policy')).toBe(STATUS_CSP);
    // The page is for reading: only the JSON and feeds are open to other sites' scripts.
    expect(held!.headers.get('access-control-allow-origin')).toBeNull();
    expect((await get('/status/feed.atom')).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves Atom and RSS with one entry per public update', async () => {
    const atom = await get('/status/feed.atom');
    expect(atom.headers.get('content-type')).toContain('application/atom+xml');
    const body = await atom.text();
    expect(body).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(body).toContain(
      '<title type="html"><![CDATA[Card payments failing: Resolved]]></title>',
    );
    const rss = await get('/status/feed.rss');
    expect(rss.headers.get('content-type')).toContain('application/rss+xml');
    expect(await rss.text()).toMatch(/<rss version="2.0"[\s\S]*Card payments failing: Identified/);
  });
});

describe('notices without an incident', () => {
  it('lets an admin post a maintenance that shows in scheduled-maintenances.json and on the page', async () => {
    const c = await addComponent({ name: 'Search', serviceIds: [searchService] });
    const at = Date.now() + 3_600_000;
    const res = await api('/api/status/notices', {
      body: {
        kind: 'maintenance',
        title: 'Search index upgrade',
        body: 'Search may be slow for 30 minutes.',
        components: [{ id: c.id, state: 'under_maintenance' }],
        scheduledFor: at,
        scheduledUntil: at + 1_800_000,
      },
      headers: ADMIN,
    });
    const { publication } = await json<{ publication: Publication }>(res, 201);
    expect(publication.status).toBe('scheduled');
    const m = await json<{
      scheduled_maintenances: { id: string; status: string; scheduled_for: string }[];
    }>(get('/api/v2/scheduled-maintenances.json'), 200);
    expect(m.scheduled_maintenances.find((x) => x.id === publication.id)).toMatchObject({
      status: 'scheduled',
      scheduled_for: new Date(at).toISOString(),
    });
    expect(await text('/status')).toContain('Search index upgrade');
    // Scheduled is not yet in progress: the component stays operational until it starts.
    const comps = await json<{ components: { id: string; status: string }[] }>(
      get('/api/v2/components.json'),
      200,
    );
    expect(comps.components.find((x) => x.id === c.id)?.status).toBe('operational');
    const started = await api(`/api/status/notices/${publication.id}/updates`, {
      body: { status: 'in_progress', body: 'Started.' },
      headers: ADMIN,
    });
    expect(started.status).toBe(200);
    const after = await json<{ components: { id: string; status: string }[] }>(
      get('/api/v2/components.json'),
      200,
    );
    expect(after.components.find((x) => x.id === c.id)?.status).toBe('under_maintenance');
  });
});

describe('maintenance windows on the page', () => {
  it('shows a published window as scheduled, then in progress with its components under maintenance, until it ends', async () => {
    const service = await newService('db-cluster-internal');
    const c = await addComponent({ name: 'Reports', serviceIds: [service] });
    const window = async (body: Record<string, unknown>) =>
      (
        await json<{ window: { id: string; statusPage?: { publicName: string } | null } }>(
          api('/api/maintenance-windows', { body, headers: ADMIN }),
          201,
        )
      ).window;
    const start = Date.now() + 2 * 3_600_000;
    const upcoming = await window({
      name: 'db-cluster-7 kernel patch',
      serviceIds: [service],
      schedule: { type: 'once', start, end: start + 1_800_000 },
      statusPage: { publicName: 'Reports database upgrade' },
    });
    expect(upcoming.statusPage).toEqual({ publicName: 'Reports database upgrade' });
    type Maint = {
      id: string;
      name: string;
      status: string;
      scheduled_for: string;
      components: { id: string }[];
    };
    const maints = async (doc: string) =>
      (await json<{ scheduled_maintenances: Maint[] }>(get(`/api/v2/${doc}`), 200))
        .scheduled_maintenances;
    const state = async () =>
      (
        await json<{ components: { id: string; status: string }[] }>(
          get('/api/v2/components.json'),
          200,
        )
      ).components.find((x) => x.id === c.id)?.status;

    const listed = (await maints('scheduled-maintenances/upcoming.json')).find(
      (m) => m.name === 'Reports database upgrade',
    );
    expect(listed).toMatchObject({
      status: 'scheduled',
      scheduled_for: new Date(start).toISOString(),
      components: [{ id: c.id }],
    });
    expect(await state()).toBe('operational');

    // An edit without statusPage keeps it published; moving it to now starts it.
    const put = await api(`/api/maintenance-windows/${upcoming.id}`, {
      method: 'PUT',
      body: {
        name: 'db-cluster-7 kernel patch',
        serviceIds: [service],
        schedule: { type: 'once', start: Date.now() - 60_000, end: Date.now() + 3_600_000 },
      },
      headers: ADMIN,
    });
    expect(put.status).toBe(200);
    expect(await state()).toBe('under_maintenance');
    const active = await maints('scheduled-maintenances/active.json');
    expect(active.find((m) => m.name === 'Reports database upgrade')?.status).toBe('in_progress');
    const summary = await json<{ scheduled_maintenances: Maint[] }>(
      get('/api/v2/summary.json'),
      200,
    );
    expect(summary.scheduled_maintenances.map((m) => m.name)).toContain('Reports database upgrade');
    for (const doc of ['summary.json', 'scheduled-maintenances.json']) {
      const parsed = DOCUMENTED[doc]!.safeParse(await (await get(`/api/v2/${doc}`)).json());
      expect(parsed.success ? [] : parsed.error.issues, doc).toEqual([]);
    }
    const html = await text('/status');
    expect(html).toContain('Reports database upgrade');
    expect(html).toMatch(/Reports<\/strong>\s*<span class="state"[^>]*>Under maintenance/);
    expect(html).not.toContain('kernel patch');

    const ended = await api(`/api/maintenance-windows/${upcoming.id}/end`, {
      method: 'POST',
      headers: ADMIN,
    });
    expect(ended.status).toBe(200);
    expect(await state()).toBe('operational');
    expect((await maints('scheduled-maintenances.json')).map((m) => m.name)).not.toContain(
      'Reports database upgrade',
    );
  });
});

// Atlassian Statuspage's public API (v2), as documented: field names and types of each document.
const iso = z.string().datetime({ offset: true });
const pageShape = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string().url(),
    time_zone: z.string(),
    updated_at: iso,
  })
  .strict();
const componentShape = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum([
      'operational',
      'degraded_performance',
      'partial_outage',
      'major_outage',
      'under_maintenance',
    ]),
    created_at: iso,
    updated_at: iso,
    position: z.number().int(),
    description: z.string().nullable(),
    showcase: z.boolean(),
    start_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable(),
    group_id: z.string().nullable(),
    page_id: z.string(),
    group: z.boolean(),
    only_show_if_degraded: z.boolean(),
    components: z.array(z.string()).optional(),
  })
  .strict();
const updateShape = z
  .object({
    id: z.string(),
    status: z.string(),
    body: z.string(),
    incident_id: z.string(),
    created_at: iso,
    updated_at: iso,
    display_at: iso,
    affected_components: z
      .array(
        z
          .object({
            code: z.string(),
            name: z.string(),
            old_status: z.string(),
            new_status: z.string(),
          })
          .strict(),
      )
      .nullable(),
    deliver_notifications: z.boolean(),
    custom_tweet: z.string().nullable(),
    tweet_id: z.string().nullable(),
  })
  .strict();
const incidentFields = {
  id: z.string(),
  name: z.string(),
  created_at: iso,
  updated_at: iso,
  monitoring_at: iso.nullable(),
  resolved_at: iso.nullable(),
  shortlink: z.string().url(),
  started_at: iso,
  page_id: z.string(),
  incident_updates: z.array(updateShape),
  components: z.array(componentShape),
};
const incidentShape = z
  .object({
    ...incidentFields,
    status: z.enum(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']),
    impact: z.enum(['none', 'minor', 'major', 'critical']),
  })
  .strict();
const maintenanceShape = z
  .object({
    ...incidentFields,
    status: z.enum(['scheduled', 'in_progress', 'verifying', 'completed']),
    impact: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
    scheduled_for: iso,
    scheduled_until: iso.nullable(),
  })
  .strict();
const statusShape = z
  .object({ indicator: z.enum(['none', 'minor', 'major', 'critical']), description: z.string() })
  .strict();
const DOCUMENTED: Record<string, z.ZodTypeAny> = {
  'summary.json': z
    .object({
      page: pageShape,
      components: z.array(componentShape),
      incidents: z.array(incidentShape),
      scheduled_maintenances: z.array(maintenanceShape),
      status: statusShape,
    })
    .strict(),
  'status.json': z.object({ page: pageShape, status: statusShape }).strict(),
  'components.json': z.object({ page: pageShape, components: z.array(componentShape) }).strict(),
  'incidents.json': z.object({ page: pageShape, incidents: z.array(incidentShape) }).strict(),
  'incidents/unresolved.json': z
    .object({ page: pageShape, incidents: z.array(incidentShape) })
    .strict(),
  'scheduled-maintenances.json': z
    .object({ page: pageShape, scheduled_maintenances: z.array(maintenanceShape) })
    .strict(),
};

describe('Statuspage-compatible JSON', () => {
  it('answers every documented endpoint, under /api/v2 and /status/api/v2, in the documented shape', async () => {
    // One open incident with two updates, so every nested shape is exercised.
    const c = await addComponent({ name: 'Login', group: 'Accounts', serviceIds: [searchService] });
    const inc = await openIncident(rita);
    await publish(inc.id, {
      title: 'Sign-in errors',
      status: 'investigating',
      body: 'Some sign-ins fail.',
      components: [{ id: c.id, state: 'major_outage' }],
    });
    await publish(inc.id, { status: 'monitoring', body: 'A fix is out.' });
    for (const prefix of ['/api/v2/', '/status/api/v2/']) {
      for (const [name, shape] of Object.entries(DOCUMENTED)) {
        const res = await get(`${prefix}${name}`);
        expect(res.status, `${prefix}${name}`).toBe(200);
        expect(res.headers.get('content-type')).toContain('application/json');
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        const parsed = shape.safeParse(await res.json());
        expect(parsed.success ? [] : parsed.error.issues, `${prefix}${name}`).toEqual([]);
      }
    }
    const summary = await json<{
      status: { indicator: string };
      incidents: {
        name: string;
        impact: string;
        monitoring_at: string | null;
        incident_updates: { status: string }[];
      }[];
      components: { name: string; group: boolean; status: string; components?: string[] }[];
    }>(get('/api/v2/summary.json'), 200);
    expect(summary.status.indicator).toBe('critical');
    const signIn = summary.incidents.find((i) => i.name === 'Sign-in errors');
    expect(signIn).toMatchObject({ impact: 'critical', monitoring_at: expect.any(String) });
    expect(signIn?.incident_updates.map((u) => u.status)).toEqual(['monitoring', 'investigating']);
    expect(summary.components.find((x) => x.name === 'Accounts')).toMatchObject({
      group: true,
      status: 'major_outage',
      components: [c.id],
    });
    const unknown = await get('/api/v2/nope.json');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('OpenAPI', () => {
  it('documents the page, its feeds, every Statuspage document and the subscriber routes', async () => {
    const doc = await json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>(get('/api/openapi.json'), 200);
    for (const path of [
      '/status',
      '/status/feed.atom',
      '/status/feed.rss',
      ...Object.keys(DOCUMENTED).flatMap((n) => [`/api/v2/${n}`, `/status/api/v2/${n}`]),
    ])
      expect(doc.paths[path]?.get?.responses['200'], path).toBeDefined();
    expect(Object.keys(doc.paths['/status/subscriptions']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '429', '503']),
    );
    expect(doc.paths['/status/unsubscribe']?.post?.responses['204']).toBeDefined();
    expect(Object.keys(doc.paths['/status/subscriptions/email']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['202', '400', '429', '503']),
    );
    expect(doc.paths['/status/subscriptions/email/confirm']?.post?.responses['204']).toBeDefined();
    // The bench's Durable Object stub counter is off unless BENCH_COUNTERS is "true".
    expect((await get('/api/bench/object-stubs')).status).toBe(404);
    env.BENCH_COUNTERS = 'true';
    try {
      const before = await json<{ incident: number }>(get('/api/bench/object-stubs'), 200);
      await text('/status');
      await text('/api/v2/summary.json');
      expect((await json<{ incident: number }>(get('/api/bench/object-stubs'), 200)).incident).toBe(
        before.incident,
      );
    } finally {
      env.BENCH_COUNTERS = undefined;
    }
  });
});

describe('privacy', () => {
  it('never shows an incident’s private fields on the page, the feeds or the JSON', async () => {
    const unmapped = await newService('ledger-db-unmapped-svc');
    const integration = await newIntegration(unmapped, 'generic');
    const accepted = await json<{ incidents: { incidentId: string }[] }>(
      send(integration.url, {
        summary: 'INTERNAL-TITLE ledger-db-7 disk 99% full',
        severity: 'critical',
        dedup_key: 'ledger-disk',
        details: { host: 'ledger-db-7.corp.internal', runbook: 'ALERT-DETAIL-SECRET' },
      }),
      202,
    );
    const incidentId = accepted.incidents[0]!.incidentId;
    const silas = await createUser('Silas Secretname');
    expect((await command(silas, incidentId, 'acknowledge')).status).toBe(200);
    expect(
      (await command(rita, incidentId, 'notes', { text: 'NOTE-SECRET root password rotated' }))
        .status,
    ).toBeLessThan(300);
    const shown = await addComponent({ name: 'Ledger', serviceIds: [checkoutService] });
    // Maintenance windows: one internal only, one published under a public name (its own name stays inside).
    const soon = Date.now() + 3_600_000;
    for (const [name, service, statusPage] of [
      ['WINDOW-SECRET unpublished', unmapped, undefined],
      ['WINDOW-SECRET internal name', checkoutService, { publicName: 'Planned ledger upgrade' }],
    ] as const)
      expect(
        (
          await api('/api/maintenance-windows', {
            body: {
              name,
              serviceIds: [service],
              schedule: { type: 'once', start: soon, end: soon + 600_000 },
              ...(statusPage ? { statusPage } : {}),
            },
            headers: ADMIN,
          })
        ).status,
      ).toBe(201);
    await publish(incidentId, {
      title: 'Delayed ledger updates',
      status: 'identified',
      body: 'Balances may update late; we know why.',
      components: [{ id: shown.id, state: 'degraded_performance' }],
    });

    const privateFields = [
      incidentId,
      'INTERNAL-TITLE',
      'ledger-db-7',
      'corp.internal',
      'ALERT-DETAIL-SECRET',
      'NOTE-SECRET',
      'Silas',
      'Secretname',
      'Rita',
      'ledger-db-unmapped-svc',
      unmapped,
      'checkout-svc-internal',
      checkoutService,
      'critical severity',
      'WINDOW-SECRET',
    ];
    const endpoints = [
      '/status',
      '/status/feed.atom',
      '/status/feed.rss',
      ...Object.keys(DOCUMENTED).flatMap((n) => [`/api/v2/${n}`, `/status/api/v2/${n}`]),
    ];
    for (const path of endpoints) {
      const body = await text(path);
      if (path === '/status' || path.includes('summary') || path.endsWith('incidents.json'))
        expect(body, path).toContain('Delayed ledger updates');
      if (path === '/status' || path.includes('summary') || path.includes('maintenances'))
        expect(body, path).toContain('Planned ledger upgrade');
      for (const secret of privateFields)
        expect(body.includes(secret), `${path} shows ${secret}`).toBe(false);
    }
  });
});

describe('push subscribers without an account', () => {
  const fcm = () => `https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`;
  const subscribe = async (endpoint: string, client: string, keys?: object) =>
    SELF.fetch(`${BASE}/status/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': client },
      body: JSON.stringify({
        endpoint,
        expirationTime: null,
        keys: keys ?? (({ p256dh, auth }) => ({ p256dh, auth }))(await subscriber()),
      }),
    });
  const detail = async (res: Response) => {
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    return ((await res.json()) as { detail: string }).detail;
  };
  const row = (id: string) =>
    env.DB.prepare('SELECT * FROM status_subscribers WHERE id = ?').bind(id).first();

  it('offers the control on /status, refuses what is not a browser push subscription, and keeps only the subscription and a token hash', async () => {
    const html = await text('/status');
    expect(html).toMatch(/<section\s+id="notify"\s+hidden[^>]*data-vapid-key="[\w-]{80,}"/);
    const script = await get('/status/subscribe.js');
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain("register('/sw.js', { scope: '/' })");
    expect((await get('/status')).headers.get('content-security-policy')).toContain(
      "script-src 'self'",
    );

    const elsewhere = await subscribe('https://attacker.example/collect', '198.51.100.1');
    expect(elsewhere.status).toBe(400);
    expect(await detail(elsewhere)).toContain('push service');
    const badKeys = await subscribe(fcm(), '198.51.100.1', { p256dh: 'abc', auth: 'abc' });
    expect(badKeys.status).toBe(400);
    expect(await detail(badKeys)).toMatch(/keys\.p256dh.*65-byte/);
    const extra = await SELF.fetch(`${BASE}/status/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: fcm(), keys: {}, email: 'x@example.com' }),
    });
    expect(extra.status).toBe(400);

    const endpoint = fcm();
    const created = await subscribe(endpoint, '198.51.100.1');
    expect(created.status).toBe(201);
    const s = (await created.json()) as {
      id: string;
      unsubscribeToken: string;
      unsubscribeUrl: string;
    };
    expect(s.unsubscribeUrl).toBe(
      `http://127.0.0.1:8787/status/unsubscribe?token=${encodeURIComponent(s.unsubscribeToken)}`,
    );
    const stored = (await row(s.id)) as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(
      ['auth', 'created_at', 'endpoint', 'id', 'p256dh', 'token_hash'].sort(),
    );
    expect(stored.token_hash).not.toContain(s.unsubscribeToken);
    expect(
      JSON.stringify(await env.DB.prepare('SELECT * FROM status_subscribe_rate').all()),
    ).not.toContain('198.51.100.1');
    // The same browser again: the same subscriber, its keys refreshed.
    const again = await subscribe(endpoint, '198.51.100.1');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(s.id);

    // One tap: the link's page has one button (a prefetch unsubscribes nobody), the POST unsubscribes.
    const confirm = await get(
      `/status/unsubscribe?token=${encodeURIComponent(s.unsubscribeToken)}`,
    );
    expect(await confirm.text()).toContain('<form method="post"');
    expect(confirm.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(await row(s.id)).not.toBeNull();
    const gone = await SELF.fetch(s.unsubscribeUrl, { method: 'POST' });
    expect(gone.status).toBe(204);
    expect(await row(s.id)).toBeNull();
    const twice = await SELF.fetch(s.unsubscribeUrl, { method: 'POST' });
    expect(twice.status).toBe(404);
    expect(await detail(twice)).toContain('already unsubscribed');
  });

  it('limits subscribing per client (429 with Retry-After) and in total (503)', async () => {
    for (let i = 0; i < 10; i++) expect((await subscribe(fcm(), '203.0.113.7')).status).toBe(201);
    const limited = await subscribe(fcm(), '203.0.113.7');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await detail(limited)).toContain('at most 10 an hour');
    // Another client is not held back by that one.
    expect((await subscribe(fcm(), '203.0.113.8')).status).toBe(201);

    const count = (await env.DB.prepare('SELECT count(*) AS n FROM status_subscribers').first<{
      n: number;
    }>())!.n;
    env.STATUS_SUBSCRIBERS_MAX = String(count);
    try {
      const full = await subscribe(fcm(), '203.0.113.9');
      expect(full.status).toBe(503);
      expect(await detail(full)).toContain(`limit of ${count} notification subscribers`);
    } finally {
      env.STATUS_SUBSCRIBERS_MAX = undefined;
    }
    await env.DB.prepare('DELETE FROM status_subscribers').run();
  });

  it('pushes every public update to every subscriber off the publishing request, and drops those whose push service says gone', async () => {
    env.ALLOW_INSECURE_OUTBOUND = 'true';
    try {
      await env.DB.prepare('DELETE FROM status_subscribers').run();
      const live = await receiver([{ status: 201 }]);
      const dead = await receiver([{ status: 410 }]);
      const liveSub = (await (await subscribe(live.url, '192.0.2.10')).json()) as { id: string };
      const deadSub = (await (await subscribe(dead.url, '192.0.2.11')).json()) as { id: string };
      expect(await row(deadSub.id)).not.toBeNull();

      const inc = await openIncident(rita);
      const pub = await publish(inc.id, {
        title: 'Push subscribers hear this',
        status: 'investigating',
        body: 'Something is off.',
      });
      const queue = statusPushQueue(env);
      const progress = await until(
        'the fan-out to finish',
        async () => {
          await runDurableObjectAlarm(queue);
          return queue.progress();
        },
        (p) => p.finished.some((f) => f.publicationId === pub.id),
      );
      expect(progress.finished.find((f) => f.publicationId === pub.id)).toEqual({
        publicationId: pub.id,
        sent: 1,
        gone: 1,
        failed: 0,
      });
      for (const r of [live, dead]) {
        const [push] = await r.received();
        expect(push?.headers['content-encoding']).toBe('aes128gcm');
        expect(Number(push?.headers.ttl)).toBeGreaterThan(0);
        expect(push?.headers.authorization).toMatch(/^vapid t=/);
      }
      expect(await row(deadSub.id)).toBeNull();
      expect(await row(liveSub.id)).not.toBeNull();
    } finally {
      env.ALLOW_INSECURE_OUTBOUND = undefined;
    }
  });

  /** Publish a fresh incident to every current subscriber; returns its publication id. */
  const publishToSubscribers = async (title: string) =>
    (await publish((await openIncident(rita)).id, { title, status: 'investigating', body: 'x' }))
      .id;
  const queue = () => statusPushQueue(env);
  /** Run the queue's alarm (forced, as the runtime would when due) until `check` holds. */
  const drive = (
    what: string,
    check: (p: Awaited<ReturnType<ReturnType<typeof queue>['progress']>>) => boolean,
  ) =>
    until(
      what,
      async () => {
        await runDurableObjectAlarm(queue());
        return queue().progress();
      },
      check,
    );
  const count = async (r: { received: () => Promise<unknown[]> }) => (await r.received()).length;

  it('retries a busy (503) or unreachable push service after a backoff with jitter, and never sends twice to one already delivered', async () => {
    env.ALLOW_INSECURE_OUTBOUND = 'true';
    let t = Date.now();
    const restore = setClock(() => t);
    try {
      await env.DB.prepare('DELETE FROM status_subscribers').run();
      const ok = await receiver([{ status: 201 }]);
      const busy = await receiver([{ status: 503 }, { status: 201 }]);
      const unreachable = await receiver([{ drop: true }, { status: 201 }]);
      for (const [i, r] of [ok, busy, unreachable].entries())
        expect((await subscribe(r.url, `192.0.2.2${i}`)).status).toBe(201);

      const id = await publishToSubscribers('Retried until delivered');
      const first = await drive(
        'the first round',
        (p) => p.retrying.filter((r) => r.publicationId === id).length === 2,
      );
      const owed = first.retrying.filter((r) => r.publicationId === id);
      for (const r of owed) {
        expect(r.attempt).toBe(1);
        expect(r.nextAt - t).toBeGreaterThanOrEqual(15_000);
        expect(r.nextAt - t).toBeLessThanOrEqual(30_000);
      }
      expect(first.finished.some((f) => f.publicationId === id)).toBe(false);
      // Not due yet: an early alarm sends nothing.
      await runDurableObjectAlarm(queue());
      expect([await count(ok), await count(busy), await count(unreachable)]).toEqual([1, 1, 1]);

      t = Math.max(...owed.map((r) => r.nextAt));
      const done = await drive('the retries', (p) =>
        p.finished.some((f) => f.publicationId === id),
      );
      expect(done.finished.find((f) => f.publicationId === id)).toEqual({
        publicationId: id,
        sent: 3,
        gone: 0,
        failed: 0,
      });
      expect(done.retrying.filter((r) => r.publicationId === id)).toEqual([]);
      expect([await count(ok), await count(busy), await count(unreachable)]).toEqual([1, 2, 2]);
    } finally {
      restore();
      env.ALLOW_INSECURE_OUTBOUND = undefined;
    }
  });

  it('waits as long as a 429 Retry-After asks, gives up when that is past the retry window, and treats other 4xx as final', async () => {
    env.ALLOW_INSECURE_OUTBOUND = 'true';
    let t = Date.now();
    const restore = setClock(() => t);
    try {
      await env.DB.prepare('DELETE FROM status_subscribers').run();
      const later = await receiver([
        { status: 429, headers: { 'retry-after': '600' } },
        { status: 201 },
      ]);
      const tooLate = await receiver([
        { status: 429, headers: { 'retry-after': String(RETRY_FOR_MS / 1000 + 60) } },
      ]);
      const refused = await receiver([{ status: 400 }]);
      const gone = await receiver([{ status: 404 }]);
      const ids: string[] = [];
      for (const [i, r] of [later, tooLate, refused, gone].entries())
        ids.push(((await (await subscribe(r.url, `192.0.2.3${i}`)).json()) as { id: string }).id);

      const id = await publishToSubscribers('Retried when asked');
      const first = await drive('the first round', (p) =>
        p.retrying.some((r) => r.publicationId === id),
      );
      const [owed, ...others] = first.retrying.filter((r) => r.publicationId === id);
      expect(others).toEqual([]);
      expect(owed!.subscriberId).toBe(ids[0]);
      expect(owed!.nextAt - t).toBe(600_000);
      expect(await row(ids[3]!)).toBeNull();

      t = owed!.nextAt - 1_000;
      await runDurableObjectAlarm(queue());
      expect(await count(later)).toBe(1);
      t = owed!.nextAt;
      const done = await drive('the retry', (p) => p.finished.some((f) => f.publicationId === id));
      expect(done.finished.find((f) => f.publicationId === id)).toEqual({
        publicationId: id,
        sent: 1,
        gone: 1,
        failed: 2,
      });
      expect([
        await count(later),
        await count(tooLate),
        await count(refused),
        await count(gone),
      ]).toEqual([2, 1, 1, 1]);
      expect(await row(ids[2]!)).not.toBeNull();
    } finally {
      restore();
      env.ALLOW_INSECURE_OUTBOUND = undefined;
    }
  });

  it('drops the retry owed for an update once a later update of the same incident goes out', async () => {
    env.ALLOW_INSECURE_OUTBOUND = 'true';
    let t = Date.now();
    const restore = setClock(() => t);
    try {
      await env.DB.prepare('DELETE FROM status_subscribers').run();
      const busy = await receiver([{ status: 503 }]);
      expect((await subscribe(busy.url, '192.0.2.50')).status).toBe(201);
      const inc = await openIncident(rita);
      const first = await publish(inc.id, {
        title: 'Superseded',
        status: 'investigating',
        body: 'Looking.',
      });
      const owed = await drive('the retry to be owed', (p) =>
        p.retrying.some((r) => r.publicationId === first.id),
      );
      const nextAt = owed.retrying.find((r) => r.publicationId === first.id)!.nextAt;
      await publish(inc.id, { status: 'identified', body: 'Found it.' });
      await drive('the second update', (p) =>
        p.finished.some((f) => f.publicationId === first.id && f.sent === 1),
      );
      t = nextAt + 60_000;
      const after = await drive('nothing owed', (p) =>
        p.retrying.every((r) => r.publicationId !== first.id),
      );
      expect(after.retrying.filter((r) => r.publicationId === first.id)).toEqual([]);
      expect(await count(busy)).toBe(2);
    } finally {
      restore();
      env.ALLOW_INSECURE_OUTBOUND = undefined;
    }
  });

  it('tells subscribers when a published maintenance window starts and when it ends, and counts its time as under maintenance, not down', async () => {
    env.ALLOW_INSECURE_OUTBOUND = 'true';
    let t = Date.now();
    const restore = setClock(() => t);
    try {
      await env.DB.prepare('DELETE FROM status_subscribers').run();
      const phone = await subscriber();
      const inbox = await receiver();
      expect(
        (await subscribe(inbox.url, '192.0.2.40', { p256dh: phone.p256dh, auth: phone.auth }))
          .status,
      ).toBe(201);
      const pushes = async () =>
        (await inbox.received()).map(
          (r) =>
            JSON.parse(
              phone.decrypt(
                Uint8Array.from(atob((r as unknown as { bodyBase64: string }).bodyBase64), (ch) =>
                  ch.charCodeAt(0),
                ),
              ),
            ) as { title: string; body: string; tag: string },
        );
      // The components exist two days before the window, so their bars have data for it.
      const service = await newService('search-index-internal');
      t -= 2 * 86_400_000;
      const search = await addComponent({ name: 'Search API', serviceIds: [service] });
      const other = await addComponent({
        name: 'Status archive',
        serviceIds: [await newService('archive-internal')],
      });
      t += 2 * 86_400_000;
      const start = t + 3_600_000;
      const end = start + 1_800_000;
      const created = await json<{ window: { id: string } }>(
        api('/api/maintenance-windows', {
          body: {
            name: 'search-7 reindex',
            serviceIds: [service],
            schedule: { type: 'once', start, end },
            statusPage: { publicName: 'Search index rebuild' },
          },
          headers: ADMIN,
        }),
        201,
      );
      const id = `${created.window.id}-${start}`;
      const told = (p: { finished: { publicationId: string }[] }) =>
        p.finished.filter((f) => f.publicationId === id).length;
      // Before it starts: nothing is sent, however often the alarm runs.
      await runDurableObjectAlarm(queue());
      expect(told(await queue().progress())).toBe(0);
      expect(await pushes()).toEqual([]);

      t = start;
      await drive('the start to be told', (p) => told(p) === 1);
      t = end;
      await drive('the end to be told', (p) => told(p) === 2);
      // Other published windows may start and end in these hours too: this window's messages carry its tag.
      const mine = (await pushes()).filter((p) => p.tag === `status-${id}`);
      expect(mine.map((p) => [p.title, p.body, p.tag])).toEqual([
        [
          'Scheduled maintenance started: Search index rebuild',
          'In progress. Affects Search API.',
          `status-${id}`,
        ],
        [
          'Scheduled maintenance completed: Search index rebuild',
          'The scheduled maintenance is complete.',
          `status-${id}`,
        ],
      ]);

      const html = await text('/status');
      const bars = (name: string) =>
        new RegExp(`<svg[^>]*aria-label="${name}: ([^"]*)"[\\s\\S]*?</svg>`).exec(html)!;
      const [searchBars, searchLabel] = bars('Search API');
      expect(searchLabel).toBe('100.00% uptime over the last 90 days');
      // One day, or two when the half hour crosses midnight (a test run late in the evening).
      expect(searchBars).toMatch(
        /class="under_maintenance"\s*><title>\s*[\d-]+(?: to [\d-]+)?: Under maintenance/,
      );
      const [otherBars] = bars('Status archive');
      expect(otherBars).not.toContain('under_maintenance');
      expect(search.id).not.toBe(other.id);
    } finally {
      restore();
      env.ALLOW_INSECURE_OUTBOUND = undefined;
    }
  });
});

describe('email subscribers (double opt-in)', () => {
  interface Mail {
    subject: string;
    text: string;
    html: string;
    headers: Record<string, string>;
  }
  const mailbox = async (to: string) =>
    (await fetch(`${inject('mailbox')}/received/${encodeURIComponent(to)}`)).json<Mail[]>();
  const address = () => `status-${crypto.randomUUID().slice(0, 12)}@example.com`;
  const byForm = (email: string, client: string) =>
    SELF.fetch(`${BASE}/status/subscriptions/email`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
        'cf-connecting-ip': client,
      },
      body: new URLSearchParams({ email }).toString(),
    });
  const byJson = (body: unknown, client: string) =>
    SELF.fetch(`${BASE}/status/subscriptions/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': client },
      body: JSON.stringify(body),
    });
  const row = (email: string) =>
    env.DB.prepare('SELECT * FROM status_email_subscribers WHERE email = ?').bind(email).first();
  const fanOut = async (title: string) => {
    const id = (
      await publish((await openIncident(rita)).id, {
        title,
        status: 'investigating',
        body: `${title}: we are looking into it.`,
      })
    ).id;
    const queue = statusPushQueue(env);
    await until(
      'the fan-out',
      async () => {
        await runDurableObjectAlarm(queue);
        return queue.progress();
      },
      (p) => p.finished.some((f) => f.publicationId === id),
    );
  };
  /** Every mail is multipart text + HTML with the unsubscribe link in both and in List-Unsubscribe. */
  const unsubscribeLinkOf = (mail: Mail) => {
    expect(mail.text.length).toBeGreaterThan(0);
    expect(mail.html).toContain('<a href=');
    // mailparser folds the List-* headers into one `list` header.
    const list = JSON.parse(mail.headers.list ?? '{}') as {
      unsubscribe?: { url?: string };
      'unsubscribe-post'?: { name?: string };
    };
    const link = list.unsubscribe?.url;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8787\/status\/unsubscribe\?token=[\w-]+$/);
    expect(list['unsubscribe-post']?.name).toBe('List-Unsubscribe=One-Click');
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(link!.replace(/&/g, '&amp;'));
    return link!;
  };

  it('subscribes from the form on /status without script, mails only a confirmation until its link is followed, then every update, and unsubscribes in one click', async () => {
    const html = await text('/status');
    expect(html).toMatch(
      /<form class="email" method="post" action="\/status\/subscriptions\/email">/,
    );
    expect(html).toMatch(/<input\s+id="subscribe-email"\s+type="email"\s+name="email"/);
    expect((await get('/status')).headers.get('content-security-policy')).toContain(
      "form-action 'self'",
    );

    const to = address();
    const answer = await byForm(to.toUpperCase(), '198.51.100.60');
    expect(answer.status).toBe(202);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(await answer.text()).toContain('Check your inbox');
    const stored = (await row(to)) as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(
      ['confirmed_at', 'created_at', 'email', 'id', 'mailed_at', 'token_hash'].sort(),
    );
    expect(stored.confirmed_at).toBeNull();
    const [confirmation, ...more] = await mailbox(to);
    expect(more).toEqual([]);
    expect(confirmation!.subject).toContain('Confirm your subscription');
    unsubscribeLinkOf(confirmation!);

    // Not confirmed yet: an update is not mailed.
    await fanOut('Unconfirmed hear nothing');
    expect(await mailbox(to)).toHaveLength(1);

    const confirm =
      /http:\/\/127\.0\.0\.1:8787(\/status\/subscriptions\/email\/confirm\?token=\S+)/.exec(
        confirmation!.text,
      )![1]!;
    // The link shows one button (a mail scanner's prefetch confirms nobody); the button confirms.
    const landing = await get(confirm);
    expect(await landing.text()).toMatch(/<form\s+method="post"/);
    expect(landing.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(((await row(to)) as { confirmed_at: number | null }).confirmed_at).toBeNull();
    const forged = await SELF.fetch(`${BASE}${confirm.replace(/.{4}$/, 'AAAA')}`, {
      method: 'POST',
    });
    expect(forged.status).toBe(404);
    const confirmed = await SELF.fetch(`${BASE}${confirm}`, {
      method: 'POST',
      headers: { accept: 'text/html' },
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Subscribed');

    await fanOut('Confirmed hear this');
    const [, update] = await mailbox(to);
    expect(update!.subject).toBe('[Firebell status] Confirmed hear this');
    expect(update!.text).toContain('Investigating: Confirmed hear this: we are looking into it.');
    expect(update!.text).toContain('http://127.0.0.1:8787/status');
    const unsubscribe = unsubscribeLinkOf(update!);

    // A mail client's one-click unsubscribe (RFC 8058): a POST of the form field, nothing else.
    const gone = await SELF.fetch(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(gone.status).toBe(204);
    expect(await row(to)).toBeNull();
    await fanOut('Unsubscribed hear nothing');
    expect(await mailbox(to)).toHaveLength(2);
  });

  it('mails one address at most one confirmation per 15 minutes, whoever sends the form, and answers the same', async () => {
    const to = address();
    expect((await byJson({ email: to }, '198.51.100.63')).status).toBe(202);
    // From other clients, as a flood spread over many addresses would come: same answer, no second mail.
    expect((await byJson({ email: to }, '198.51.100.64')).status).toBe(202);
    expect((await byForm(to, '198.51.100.65')).status).toBe(202);
    expect(await mailbox(to)).toHaveLength(1);
    // Once the cooldown is over, asking again mails a fresh link.
    await env.DB.prepare(
      'UPDATE status_email_subscribers SET mailed_at = mailed_at - 15 * 60000 WHERE email = ?',
    )
      .bind(to)
      .run();
    expect((await byJson({ email: to }, '198.51.100.66')).status).toBe(202);
    expect(await mailbox(to)).toHaveLength(2);
  });

  it('refuses what is not an address, limits subscribing per client and in total, and offers no form (503) without a mail server', async () => {
    const bad = await byJson({ email: 'not-an-address' }, '198.51.100.61');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(((await bad.json()) as { detail: string }).detail).toContain(
      'email: must be an email address',
    );
    const refused = await byJson({ email: `refuse-${address()}` }, '198.51.100.61');
    expect(refused.status).toBe(400);
    expect(await row(`refuse-${address()}`)).toBeNull();

    // The push subscribers' budget: ten attempts an hour per client (the refused one counted).
    for (let i = 0; i < 9; i++)
      expect((await byJson({ email: address() }, '198.51.100.61')).status).toBe(202);
    const limited = await byJson({ email: address() }, '198.51.100.61');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const count = (await env.DB.prepare(
      'SELECT count(*) AS n FROM status_email_subscribers',
    ).first<{ n: number }>())!.n;
    env.STATUS_SUBSCRIBERS_MAX = String(count);
    try {
      const full = await byJson({ email: address() }, '198.51.100.62');
      expect(full.status).toBe(503);
      expect(((await full.json()) as { detail: string }).detail).toContain(
        `limit of ${count} email subscribers`,
      );
    } finally {
      env.STATUS_SUBSCRIBERS_MAX = undefined;
    }

    const host = env.SMTP_HOST;
    env.SMTP_HOST = undefined;
    try {
      const off = await byJson({ email: address() }, '198.51.100.63');
      expect(off.status).toBe(503);
      expect(off.headers.get('content-type')).toContain('application/problem+json');
      expect(((await off.json()) as { detail: string }).detail).toContain('no mail server');
      await addComponent({ name: 'Mail-less page', serviceIds: [searchService] }); // a write: the next read renders again
      expect(await text('/status')).not.toContain('subscriptions/email');
    } finally {
      env.SMTP_HOST = host;
    }
  });
});
