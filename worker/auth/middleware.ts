/**
 * Who is calling: ADMIN_TOKEN, a personal API token (Bearer) or a session cookie.
 * Routes declare the least role they need with requireRole(); nothing else checks credentials.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv, Principal, Role } from '../app-env';
import { now } from '../clock';
import { forbidden, unauthorized } from '../errors';
import { principalFor } from './credential';
import { hashSecret, safeEqual } from './secrets';

export const SESSION_COOKIE = 'fb_session';

const RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function authenticate(c: Context<AppEnv>): Promise<Principal | null> {
  const header = c.req.header('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthorized('Authorization must be "Bearer <token>".');
    const token = match[1];
    const hash = await hashSecret(c.env.SESSION_SECRET, token);
    const kind =
      c.env.ADMIN_TOKEN && (await safeEqual(token, c.env.ADMIN_TOKEN))
        ? 'admin-token'
        : 'api-token';
    const principal = await principalFor(c.env, { kind, hash }, now());
    if (!principal)
      throw unauthorized(
        'That token is not valid: it may have been revoked. Create a new one under Settings → API tokens.',
      );
    return principal;
  }
  const session = getCookie(c, SESSION_COOKIE);
  if (session)
    return principalFor(
      c.env,
      { kind: 'session', hash: await hashSecret(c.env.SESSION_SECRET, session) },
      now(),
    );
  return null;
}

/** Cookie-authenticated writes (and sockets) must come from our own origin: a cross-site page cannot ride the cookie. */
function checkOrigin(c: Context<AppEnv>, principal: Principal): void {
  const upgrade = c.req.header('upgrade')?.toLowerCase() === 'websocket';
  if (principal.via !== 'session' || (SAFE_METHODS.has(c.req.method) && !upgrade)) return;
  const origin = c.req.header('origin');
  const allowed = new Set([new URL(c.req.url).origin]);
  if (c.env.PUBLIC_URL) allowed.add(new URL(c.env.PUBLIC_URL).origin);
  if (!origin || !allowed.has(origin))
    throw forbidden(
      'Cross-origin request refused: browser writes must come from the Firebell app itself.',
    );
}

/** Require a signed-in principal with at least `role`. */
export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get('principal') ?? (await authenticate(c));
    if (!principal)
      throw unauthorized(
        'Sign in first: open your invite link, or send "Authorization: Bearer <token>".',
      );
    checkOrigin(c, principal);
    if (RANK[principal.role] < RANK[role])
      throw forbidden(`This needs the ${role} role; you are signed in as a ${principal.role}.`);
    c.set('principal', principal);
    await next();
  };
}

/** The principal set by requireRole; throws if a route forgot to require one. */
export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get('principal');
  if (!principal) throw new Error('route is missing requireRole()');
  return principal;
}

export function isLocalhost(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}
