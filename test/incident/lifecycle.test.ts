import { beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import { command, createUser, json, openIncident, timeline, type TestUser } from '../helpers';

let ana: TestUser;
let ben: TestUser;

beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
});

const incidentOf = async (res: Response) => (await json<{ incident: Incident }>(res, 200)).incident;

describe('incident lifecycle', () => {
  it('opens as triggered with a human number, all configured roles empty, and a created entry', async () => {
    const first = await openIncident(ana, {
      title: 'Payments failing',
      description: 'card auth 5xx',
    });
    const second = await openIncident(ana);
    expect(first.status).toBe('triggered');
    expect(second.number).toBe(first.number + 1);
    expect(first.roles).toEqual({
      incident_commander: null,
      incident_manager: null,
      communications_lead: null,
      scribe: null,
    });
    expect(first.createdBy).toMatchObject({ id: ana.id, name: 'Ana' });
    const entries = await timeline(first.id);
    // Opened by hand without a service: nobody is paged, and the timeline says so.
    expect(entries).toEqual([
      expect.objectContaining({
        seq: 1,
        kind: 'created',
        text: expect.stringContaining('Payments failing'),
      }),
      expect.objectContaining({ seq: 2, kind: 'nobody_paged' }),
    ]);
  });

  it('goes triggered → acknowledged → resolved → triggered again, recording who and when', async () => {
    const inc = await openIncident(ana);
    const acked = await incidentOf(await command(ben, inc.id, 'acknowledge'));
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: { id: ben.id } });
    expect(acked.acknowledgedAt).toEqual(expect.any(Number));
    const resolved = await incidentOf(
      await command(ana, inc.id, 'resolve', { note: 'rolled back' }),
    );
    expect(resolved).toMatchObject({ status: 'resolved', resolvedBy: { id: ana.id } });
    const reopened = await incidentOf(
      await command(ana, inc.id, 'reopen', { reason: 'errors are back' }),
    );
    expect(reopened).toMatchObject({ status: 'triggered', acknowledgedAt: null, resolvedAt: null });
    expect((await timeline(inc.id)).map((e) => e.kind)).toEqual([
      'created',
      'nobody_paged',
      'acknowledged',
      'resolved',
      'reopened',
    ]);
  });

  it('refuses to acknowledge a resolved incident with 409 and says how to fix it', async () => {
    const inc = await openIncident(ana);
    await command(ana, inc.id, 'resolve');
    const res = await command(ben, inc.id, 'acknowledge');
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = await json<{ detail: string; code: string }>(res);
    expect(problem.code).toBe('conflict');
    expect(problem.detail).toMatch(/already resolved; reopen it/);
  });

  it('refuses to reopen an incident that is only acknowledged', async () => {
    const inc = await openIncident(ana);
    await command(ana, inc.id, 'acknowledge');
    const res = await command(ana, inc.id, 'reopen');
    expect(res.status).toBe(409);
    expect((await json<{ detail: string }>(res)).detail).toMatch(
      /only a resolved incident can be reopened/,
    );
  });

  it('treats repeating a command that already took effect as harmless: same state, no new entry', async () => {
    const inc = await openIncident(ana);
    const once = await incidentOf(await command(ana, inc.id, 'acknowledge'));
    const twice = await incidentOf(await command(ben, inc.id, 'acknowledge'));
    expect(twice).toEqual(once);
    expect(twice.acknowledgedBy?.id).toBe(ana.id);
    await command(ana, inc.id, 'resolve');
    expect((await command(ben, inc.id, 'resolve')).status).toBe(200);
    expect((await timeline(inc.id)).map((e) => e.kind)).toEqual([
      'created',
      'nobody_paged',
      'acknowledged',
      'resolved',
    ]);
  });

  it('records roles, severity, notes, status updates, title and assignees on the timeline with names', async () => {
    const inc = await openIncident(ana, { severity: 'warning' });
    await command(ana, inc.id, 'roles', { role: 'incident_commander', userId: ben.id });
    await command(ana, inc.id, 'roles', { role: 'incident_manager', userId: ana.id });
    await command(ana, inc.id, 'severity', { severity: 'critical' });
    await command(ben, inc.id, 'notes', { text: 'DB primary at 100% CPU' });
    await command(ben, inc.id, 'status-updates', { text: 'Failing over to the replica' });
    await command(ben, inc.id, 'title', { title: 'Checkout down: DB primary saturated' });
    const last = await incidentOf(
      await command(ana, inc.id, 'reassign', { assignees: [ben.id, ana.id] }),
    );
    expect(last).toMatchObject({
      severity: 'critical',
      title: 'Checkout down: DB primary saturated',
      assignees: [ben.id, ana.id],
      roles: { incident_commander: ben.id, incident_manager: ana.id },
    });
    const entries = await timeline(inc.id);
    expect(entries.map((e) => e.text)).toEqual([
      expect.any(String),
      expect.stringMatching(/^Nobody paged/),
      'Ben is now incident commander (set by Ana)',
      'Ana is now incident manager (set by Ana)',
      'Ana changed severity from warning to critical',
      'DB primary at 100% CPU',
      'Failing over to the replica',
      'Ben renamed the incident to “Checkout down: DB primary saturated”',
      'Ana assigned Ben, Ana',
    ]);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('clears a role, and rejects roles that are not configured and users that do not exist', async () => {
    const inc = await openIncident(ana);
    await command(ana, inc.id, 'roles', { role: 'scribe', userId: ben.id });
    expect(
      (await incidentOf(await command(ana, inc.id, 'roles/unassign', { role: 'scribe' }))).roles
        .scribe,
    ).toBeNull();
    const badRole = await command(ana, inc.id, 'roles', { role: 'wizard', userId: ben.id });
    expect(badRole.status).toBe(400);
    expect((await json<{ detail: string }>(badRole)).detail).toMatch(
      /Unknown role 'wizard'; roles are incident_commander/,
    );
    const badUser = await command(ana, inc.id, 'reassign', { assignees: ['usr_nobody'] });
    expect(badUser.status).toBe(400);
    expect((await json<{ detail: string }>(badUser)).detail).toBe('Unknown user: usr_nobody.');
  });

  it('answers 404 for an incident that does not exist', async () => {
    expect((await command(ana, 'inc_missing', 'acknowledge')).status).toBe(404);
  });
});
