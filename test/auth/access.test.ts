import { SELF, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BASE, api, createUser, json, openIncident, type TestUser } from '../helpers';

let responder: TestUser;
let viewer: TestUser;
let incidentId: string;

beforeAll(async () => {
  responder = await createUser('Rita', 'responder');
  viewer = await createUser('Vic', 'viewer');
  incidentId = (await openIncident(responder)).id;
});

type Who = 'nobody' | 'viewer' | 'responder' | 'admin';
const headersFor = (who: Who): Record<string, string> =>
  who === 'nobody' ? {} : who === 'admin' ? ADMIN : who === 'viewer' ? viewer.auth : responder.auth;

/** Every route that changes state, with a body that would succeed, and the least role allowed. */
const mutating = (): {
  name: string;
  path: string;
  body: unknown;
  least: Who;
  method?: string;
}[] => [
  {
    name: 'open an incident',
    path: '/api/incidents',
    body: { title: 'matrix' },
    least: 'responder',
  },
  ...['acknowledge', 'resolve', 'reopen'].map((p) => ({
    name: p,
    path: `/api/incidents/${incidentId}/${p}`,
    body: {},
    least: 'responder' as Who,
  })),
  {
    name: 'reassign',
    path: `/api/incidents/${incidentId}/reassign`,
    body: { assignees: [] },
    least: 'responder',
  },
  {
    name: 'assign a role',
    path: `/api/incidents/${incidentId}/roles`,
    body: { role: 'scribe', userId: 'usr_admin' },
    least: 'responder',
  },
  {
    name: 'clear a role',
    path: `/api/incidents/${incidentId}/roles/unassign`,
    body: { role: 'scribe' },
    least: 'responder',
  },
  {
    name: 'set severity',
    path: `/api/incidents/${incidentId}/severity`,
    body: { severity: 'info' },
    least: 'responder',
  },
  {
    name: 'add a note',
    path: `/api/incidents/${incidentId}/notes`,
    body: { text: 'n' },
    least: 'responder',
  },
  {
    name: 'post a status update',
    path: `/api/incidents/${incidentId}/status-updates`,
    body: { text: 's' },
    least: 'responder',
  },
  {
    name: 'change the title',
    path: `/api/incidents/${incidentId}/title`,
    body: { title: 't' },
    least: 'responder',
  },
  { name: 'create an invite', path: '/api/auth/invites', body: { role: 'viewer' }, least: 'admin' },
  { name: 'create an API token', path: '/api/tokens', body: { name: 'x' }, least: 'viewer' },
  { name: 'sign out', path: '/api/auth/logout', body: undefined, least: 'viewer' },
];

const RANK: Record<Who, number> = { nobody: 0, viewer: 1, responder: 2, admin: 3 };

describe('access matrix', () => {
  for (const who of ['nobody', 'viewer', 'responder', 'admin'] as const) {
    it(`lets a ${who} do exactly what their role allows on every mutating route`, async () => {
      for (const route of mutating()) {
        const res = await api(route.path, {
          method: 'POST',
          body: route.body,
          headers: headersFor(who),
        });
        const allowed = RANK[who] >= RANK[route.least];
        const expected = who === 'nobody' ? 401 : allowed ? [200, 201, 204, 409] : 403;
        if (Array.isArray(expected))
          expect(expected, `${who} → ${route.name}: ${res.status}`).toContain(res.status);
        else expect(res.status, `${who} → ${route.name}`).toBe(expected);
        if (res.status === 401 || res.status === 403)
          expect(res.headers.get('content-type')).toBe('application/problem+json');
      }
    });
  }

  it('refuses the live socket without credentials and admits a viewer', async () => {
    const anon = await SELF.fetch(`${BASE}/api/incidents/${incidentId}/live`, {
      headers: { upgrade: 'websocket' },
    });
    expect(anon.status).toBe(401);
    const ok = await SELF.fetch(`${BASE}/api/incidents/${incidentId}/live`, {
      headers: { upgrade: 'websocket', ...viewer.auth },
    });
    expect(ok.status).toBe(101);
    ok.webSocket?.accept();
    ok.webSocket?.close();
  });

  it('refuses a cookie-authenticated write from another origin, and a socket opened from another origin', async () => {
    const cross = await api(`/api/incidents/${incidentId}/notes`, {
      body: { text: 'csrf' },
      headers: { cookie: responder.cookie, origin: 'https://evil.example' },
    });
    expect(cross.status).toBe(403);
    expect((await json<{ detail: string }>(cross)).detail).toMatch(/Cross-origin/);
    const noOrigin = await api(`/api/incidents/${incidentId}/notes`, {
      body: { text: 'csrf' },
      headers: { cookie: responder.cookie },
    });
    expect(noOrigin.status).toBe(403);
    const same = await api(`/api/incidents/${incidentId}/notes`, {
      body: { text: 'from the app' },
      headers: { cookie: responder.cookie, origin: BASE },
    });
    expect(same.status).toBe(200);
    const socket = await SELF.fetch(`${BASE}/api/incidents/${incidentId}/live`, {
      headers: { upgrade: 'websocket', cookie: responder.cookie, origin: 'https://evil.example' },
    });
    expect(socket.status).toBe(403);
  });

  it('stops accepting a personal API token once it is revoked', async () => {
    const user = await createUser('Tia');
    const { tokens } = await json<{ tokens: { id: string }[] }>(
      api('/api/tokens', { headers: user.auth }),
      200,
    );
    expect((await api('/api/me', { headers: user.auth })).status).toBe(200);
    expect(
      (await api(`/api/tokens/${tokens[0]?.id}`, { method: 'DELETE', headers: user.auth })).status,
    ).toBe(204);
    const after = await api('/api/me', { headers: user.auth });
    expect(after.status).toBe(401);
    expect((await json<{ detail: string }>(after)).detail).toMatch(/revoked/);
  });

  it('lists tokens without ever returning their secrets', async () => {
    const res = await api('/api/tokens', { headers: responder.auth });
    const text = await res.text();
    const secret = responder.auth.authorization?.replace('Bearer ', '') ?? '';
    expect(text).not.toContain(secret);
    expect(text).not.toContain('hash');
  });

  it('accepts an invite link once only', async () => {
    const invite = await json<{ token: string; url: string }>(
      api('/api/auth/invites', { body: { role: 'responder' }, headers: ADMIN }),
      201,
    );
    expect(invite.url).toBe(`${BASE}/join/${invite.token}`);
    expect(
      (await api('/api/auth/accept', { body: { token: invite.token, name: 'Uma' } })).status,
    ).toBe(200);
    const again = await api('/api/auth/accept', { body: { token: invite.token, name: 'Mallory' } });
    expect(again.status).toBe(403);
    expect((await json<{ detail: string }>(again)).detail).toMatch(
      /already been used or has expired/,
    );
  });

  it('leaves an invite usable when accepting it fails for want of a display name, as the join form allows leaving it blank', async () => {
    const invite = await json<{ token: string }>(
      api('/api/auth/invites', { body: { role: 'responder' }, headers: ADMIN }),
      201,
    );
    const blank = await api('/api/auth/accept', { body: { token: invite.token } });
    expect(blank.status).toBe(400);
    expect((await json<{ detail: string }>(blank)).detail).toMatch(/display name/);
    const named = await json<{ user: { name: string; role: string } }>(
      api('/api/auth/accept', { body: { token: invite.token, name: 'Nia' } }),
      200,
    );
    expect(named.user).toMatchObject({ name: 'Nia', role: 'responder' });
    expect(
      (await api('/api/auth/accept', { body: { token: invite.token, name: 'Nia again' } })).status,
    ).toBe(403);
  });

  it('lets only one of two simultaneous accepts of an invite through, creating one person and one session', async () => {
    const invite = await json<{ token: string }>(
      api('/api/auth/invites', { body: { role: 'viewer' }, headers: ADMIN }),
      201,
    );
    const [a, b] = await Promise.all(
      ['Ola', 'Oli'].map((name) =>
        api('/api/auth/accept', { body: { token: invite.token, name } }),
      ),
    );
    expect([a?.status, b?.status].sort()).toEqual([200, 403]);
    const { users } = await json<{ users: { name: string }[] }>(
      api('/api/users', { headers: ADMIN }),
      200,
    );
    expect(users.filter((u) => u.name === 'Ola' || u.name === 'Oli')).toHaveLength(1);
  });

  it('sets an HttpOnly, SameSite=Lax session cookie on sign-in', async () => {
    const invite = await json<{ token: string }>(
      api('/api/auth/invites', { body: { role: 'viewer' }, headers: ADMIN }),
      201,
    );
    const res = await api('/api/auth/accept', { body: { token: invite.token, name: 'Cy' } });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^fb_session=ses_/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('rejects a wrong bearer token without saying which tokens exist', async () => {
    const res = await api('/api/me', { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
  });

  it('tells a browser who it is signed in as, or null, without an error status', async () => {
    const anon = await api('/api/auth/session');
    expect(anon.status).toBe(200);
    expect(await json(anon)).toEqual({ user: null });
    const signedIn = await json<{ user: { id: string; role: string } }>(
      api('/api/auth/session', { headers: { cookie: responder.cookie } }),
      200,
    );
    expect(signedIn.user).toMatchObject({ id: responder.id, role: 'responder' });
  });

  it('has no test clock unless the server was started with TEST_CLOCK, and then only for an admin over loopback', async () => {
    const move = (headers: Record<string, string>, base = BASE) =>
      SELF.fetch(`${base}/api/test/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ advanceMinutes: 1 }),
      });
    expect((await move(ADMIN)).status).toBe(404);
    env.TEST_CLOCK = 'true';
    try {
      expect((await move(ADMIN, 'https://firebell.example.com')).status).toBe(404);
      expect((await move(responder.auth)).status).toBe(403);
      const bad = await api('/api/test/clock', { headers: ADMIN, body: { advanceMinutes: -5 } });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toBe('application/problem+json');
    } finally {
      env.TEST_CLOCK = undefined;
    }
  });
});
