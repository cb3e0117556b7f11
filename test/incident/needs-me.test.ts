/**
 * "Needs me": the people an open incident waits on are whoever was paged for it while it is unacknowledged,
 * its assignees and its role holders. The incident, its list row and the list filter agree on who that is.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Incident, IncidentSummary } from '../../schema/incident';
import {
  controlClock,
  fireAlarm,
  openOn,
  serviceWithPolicy,
  untilEscalated,
} from '../escalation/setup';
import { ADMIN, api, command, createUser, json, type TestUser } from '../helpers';

let ana: TestUser;
let ben: TestUser;
let cat: TestUser;
let clock: ReturnType<typeof controlClock>;

beforeAll(async () => {
  [ana, ben, cat] = [await createUser('Ana'), await createUser('Ben'), await createUser('Cat')];
});
beforeEach(() => {
  clock = controlClock();
});
afterEach(() => clock.restore());

type Page = { incidents: IncidentSummary[] };
const needing = async (as: TestUser) =>
  (
    await json<Page>(
      api('/api/incidents?status=triggered,acknowledged&involves=me', { headers: as.auth }),
      200,
    )
  ).incidents.map((i) => i.id);
const row = async (id: string) =>
  (await json<Page>(api('/api/incidents?limit=200', { headers: ADMIN }), 200)).incidents.find(
    (i) => i.id === id,
  );
const incident = async (id: string) =>
  (await json<{ incident: Incident }>(api(`/api/incidents/${id}`, { headers: ADMIN }), 200))
    .incident;

const twoLevels = () =>
  serviceWithPolicy([
    { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
    { delayMinutes: 5, targets: [{ type: 'user', id: ben.id }] },
  ]);

describe('who an incident needs', () => {
  it('lists an unacknowledged incident under "Needs me" for the person paged, even before anyone assigns it', async () => {
    const inc = await openOn(await twoLevels(), 'Checkout is down');
    await untilEscalated(inc.id, /Escalated to level 1: Ana/);

    expect((await incident(inc.id)).paged).toEqual([ana.id]);
    expect(await row(inc.id)).toMatchObject({ paged: [ana.id], assignees: [] });
    expect(await needing(ana)).toContain(inc.id);
    expect(await needing(ben)).not.toContain(inc.id);
  });

  it('adds each escalation level to the people paged, and drops them all from "Needs me" once someone acknowledges', async () => {
    const inc = await openOn(await twoLevels());
    await untilEscalated(inc.id, /level 1/);
    clock.advanceMinutes(5);
    await fireAlarm(inc.id);
    expect((await incident(inc.id)).paged).toEqual([ana.id, ben.id]);
    expect(await needing(ana)).toContain(inc.id);
    expect(await needing(ben)).toContain(inc.id);

    await command(ben, inc.id, 'acknowledge');
    expect(await needing(ana)).not.toContain(inc.id);
    expect(await needing(ben)).not.toContain(inc.id);
  });

  it('keeps an acknowledged incident for its assignees and role holders', async () => {
    const inc = await openOn(await twoLevels());
    await untilEscalated(inc.id, /level 1/);
    await command(ana, inc.id, 'acknowledge');
    await command(ana, inc.id, 'reassign', { assignees: [ben.id] });
    await command(ana, inc.id, 'roles', { role: 'incident_commander', userId: cat.id });
    expect(await row(inc.id)).toMatchObject({
      roles: expect.objectContaining({ incident_commander: cat.id }),
    });
    expect(await needing(ben)).toContain(inc.id);
    expect(await needing(cat)).toContain(inc.id);
    expect(await needing(ana)).not.toContain(inc.id);

    await command(ana, inc.id, 'roles/unassign', { role: 'incident_commander' });
    expect(await needing(cat)).not.toContain(inc.id);
  });

  it('forgets who was paged when a resolved incident is reopened, and pages level 1 again', async () => {
    const inc = await openOn(await twoLevels());
    await untilEscalated(inc.id, /level 1/);
    clock.advanceMinutes(5);
    await fireAlarm(inc.id);
    await command(ana, inc.id, 'resolve');
    const reopened = (await json<{ incident: Incident }>(command(ana, inc.id, 'reopen'), 200))
      .incident;
    expect(reopened.paged).toEqual([]);
    await untilEscalated(inc.id, /Reopened[\s\S]*Escalated to level 1/);
    expect((await incident(inc.id)).paged).toEqual([ana.id]);
    expect(await needing(ben)).not.toContain(inc.id);
  });

  it('never lists a resolved incident under "Needs me", whoever it involved', async () => {
    const inc = await openOn(await twoLevels());
    await untilEscalated(inc.id, /level 1/);
    await command(ana, inc.id, 'reassign', { assignees: [ana.id] });
    await command(ana, inc.id, 'resolve');
    const all = await json<Page>(api('/api/incidents?involves=me', { headers: ana.auth }), 200);
    expect(all.incidents.find((i) => i.id === inc.id)?.status).toBe('resolved');
    expect(await needing(ana)).not.toContain(inc.id);
  });
});
