import { env, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import { setClock } from '../../worker/clock';
import {
  LiveClient,
  command,
  createUser,
  json,
  openIncident,
  timeline,
  type TestUser,
} from '../helpers';
import { incidentStub } from '../../worker/stubs';

let ana: TestUser;
beforeAll(async () => {
  ana = await createUser('Ana');
});

describe('Idempotency-Key', () => {
  it('returns the original result for a replayed note and writes nothing more', async () => {
    const inc = await openIncident(ana);
    const key = { 'idempotency-key': 'phone-note-1' };
    const first = await json<{ incident: Incident }>(
      command(ana, inc.id, 'notes', { text: 'checking the LB' }, key),
      200,
    );
    const replay = await json<{ incident: Incident }>(
      command(ana, inc.id, 'notes', { text: 'checking the LB' }, key),
      200,
    );
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
    expect(
      await json<Incident>(await command(ana, inc.id, 'title', { title: 'x' }), 200),
    ).toBeTruthy();
    expect((await timeline(inc.id)).filter((e) => e.kind === 'acknowledged')).toHaveLength(0);
  });

  it('treats different keys as different commands', async () => {
    const inc = await openIncident(ana);
    await command(ana, inc.id, 'notes', { text: 'one' }, { 'idempotency-key': 'a' });
    await command(ana, inc.id, 'notes', { text: 'two' }, { 'idempotency-key': 'b' });
    expect((await timeline(inc.id)).filter((e) => e.kind === 'note').map((e) => e.text)).toEqual([
      'one',
      'two',
    ]);
  });
});

describe('Idempotency-Key bound to the request', () => {
  it('runs a resolve whose key was already used for a note, since a key belongs to one command', async () => {
    const inc = await openIncident(ana);
    const key = { 'idempotency-key': 'same-key-twice' };
    await json(command(ana, inc.id, 'notes', { text: 'looking' }, key), 200);
    const resolved = await json<{ incident: Incident }>(
      command(ana, inc.id, 'resolve', {}, key),
      200,
    );
    expect(resolved.incident.status).toBe('resolved');
    expect((await timeline(inc.id)).filter((e) => e.kind === 'resolved')).toHaveLength(1);
  });

  it('answers 422 and changes nothing when a key is sent again with a different body', async () => {
    const inc = await openIncident(ana);
    const key = { 'idempotency-key': 'note-7' };
    await json(command(ana, inc.id, 'notes', { text: 'first words' }, key), 200);
    const reused = await command(ana, inc.id, 'notes', { text: 'other words' }, key);
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toBe('application/problem+json');
    expect((await json<{ code: string; detail: string }>(reused)).detail).toMatch(
      /different add_note request/,
    );
    expect((await timeline(inc.id)).filter((e) => e.kind === 'note').map((e) => e.text)).toEqual([
      'first words',
    ]);
  });

  it('never replays one person’s answer to another person who sends the same key', async () => {
    const ben = await createUser('Ben');
    const inc = await openIncident(ana);
    const key = { 'idempotency-key': 'guessable-1' };
    await json(command(ana, inc.id, 'notes', { text: 'from Ana' }, key), 200);
    await json(command(ben, inc.id, 'notes', { text: 'from Ana' }, key), 200);
    const notes = (await timeline(inc.id)).filter((e) => e.kind === 'note');
    expect(notes.map((e) => e.actor.name)).toEqual(['Ana', 'Ben']);
  });

  it('runs a command once when two requests with the same key arrive together, and answers both alike', async () => {
    const inc = await openIncident(ana);
    const key = { 'idempotency-key': 'double-tap' };
    const [a, b] = await Promise.all([
      command(ana, inc.id, 'notes', { text: 'tapped twice' }, key),
      command(ana, inc.id, 'notes', { text: 'tapped twice' }, key),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await a.json()).toEqual(await b.json());
    expect((await timeline(inc.id)).filter((e) => e.kind === 'note')).toHaveLength(1);
  });

  it('refuses keys longer than 200 characters over HTTP and over the socket', async () => {
    const inc = await openIncident(ana);
    const long = 'k'.repeat(201);
    expect(
      (await command(ana, inc.id, 'notes', { text: 'x' }, { 'idempotency-key': long })).status,
    ).toBe(400);
    const live = await LiveClient.connect(inc.id, ana.auth);
    live.send({
      type: 'command',
      id: 'c1',
      idempotencyKey: long,
      command: { type: 'add_note', text: 'x' },
    });
    const result = await live.waitFor((m) => m.type === 'result' && m.id === 'c1');
    expect(result).toMatchObject({
      ok: false,
      problem: { status: 400, detail: expect.stringMatching(/200 characters/) },
    });
    live.close();
    expect((await timeline(inc.id)).filter((e) => e.kind === 'note')).toHaveLength(0);
  });

  it('forgets a key after 24 hours, pruning what it kept, and runs the command again', async () => {
    const inc = await openIncident(ana);
    let t = Date.now();
    const restore = setClock(() => t);
    try {
      const key = { 'idempotency-key': 'yesterday' };
      await json(command(ana, inc.id, 'notes', { text: 'once' }, key), 200);
      t += 23 * 3600_000;
      await json(command(ana, inc.id, 'notes', { text: 'once' }, key), 200);
      expect((await timeline(inc.id)).filter((e) => e.kind === 'note')).toHaveLength(1);
      t += 2 * 3600_000;
      const object = incidentStub(env, inc.id);
      const kept = () =>
        runInDurableObject(object, (_o, state) =>
          state.storage.sql
            .exec<{ at: number }>('SELECT at FROM command_keys')
            .toArray()
            .map((r) => r.at),
        );
      await json(
        command(ana, inc.id, 'severity', { severity: 'info' }, { 'idempotency-key': 'today' }),
        200,
      );
      expect(await kept()).toEqual([t]);
      await json(command(ana, inc.id, 'notes', { text: 'once' }, key), 200);
      expect((await timeline(inc.id)).filter((e) => e.kind === 'note')).toHaveLength(2);
    } finally {
      restore();
    }
  });
});
