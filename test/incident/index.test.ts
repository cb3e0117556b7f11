import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../worker/clock';
import type { IncidentSummary } from '../../worker/directory/incident-index';
import { ADMIN, api, command, createUser, json, openIncident, type TestUser } from '../helpers';
import { incidentStub } from '../../worker/stubs';

let ana: TestUser;
let ben: TestUser;
beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
});

type Page = { incidents: IncidentSummary[]; nextCursor: string | null };
const list = (query: string, as: Record<string, string> = ADMIN) =>
  json<Page>(api(`/api/incidents${query}`, { headers: as }), 200);

describe('incident index', () => {
  it('lists an incident with its new status right after a command', async () => {
    const inc = await openIncident(ana, { title: 'Index me' });
    await command(ben, inc.id, 'acknowledge');
    const page = await list('?status=acknowledged');
    expect(page.incidents.find((i) => i.id === inc.id)).toMatchObject({
      status: 'acknowledged',
      title: 'Index me',
      number: inc.number,
    });
    expect((await list('?status=triggered')).incidents.some((i) => i.id === inc.id)).toBe(false);
  });

  it('filters by severity, service and "assigned to me"', async () => {
    const mine = await openIncident(ana, {
      title: 'Mine',
      severity: 'info',
      serviceId: 'svc_payments',
    });
    await command(ana, mine.id, 'reassign', { assignees: [ben.id] });
    const bens = await list('?assignee=me', ben.auth);
    expect(bens.incidents.map((i) => i.id)).toEqual([mine.id]);
    expect((await list('?severity=info')).incidents.map((i) => i.id)).toContain(mine.id);
    expect((await list('?service=svc_payments')).incidents.map((i) => i.id)).toEqual([mine.id]);
  });

  it('pages newest first with a cursor, without repeating or skipping', async () => {
    for (let i = 0; i < 5; i++)
      await openIncident(ana, { title: `page ${i}`, serviceId: 'svc_paging' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(
        `?service=svc_paging&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.incidents.map((i) => i.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['page 4', 'page 3', 'page 2', 'page 1', 'page 0']);
  });

  it('rejects a bad filter value with a problem naming it', async () => {
    const res = await api('/api/incidents?status=sleeping', { headers: ADMIN });
    expect(res.status).toBe(400);
    expect((await json<{ detail: string }>(res)).detail).toMatch(/status: unknown value sleeping/);
  });

  it('catches up through the outbox when a D1 write failed, so the index never silently diverges', async () => {
    const inc = await openIncident(ana, { title: 'Outbox' });
    // Break the real index table, make a change, then repair it: the change must still land.
    await env.DB.exec('ALTER TABLE incidents RENAME TO incidents_away');
    const acked = await command(ana, inc.id, 'acknowledge');
    expect(acked.status).toBe(200);
    await env.DB.exec('ALTER TABLE incidents_away RENAME TO incidents');
    expect((await list('?status=acknowledged')).incidents.some((i) => i.id === inc.id)).toBe(false);
    const stub = incidentStub(env, inc.id);
    const indexed = async () =>
      (await list('?status=acknowledged')).incidents.find((i) => i.id === inc.id);
    const restore = setClock(() => Date.now() + 60_000); // past the retry backoff
    try {
      // The alarm may be running on its own at this moment (the change also woke it to hand over webhook events),
      // when running it by hand finds none set: run it until the outbox has caught up, within a bound.
      const deadline = Date.now() + 10_000;
      while (!(await indexed()) && Date.now() < deadline) {
        if (!(await runDurableObjectAlarm(stub))) await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      restore();
    }
    expect(await indexed()).toMatchObject({ status: 'acknowledged' });
  });
});
