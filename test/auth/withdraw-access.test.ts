import { SELF, env } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../schema/protocol';
import { signActionToken } from '../../worker/push/action-token';
import { openOn, serviceWithPolicy, untilEscalated } from '../escalation/setup';
import {
  ADMIN,
  BASE,
  LiveClient,
  api,
  command,
  createUser,
  json,
  openIncident,
  type TestUser,
} from '../helpers';
import { subscriber } from '../push/fixtures';

interface Person {
  id: string;
  name: string;
  role: string;
  disabled: boolean;
}

/** A socket and how it ended: the close code once the server closed it. */
interface Watched {
  ws: WebSocket;
  closed: Promise<number>;
}

const open: Watched[] = [];
afterEach(() => {
  for (const w of open.splice(0)) w.ws.close();
});

function watch(ws: WebSocket): Watched {
  const closed = new Promise<number>((resolve) =>
    ws.addEventListener('close', (e) => resolve(e.code)),
  );
  const watched = { ws, closed };
  open.push(watched);
  return watched;
}

async function feedSocket(headers: Record<string, string>): Promise<Watched> {
  const res = await SELF.fetch(`${BASE}/api/feed/live`, {
    headers: { upgrade: 'websocket', ...headers },
  });
  if (res.status !== 101 || !res.webSocket) throw new Error(`feed connect failed: ${res.status}`);
  res.webSocket.accept();
  return watch(res.webSocket);
}

async function roomSocket(
  incidentId: string,
  headers: Record<string, string>,
): Promise<{ live: LiveClient; closed: Promise<number> }> {
  const live = await LiveClient.connect(incidentId, headers);
  await live.waitFor((m) => m.type === 'snapshot');
  return { live, closed: watch(live.ws).closed };
}

/** Resolves with the close code, or rejects if the socket is still open after `ms`. */
const closesWithin = (closed: Promise<number>, ms = 5_000) =>
  Promise.race([
    closed,
    new Promise<number>((_, reject) =>
      setTimeout(() => reject(new Error('socket still open')), ms),
    ),
  ]);

async function stillOpen(closed: Promise<number>): Promise<boolean> {
  return Promise.race([
    closed.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 200)),
  ]);
}

async function tokenOf(
  user: TestUser,
  name: string,
): Promise<{ id: string; auth: Record<string, string> }> {
  const made = await json<{ id: string; token: string }>(
    api('/api/tokens', { body: { name }, headers: user.auth }),
    201,
  );
  return { id: made.id, auth: { authorization: `Bearer ${made.token}` } };
}

const patchUser = (id: string, body: unknown, headers: Record<string, string> = ADMIN) =>
  api(`/api/users/${id}`, { method: 'PATCH', body, headers });
const isResult = (id: string) => (m: ServerMessage) => m.type === 'result' && m.id === id;

let ana: TestUser;
beforeAll(async () => {
  ana = await createUser('Ana');
});

describe('withdrawing access from open sockets', () => {
  it('closes the incident and list sockets a token opened as soon as it is revoked, and leaves sockets of other credentials open', async () => {
    const tia = await createUser('Tia');
    const spare = await tokenOf(tia, 'laptop');
    const inc = await openIncident(ana);
    const room = await roomSocket(inc.id, tia.auth);
    const feed = await feedSocket(tia.auth);
    const other = await roomSocket(inc.id, spare.auth);

    const { tokens } = await json<{ tokens: { id: string; name: string }[] }>(
      api('/api/tokens', { headers: tia.auth }),
      200,
    );
    const revoked = tokens.find((t) => t.name === 'tests');
    expect(
      (await api(`/api/tokens/${revoked?.id}`, { method: 'DELETE', headers: spare.auth })).status,
    ).toBe(204);

    expect(await closesWithin(room.closed)).toBe(1008);
    expect(await closesWithin(feed.closed)).toBe(1008);
    expect(await stillOpen(other.closed)).toBe(true);
    other.live.send({
      type: 'command',
      id: 'still-me',
      command: { type: 'add_note', text: 'my laptop still works' },
    });
    expect(await other.live.waitFor(isResult('still-me'))).toMatchObject({ ok: true });
  });

  it('refuses a command on a socket whose token was revoked behind its back, and closes that socket', async () => {
    const uma = await createUser('Uma');
    const inc = await openIncident(ana);
    const room = await roomSocket(inc.id, uma.auth);
    await env.DB.prepare('UPDATE api_tokens SET revoked_at = ? WHERE user_id = ?')
      .bind(Date.now(), uma.id)
      .run();
    room.live.send({
      type: 'command',
      id: 'after-revoke',
      command: { type: 'add_note', text: 'should not land' },
    });
    expect(await room.live.waitFor(isResult('after-revoke'))).toMatchObject({
      ok: false,
      problem: { status: 401 },
    });
    expect(await closesWithin(room.closed)).toBe(1008);
    const { timeline } = await json<{ timeline: { kind: string }[] }>(
      api(`/api/incidents/${inc.id}`, { headers: ADMIN }),
      200,
    );
    expect(timeline.filter((e) => e.kind === 'note')).toHaveLength(0);
  });

  it('closes the sockets a browser opened when that browser signs out', async () => {
    const cy = await createUser('Cy');
    const inc = await openIncident(ana);
    const browser = { cookie: cy.cookie, origin: BASE };
    const room = await roomSocket(inc.id, browser);
    const feed = await feedSocket(browser);
    const script = await roomSocket(inc.id, cy.auth);
    expect((await api('/api/auth/logout', { method: 'POST', headers: browser })).status).toBe(204);
    expect(await closesWithin(room.closed)).toBe(1008);
    expect(await closesWithin(feed.closed)).toBe(1008);
    expect(await stillOpen(script.closed)).toBe(true);
  });
});

describe('an admin managing other people', () => {
  it('demotes a responder to viewer: their sockets close, and commands are refused over HTTP and over a new socket', async () => {
    const rex = await createUser('Rex');
    const inc = await openIncident(ana);
    const room = await roomSocket(inc.id, rex.auth);
    const changed = await json<{ user: Person }>(patchUser(rex.id, { role: 'viewer' }), 200);
    expect(changed.user).toEqual({ id: rex.id, name: 'Rex', role: 'viewer', disabled: false });
    expect(await closesWithin(room.closed)).toBe(1008);
    expect((await command(rex, inc.id, 'notes', { text: 'as a viewer' })).status).toBe(403);
    const again = await roomSocket(inc.id, rex.auth);
    again.live.send({
      type: 'command',
      id: 'viewer-note',
      command: { type: 'add_note', text: 'as a viewer' },
    });
    expect(await again.live.waitFor(isResult('viewer-note'))).toMatchObject({
      ok: false,
      problem: { status: 403 },
    });
  });

  it('disables someone: no sign-in, no page, no acknowledging from a page already sent; re-enabling gives sign-in back', async () => {
    const dee = await createUser('Dee');
    const keys = await subscriber();
    const device = await json<{ subscription: { id: string } }>(
      api('/api/push/subscriptions', {
        body: {
          endpoint: `https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`,
          keys,
          label: 'Pixel',
        },
        headers: dee.auth,
      }),
      201,
    );
    const inc = await openIncident(ana);
    const pageToken = await signActionToken(env.SESSION_SECRET, {
      userId: dee.id,
      incidentId: inc.id,
      subscriptionId: device.subscription.id,
      exp: Date.now() + 3600_000,
    });
    const feed = await feedSocket(dee.auth);

    const disabled = await json<{ user: Person }>(patchUser(dee.id, { disabled: true }), 200);
    expect(disabled.user.disabled).toBe(true);
    expect(await closesWithin(feed.closed)).toBe(1008);
    expect((await api('/api/me', { headers: dee.auth })).status).toBe(401);
    expect(await json(api('/api/auth/session', { headers: { cookie: dee.cookie } }), 200)).toEqual({
      user: null,
    });
    const ack = await api('/api/push/ack', { body: { token: pageToken, incidentId: inc.id } });
    expect(ack.status).toBe(401);
    const { incident } = await json<{ incident: { status: string } }>(
      api(`/api/incidents/${inc.id}`, { headers: ADMIN }),
      200,
    );
    expect(incident.status).toBe('triggered');

    const service = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: dee.id }] },
    ]);
    const paged = await openOn(service, 'Disk full');
    const entries = await untilEscalated(paged.id, /Skipped level 1/);
    expect(entries.map((e) => e.text).join('\n')).toMatch(
      /Skipped level 1: Dee is disabled or removed/,
    );
    expect(
      entries.filter((e) => e.kind.startsWith('notification_') && e.text.includes('Dee')),
    ).toEqual([]);

    await json(patchUser(dee.id, { disabled: false }), 200);
    expect((await api('/api/me', { headers: dee.auth })).status).toBe(200);
  });

  it('removes someone for good: sessions, tokens, devices and calendar feeds go, the name stays on what they did', async () => {
    const max = await createUser('Max');
    await json(
      api('/api/push/subscriptions', {
        body: {
          endpoint: `https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`,
          keys: await subscriber(),
          label: 'Pixel',
        },
        headers: max.auth,
      }),
      201,
    );
    const feedUrl = (
      await json<{ url: string }>(
        api('/api/oncall/me/calendar-feed', { method: 'POST', body: {}, headers: max.auth }),
        201,
      )
    ).url;
    const inc = await openIncident(max, { title: 'Opened by Max' });
    const room = await roomSocket(inc.id, max.auth);

    const removed = await json<{ removed: { id: string; name: string } }>(
      api(`/api/users/${max.id}`, { method: 'DELETE', headers: ADMIN }),
      200,
    );
    expect(removed.removed).toEqual({ id: max.id, name: 'Max' });
    expect(await closesWithin(room.closed)).toBe(1008);
    expect((await api('/api/me', { headers: max.auth })).status).toBe(401);
    expect(await json(api('/api/auth/session', { headers: { cookie: max.cookie } }), 200)).toEqual({
      user: null,
    });
    expect((await SELF.fetch(feedUrl)).status).toBe(404);
    const devices = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM push_subscriptions WHERE user_id = ?',
    )
      .bind(max.id)
      .first<{ n: number }>();
    expect(devices?.n).toBe(0);
    const { users } = await json<{ users: Person[] }>(api('/api/users', { headers: ADMIN }), 200);
    expect(users.map((u) => u.id)).not.toContain(max.id);
    const view = await json<{ incident: { createdBy: { name: string } } }>(
      api(`/api/incidents/${inc.id}`, { headers: ADMIN }),
      200,
    );
    expect(view.incident.createdBy.name).toBe('Max');
    expect((await api(`/api/users/${max.id}`, { method: 'DELETE', headers: ADMIN })).status).toBe(
      404,
    );
    expect((await command(ana, inc.id, 'reassign', { assignees: [max.id] })).status).toBe(400);
  });

  it('lists another person’s sessions and tokens, ends one session, then all of them', async () => {
    const liv = await createUser('Liv');
    const second = await api('/api/auth/invites', { body: { userId: liv.id }, headers: ADMIN });
    const { token } = await json<{ token: string }>(second, 201);
    const phone = await api('/api/auth/accept', {
      body: { token },
      headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8)' },
    });
    const phoneCookie = (phone.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    const detail = await json<{
      sessions: { id: string; userAgent: string | null }[];
      tokens: { name: string }[];
    }>(api(`/api/users/${liv.id}`, { headers: ADMIN }), 200);
    expect(detail.sessions).toHaveLength(2);
    expect(detail.tokens.map((t) => t.name)).toEqual(['tests']);
    expect(JSON.stringify(detail)).not.toMatch(/token_hash|ses_/);
    const pixel = detail.sessions.find((s) => s.userAgent?.includes('Pixel 8'));

    expect(
      (
        await api(`/api/users/${liv.id}/sessions/${pixel?.id}`, {
          method: 'DELETE',
          headers: ADMIN,
        })
      ).status,
    ).toBe(204);
    expect(await json(api('/api/auth/session', { headers: { cookie: phoneCookie } }), 200)).toEqual(
      { user: null },
    );
    expect(
      (
        await json<{ user: { id: string } }>(
          api('/api/auth/session', { headers: { cookie: liv.cookie } }),
          200,
        )
      ).user.id,
    ).toBe(liv.id);

    expect(
      await json(api(`/api/users/${liv.id}/sessions`, { method: 'DELETE', headers: ADMIN }), 200),
    ).toEqual({ ended: 1 });
    expect(await json(api('/api/auth/session', { headers: { cookie: liv.cookie } }), 200)).toEqual({
      user: null,
    });
    expect((await api('/api/me', { headers: liv.auth })).status).toBe(200);
  });

  it('revokes a calendar feed so its URL stops answering; a responder may revoke only their own', async () => {
    const kai = await createUser('Kai');
    const mine = await json<{ url: string; id: string }>(
      api('/api/oncall/me/calendar-feed', { method: 'POST', body: {}, headers: kai.auth }),
      201,
    );
    const anas = await json<{ url: string; id: string }>(
      api('/api/oncall/me/calendar-feed', { method: 'POST', body: {}, headers: ana.auth }),
      201,
    );
    expect((await SELF.fetch(mine.url)).status).toBe(200);

    const listed = await json<{ calendarFeeds: { id: string }[] }>(
      api('/api/calendar-feeds', { headers: kai.auth }),
      200,
    );
    expect(listed.calendarFeeds.map((f) => f.id)).toEqual([mine.id]);
    expect(
      (await api(`/api/calendar-feeds/${anas.id}`, { method: 'DELETE', headers: kai.auth })).status,
    ).toBe(404);
    expect(
      (await api(`/api/calendar-feeds/${mine.id}`, { method: 'DELETE', headers: kai.auth })).status,
    ).toBe(204);
    expect((await SELF.fetch(mine.url)).status).toBe(404);

    const all = await json<{ calendarFeeds: { id: string }[] }>(
      api('/api/calendar-feeds', { headers: ADMIN }),
      200,
    );
    expect(all.calendarFeeds.map((f) => f.id)).toContain(anas.id);
    expect(
      (await api(`/api/calendar-feeds/${anas.id}`, { method: 'DELETE', headers: ADMIN })).status,
    ).toBe(204);
    expect((await SELF.fetch(anas.url)).status).toBe(404);
  });

  it('refuses to change the ADMIN_TOKEN’s account or your own, and refuses anyone who is not an admin', async () => {
    const boss = await createUser('Boss', 'admin');
    const rita = await createUser('Rita');
    expect((await patchUser('usr_admin', { role: 'viewer' })).status).toBe(409);
    expect((await api('/api/users/usr_admin', { method: 'DELETE', headers: ADMIN })).status).toBe(
      409,
    );
    expect((await patchUser(boss.id, { disabled: true }, boss.auth)).status).toBe(403);
    expect((await patchUser(boss.id, { role: 'viewer' }, rita.auth)).status).toBe(403);
    expect((await api(`/api/users/${boss.id}`, { headers: rita.auth })).status).toBe(403);
    expect(
      (await api(`/api/users/${boss.id}`, { method: 'DELETE', headers: rita.auth })).status,
    ).toBe(403);
    expect((await patchUser(rita.id, {})).status).toBe(400);
    expect(
      (await json<Person & { user: Person }>(patchUser(rita.id, { role: 'admin' }, boss.auth), 200))
        .user.role,
    ).toBe('admin');
  });
});
