/**
 * The public status page: components, publishing from an incident, the cached HTML, the feeds and the
 * Statuspage-compatible JSON, and that nothing private ever reaches any of them.
 */
import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Publication, StatusComponent } from '../../schema/status-page-schemas';
import { setClock } from '../../worker/clock';
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
    expect(html).not.toContain('<script');

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
