import { beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import { command, createUser, json, openIncident, timeline, type TestUser } from '../helpers';

let ana: TestUser;
beforeAll(async () => {
  ana = await createUser('Ana');
});

describe('Idempotency-Key', () => {
  it('returns the original result for a replayed note and writes nothing more', async () => {
    const inc = await openIncident(ana);
    const key = { 'idempotency-key': 'phone-note-1' };
    const first = await json<{ incident: Incident }>(command(ana, inc.id, 'notes', { text: 'checking the LB' }, key), 200);
    const replay = await json<{ incident: Incident }>(command(ana, inc.id, 'notes', { text: 'checking the LB' }, key), 200);
    expect(replay).toEqual(first);
    const notes = (await timeline(inc.id)).filter((e) => e.kind === 'note');
    expect(notes).toHaveLength(1);
  });

  it('replays a refused command as the same refusal, even after the state changed', async () => {
    const inc = await openIncident(ana);
    await command(ana, inc.id, 'resolve');
    const key = { 'idempotency-key': 'offline-ack-7' };
    const first = await command(ana, inc.id, 'acknowledge', {}, key);
    expect(first.status).toBe(409);
    await command(ana, inc.id, 'reopen');
    const replay = await command(ana, inc.id, 'acknowledge', {}, key);
    expect(replay.status).toBe(409);
    expect((await json<Incident>(await command(ana, inc.id, 'title', { title: 'x' }), 200))).toBeTruthy();
    expect((await timeline(inc.id)).filter((e) => e.kind === 'acknowledged')).toHaveLength(0);
  });

  it('treats different keys as different commands', async () => {
    const inc = await openIncident(ana);
    await command(ana, inc.id, 'notes', { text: 'one' }, { 'idempotency-key': 'a' });
    await command(ana, inc.id, 'notes', { text: 'two' }, { 'idempotency-key': 'b' });
    expect((await timeline(inc.id)).filter((e) => e.kind === 'note').map((e) => e.text)).toEqual(['one', 'two']);
  });
});
