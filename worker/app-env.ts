import type { Role } from '../schema/people-schemas';
import type { Env } from './env';

export type { Role };

/** Who is calling, as established by the auth middleware. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  /** How they proved it: cookie writes must pass the Origin check, tokens need not. */
  via: 'admin-token' | 'api-token' | 'session' | 'action-token';
  /** Which secret they showed, as its keyed hash: a socket keeps it to check on every command, and revoking it closes the socket. */
  credential?: Credential;
}

/** A credential by kind and keyed hash (never the secret itself). */
export interface Credential {
  kind: 'admin-token' | 'api-token' | 'session';
  hash: string;
}

/** Hono environment shared by every route. */
export interface AppEnv {
  Bindings: Env;
  Variables: { principal?: Principal };
}
