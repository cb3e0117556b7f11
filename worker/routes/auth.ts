/**
 * Invites, sessions and "who am I". An invite link is the only way onto a phone:
 * the admin creates it, the responder opens it, picks a name and gets a session cookie.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  acceptBody,
  inviteBody,
  inviteSchema,
  renameMeBody,
} from '../../schema/credential-schemas';
import { userSchema } from '../../schema/people-schemas';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env';
import { SESSION_COOKIE, isLocalhost, principalOf, requireRole } from '../auth/middleware';
import { hashSecret } from '../auth/secrets';
import { now } from '../clock';
import {
  createInvite,
  deleteSession,
  findInvite,
  redeemInvite,
  userBySession,
} from '../directory/credentials';
import { getUser, isActive, renameUser, type User } from '../directory/users';
import { limitBody, requireJson, validationHook } from '../edge';
import { ProblemError, badRequest, conflict, forbidden, notFound } from '../errors';
import { closeSockets } from '../auth/sockets';
import { newId, newSecret } from '../ids';
import { bearer, problems } from './openapi-shared';

const INVITE_TTL_MS = 7 * 24 * 3600_000;
/** A sign-in link for an existing user (the admin's, printed by `npm start`) is a live credential: short-lived. */
export const SIGN_IN_LINK_TTL_MS = 3600_000;
const SESSION_TTL_MS = 90 * 24 * 3600_000;

export const auth = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
auth.use('*', limitBody(16 * 1024), requireJson());

/** The origin phones should open links at. */
export function publicOrigin(env: AppEnv['Bindings'], requestUrl: string): string {
  return (env.PUBLIC_URL ? new URL(env.PUBLIC_URL) : new URL(requestUrl)).origin;
}

auth.openapi(
  createRoute({
    method: 'post',
    path: '/invites',
    tags: ['auth'],
    summary: 'Create a one-time invite link (admin)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: inviteBody,
          },
        },
      },
    },
    responses: {
      201: {
        description: 'The invite; the token is shown only now',
        content: {
          'application/json': {
            schema: inviteSchema,
          },
        },
      },
      400: problems[400],
      401: problems[401],
      403: problems[403],
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const who = principalOf(c);
    let role = body.role;
    if (body.userId) {
      const user = await getUser(c.env.DB, body.userId);
      if (!user || user.removedAt) throw badRequest(`No user ${body.userId}.`);
      if (!isActive(user)) throw conflict(`${user.name} is disabled; re-enable them first.`);
      role = user.role;
    }
    const token = newSecret('inv');
    const at = now();
    const ttlMs = body.userId ? SIGN_IN_LINK_TTL_MS : INVITE_TTL_MS;
    await createInvite(c.env.DB, {
      tokenHash: await hashSecret(c.env.SESSION_SECRET, token),
      role,
      userId: body.userId ?? null,
      createdBy: who.id,
      now: at,
      ttlMs,
    });
    return c.json(
      { url: `${publicOrigin(c.env, c.req.url)}/join/${token}`, token, expiresAt: at + ttlMs },
      201,
    );
  },
);

auth.openapi(
  createRoute({
    method: 'post',
    path: '/accept',
    tags: ['auth'],
    summary:
      'Redeem an invite: creates the user (or signs in the invited one, renaming them when a name is given) and starts a session',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: acceptBody,
          },
        },
      },
    },
    responses: {
      200: {
        description: 'Signed in; the session cookie is set',
        content: { 'application/json': { schema: z.object({ user: userSchema }) } },
      },
      400: problems[400],
      403: problems[403],
    },
  }),
  async (c) => {
    const { token, name } = c.req.valid('json');
    const at = now();
    const tokenHash = await hashSecret(c.env.SESSION_SECRET, token);
    const spent = () =>
      new ProblemError(
        403,
        'forbidden',
        'This invite link has already been used or has expired. Ask your admin for a new one.',
      );
    // Check everything before using the invite up: a refused accept leaves the link working.
    const invite = await findInvite(c.env.DB, tokenHash, at);
    if (!invite) throw spent();
    const existing = invite.userId ? await getUser(c.env.DB, invite.userId) : null;
    if (invite.userId && (!existing || !isActive(existing)))
      throw forbidden(
        'The account this invite signs in has been disabled or removed. Ask your admin.',
      );
    if (!existing && !name)
      throw badRequest('Pick a display name: your teammates will see it on the timeline.');
    // A sign-in link for an existing user (the admin's first one, a new phone): a name typed there is theirs now.
    const user: User = existing
      ? { ...existing, ...(name ? { name } : {}) }
      : { id: newId('usr'), name: name as string, role: invite.role, createdAt: at };
    const session = newSecret('ses');
    const redeemed = await redeemInvite(c.env.DB, {
      tokenHash,
      now: at,
      newUser: existing ? null : user,
      rename: existing && name ? name : null,
      userId: user.id,
      session: {
        id: newId('sid'),
        tokenHash: await hashSecret(c.env.SESSION_SECRET, session),
        ttlMs: SESSION_TTL_MS,
        userAgent: c.req.header('user-agent') ?? null,
      },
    });
    if (!redeemed) throw spent();
    setCookie(c, SESSION_COOKIE, session, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: !isLocalhost(c.req.url),
      path: '/',
      maxAge: SESSION_TTL_MS / 1000,
    });
    return c.json({ user: { id: user.id, name: user.name, role: user.role } }, 200);
  },
);

auth.openapi(
  createRoute({
    method: 'post',
    path: '/logout',
    tags: ['auth'],
    summary: 'End this device’s session',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: { 204: { description: 'Signed out' }, 401: problems[401] },
  }),
  async (c) => {
    const session = getCookie(c, SESSION_COOKIE);
    if (session) {
      const hash = await hashSecret(c.env.SESSION_SECRET, session);
      const userId = await deleteSession(c.env.DB, hash);
      // Sockets this browser opened end with the session, not at their next command.
      if (userId) await closeSockets(c.env, userId, { kind: 'session', hash });
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  },
);

auth.openapi(
  createRoute({
    method: 'get',
    path: '/session',
    tags: ['auth'],
    summary:
      'Who this browser is signed in as, or null (200 either way, so a signed-out app start logs no error)',
    responses: {
      200: {
        description: 'The session cookie’s user, or null',
        content: { 'application/json': { schema: z.object({ user: userSchema.nullable() }) } },
      },
    },
  }),
  async (c) => {
    const session = getCookie(c, SESSION_COOKIE);
    const user = session
      ? await userBySession(c.env.DB, await hashSecret(c.env.SESSION_SECRET, session), now())
      : null;
    return c.json({ user: user ? { id: user.id, name: user.name, role: user.role } : null }, 200);
  },
);

export const me = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
me.use('*', limitBody(4 * 1024), requireJson());
me.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['auth'],
    summary: 'The signed-in user',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'You',
        content: { 'application/json': { schema: z.object({ user: userSchema }) } },
      },
      401: problems[401],
    },
  }),
  (c) => {
    const { id, name, role } = principalOf(c);
    return c.json({ user: { id, name, role } }, 200);
  },
);

me.openapi(
  createRoute({
    method: 'patch',
    path: '/',
    tags: ['auth'],
    summary: 'Change my display name',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: renameMeBody } },
      },
    },
    responses: {
      200: {
        description: 'You, renamed',
        content: { 'application/json': { schema: z.object({ user: userSchema }) } },
      },
      400: problems[400],
      401: problems[401],
      403: problems[403],
    },
  }),
  async (c) => {
    const user = await renameUser(c.env.DB, principalOf(c).id, c.req.valid('json').name);
    if (!user) throw notFound('Your user no longer exists.');
    return c.json({ user: { id: user.id, name: user.name, role: user.role } }, 200);
  },
);
