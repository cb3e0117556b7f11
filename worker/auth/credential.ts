/**
 * From a credential (its kind and keyed hash) to who it signs in, checked against D1 now: the request
 * middleware uses it once per request, a live socket before every command, so a revoked token, an ended
 * session, a changed role or a disabled account takes effect on open sockets too.
 */
import type { Credential, Principal } from '../app-env';
import { userByApiToken, userBySession } from '../directory/credentials';
import { ensureAdmin, isActive } from '../directory/users';
import type { Env } from '../env';
import { hashSecret, safeEqual } from './secrets';

/** The principal `credential` stands for at `now`, or null when it no longer signs anyone in. */
export async function principalFor(
  env: Pick<Env, 'DB' | 'ADMIN_TOKEN' | 'SESSION_SECRET'>,
  credential: Credential,
  now: number,
): Promise<Principal | null> {
  if (credential.kind === 'admin-token') {
    // The hash of the ADMIN_TOKEN configured now: rotating the secret ends every socket opened with the old one.
    if (
      !env.ADMIN_TOKEN ||
      !(await safeEqual(credential.hash, await hashSecret(env.SESSION_SECRET, env.ADMIN_TOKEN)))
    )
      return null;
    const admin = await ensureAdmin(env.DB, now);
    return isActive(admin)
      ? { id: admin.id, name: admin.name, role: 'admin', via: 'admin-token', credential }
      : null;
  }
  const user =
    credential.kind === 'session'
      ? await userBySession(env.DB, credential.hash, now)
      : await userByApiToken(env.DB, credential.hash, now);
  return user
    ? { id: user.id, name: user.name, role: user.role, via: credential.kind, credential }
    : null;
}
