import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../schema/alert';
import type { ServerMessage } from '../../schema/protocol';
import { LiveClient, command, createUser, openIncident, type TestUser } from '../helpers';
import { incidentStub } from '../../worker/stubs';

let ana: TestUser;
let ben: TestUser;
let vic: TestUser;
beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
  vic = await createUser('Vic', 'viewer');
});

type Snapshot = Extract<ServerMessage, { type: 'snapshot' }>;
type Event = Extract<ServerMessage, { type: 'event' }>;
type Result = Extract<ServerMessage, { type: 'result' }>;
const isSnapshot = (m: ServerMessage): m is Snapshot => m.type === 'snapshot';
const isEvent =
  (kind: string) =>
  (m: ServerMessage): m is Event =>
    m.type === 'event' && m.entry.kind === kind;

describe('live room', () => {
  it('sends a snapshot with the incident and its whole timeline on connect', async () => {
    const inc = await openIncident(ana);
    await command(ana, inc.id, 'notes', { text: 'first look' });
    const live = await LiveClient.connect(inc.id, ana.auth);
    const snap = await live.waitFor(isSnapshot);
    expect(snap.incident.id).toBe(inc.id);
    expect(snap.timeline.map((e) => e.kind)).toEqual(['created', 'nobody_paged', 'note']);
    expect(snap.timeline.map((e) => e.seq)).toEqual([1, 2, 3]);
    live.close();
  });

  it('shows an acknowledgement to two viewers with consecutive sequence numbers', async () => {
    const inc = await openIncident(ana);
    const a = await LiveClient.connect(inc.id, ana.auth);
    const b = await LiveClient.connect(inc.id, ben.auth);
    await a.waitFor(isSnapshot);
    await b.waitFor(isSnapshot);
    await command(ben, inc.id, 'acknowledge');
    await command(ben, inc.id, 'notes', { text: 'on it' });
    for (const client of [a, b]) {
      const ack = await client.waitFor(isEvent('acknowledged'));
      const note = await client.waitFor(isEvent('note'));
      expect(ack.entry.seq).toBe(3);
      expect(note.entry.seq).toBe(4);
      expect(ack.incident.status).toBe('acknowledged');
    }
    a.close();
    b.close();
  });

  it('gives a reconnecting client with ?since exactly the entries it missed', async () => {
    const inc = await openIncident(ana);
    const first = await LiveClient.connect(inc.id, ana.auth);
    await first.waitFor(isSnapshot);
    await command(ana, inc.id, 'notes', { text: 'seen' });
    const seen = await first.waitFor(isEvent('note'));
    first.close();
    await command(ben, inc.id, 'notes', { text: 'missed one' });
    await command(ben, inc.id, 'acknowledge');
    await command(ben, inc.id, 'notes', { text: 'missed three' });
    const again = await LiveClient.connect(inc.id, ana.auth, seen.entry.seq);
    const snap = await again.waitFor(isSnapshot);
    expect(snap.since).toBe(seen.entry.seq);
    expect(snap.timeline.map((e) => [e.seq, e.text])).toEqual([
      [4, 'missed one'],
      [5, 'Acknowledged by Ben'],
      [6, 'missed three'],
    ]);
    again.close();
  });

  it('broadcasts who is viewing as people join and leave', async () => {
    const inc = await openIncident(ana);
    const a = await LiveClient.connect(inc.id, ana.auth);
    await a.waitFor(isSnapshot);
    const b = await LiveClient.connect(inc.id, ben.auth);
    const joined = await a.waitFor((m) => m.type === 'presence' && m.viewers.length === 2);
    expect(joined.type === 'presence' && joined.viewers.map((v) => v.name).sort()).toEqual([
      'Ana',
      'Ben',
    ]);
    b.close();
    const left = await a.waitFor((m) => m.type === 'presence' && m.viewers.length === 1);
    expect(left.type === 'presence' && left.viewers.map((v) => v.name)).toEqual(['Ana']);
    a.close();
  });

  it('runs a command sent over the socket, answers the sender and shows it to everyone', async () => {
    const inc = await openIncident(ana);
    const a = await LiveClient.connect(inc.id, ana.auth);
    const b = await LiveClient.connect(inc.id, ben.auth);
    await a.waitFor(isSnapshot);
    a.send({
      type: 'command',
      id: 'c1',
      idempotencyKey: 'sock-1',
      command: { type: 'acknowledge' },
    });
    const result = await a.waitFor((m): m is Result => m.type === 'result' && m.id === 'c1');
    expect(result.ok && result.incident.status).toBe('acknowledged');
    const seen = await b.waitFor(isEvent('acknowledged'));
    expect(seen.entry.actor.name).toBe('Ana');
    a.close();
    b.close();
  });

  it('lets a viewer watch but refuses their commands over the socket', async () => {
    const inc = await openIncident(ana);
    const v = await LiveClient.connect(inc.id, vic.auth);
    await v.waitFor(isSnapshot);
    v.send({ type: 'command', id: 'v1', command: { type: 'resolve' } });
    const result = await v.waitFor((m): m is Result => m.type === 'result' && m.id === 'v1');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem.status).toBe(403);
    v.close();
  });

  it('answers a malformed socket message with a problem instead of dropping the connection', async () => {
    const inc = await openIncident(ana);
    const a = await LiveClient.connect(inc.id, ana.auth);
    await a.waitFor(isSnapshot);
    a.ws.send('not json');
    const result = await a.waitFor((m): m is Result => m.type === 'result' && !m.ok);
    expect(!result.ok && result.problem.detail).toMatch(/Messages must be JSON/);
    a.send({ type: 'ping' });
    await a.waitFor((m) => m.type === 'pong');
    a.close();
  });

  it('gives a reconnecting client the running duplicate count that grew while it was away', async () => {
    const inc = await openIncident(ana);
    const stub = incidentStub(env, inc.id);
    const monitor = { kind: 'integration' as const, id: 'int_test', name: 'Test monitor' };
    const alert: AlertEvent = {
      action: 'trigger',
      dedupKey: 'k',
      alertKey: 'k',
      summary: 'CPU hot',
      truncated: false,
      severity: 'critical',
      links: [],
    };
    await stub.ingest([alert], monitor);
    await stub.ingest([alert], monitor);
    const first = await LiveClient.connect(inc.id, ana.auth);
    const snap = await first.waitFor(isSnapshot);
    const counter = snap.timeline.at(-1);
    expect(counter).toMatchObject({
      kind: 'duplicate_suppressed',
      text: '1 duplicate alert suppressed',
    });
    first.close();
    await stub.ingest([alert, alert], monitor);
    const again = await LiveClient.connect(inc.id, ana.auth, counter?.seq);
    const resumed = await again.waitFor(isSnapshot);
    expect(resumed.timeline).toEqual([
      expect.objectContaining({ seq: counter?.seq, text: '3 duplicate alerts suppressed' }),
    ]);
    again.close();
  });
});
