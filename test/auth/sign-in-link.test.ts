import { afterEach, describe, expect, it } from 'vitest';
import { setClock } from '../../worker/clock';
import { ADMIN, api, createUser, json } from '../helpers';

const HOUR = 3600_000;
let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
});

/** Freeze time at `start`; returns a function that moves it forward. */
function frozen(start = Date.now()): (ms: number) => void {
  let t = start;
  restore = setClock(() => t);
  return (ms) => {
    t += ms;
  };
}

const signInLink = async (userId: string) =>
  json<{ token: string; expiresAt: number }>(
    api('/api/auth/invites', { body: { userId }, headers: ADMIN }),
    201,
  );
const accept = (token: string, name?: string) =>
  api('/api/auth/accept', { body: { token, ...(name ? { name } : {}) } });

describe('sign-in links for an existing user', () => {
  it('stop working an hour after they were made if nobody used them', async () => {
    const advance = frozen();
    const user = await createUser('Ada');
    const link = await signInLink(user.id);
    advance(HOUR + 1);
    const res = await accept(link.token);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toContain('expired');
  });

  it('are voided by a newer link for the same user, which still signs them in', async () => {
    frozen();
    const user = await createUser('Bo');
    const older = await signInLink(user.id);
    const newer = await signInLink(user.id);
    expect((await accept(older.token)).status).toBe(403);
    const signedIn = await accept(newer.token);
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as { user: { id: string } }).user.id).toBe(user.id);
  });

  it('leave other users’ links and invites for new people alone', async () => {
    const advance = frozen();
    const [cy, di] = [await createUser('Cy'), await createUser('Di')];
    const cysLink = await signInLink(cy.id);
    const invite = await json<{ token: string; expiresAt: number }>(
      api('/api/auth/invites', { body: { role: 'responder' }, headers: ADMIN }),
      201,
    );
    await signInLink(di.id);
    expect((await accept(cysLink.token)).status).toBe(200);
    advance(6 * 24 * HOUR);
    expect((await accept(invite.token, 'Ed')).status).toBe(200);
  });
});
