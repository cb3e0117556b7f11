import { beforeAll, describe, expect, it } from 'vitest';
import type { ActionItemListing, Review } from '../../schema/review';
import { api, command, createUser, json, openIncident, type TestUser } from '../helpers';

let ana: TestUser;
let ben: TestUser;
let vic: TestUser;
let incidentId: string;

beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
  vic = await createUser('Vic', 'viewer');
  const inc = await openIncident(ana, { title: 'Queue backed up' });
  await command(ana, inc.id, 'resolve');
  incidentId = inc.id;
  await api(`/api/incidents/${inc.id}/review`, { method: 'POST', headers: ana.auth });
  const put = await api(`/api/incidents/${inc.id}/review`, {
    method: 'PUT',
    headers: ana.auth,
    body: {
      version: 1,
      actionItems: [
        { title: 'Late: add queue depth alert', ownerId: ana.id, dueDate: '2000-01-15' },
        { title: 'Upcoming: load test', ownerId: ben.id, dueDate: '2999-06-01' },
        { title: 'Done: raise worker count', ownerId: ana.id, dueDate: '2000-01-10', done: true },
        { title: 'Undated: write runbook' },
      ],
    },
  });
  await json<Review>(put, 200);
});

const titles = async (query: string, as: TestUser = vic) =>
  (
    await json<{ actionItems: ActionItemListing[] }>(
      api(`/api/action-items${query}`, { headers: as.auth }),
      200,
    )
  ).actionItems
    .filter((i) => i.incidentId === incidentId)
    .map((i) => i.title);

describe('action items across reviews', () => {
  it('lists every item soonest due first, undated last, with its incident and review', async () => {
    const { actionItems } = await json<{ actionItems: ActionItemListing[] }>(
      api('/api/action-items', { headers: vic.auth }),
      200,
    );
    const mine = actionItems.filter((i) => i.incidentId === incidentId);
    expect(mine.map((i) => i.title)).toEqual([
      'Done: raise worker count',
      'Late: add queue depth alert',
      'Upcoming: load test',
      'Undated: write runbook',
    ]);
    expect(mine[1]).toMatchObject({
      incidentTitle: 'Queue backed up',
      reviewStatus: 'draft',
      ownerName: 'Ana',
      overdue: true,
      done: false,
    });
    expect(mine[0]?.overdue).toBe(false);
  });

  it('filters open, overdue and done items', async () => {
    expect(await titles('?status=open')).toEqual([
      'Late: add queue depth alert',
      'Upcoming: load test',
      'Undated: write runbook',
    ]);
    expect(await titles('?status=overdue')).toEqual(['Late: add queue depth alert']);
    expect(await titles('?status=done')).toEqual(['Done: raise worker count']);
  });

  it('filters by owner, with "me" meaning the caller', async () => {
    expect(await titles('?owner=me', ana)).toEqual([
      'Done: raise worker count',
      'Late: add queue depth alert',
    ]);
    expect(await titles(`?owner=${ben.id}&status=open`)).toEqual(['Upcoming: load test']);
    expect(await titles('?owner=me&status=overdue', ben)).toEqual([]);
  });

  it('rejects an unknown status filter with a problem naming it', async () => {
    const res = await api('/api/action-items?status=late', { headers: vic.auth });
    expect(res.status).toBe(400);
    expect((await json<{ detail: string }>(res)).detail).toMatch(/^status:/);
  });
});
