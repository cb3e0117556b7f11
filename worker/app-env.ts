import type { Env } from './env';

export type Role = 'admin' | 'responder' | 'viewer';

/** Who is calling, as established by the auth middleware. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  /** How they proved it: cookie writes must pass the Origin check, tokens need not. */
  via: 'admin-token' | 'api-token' | 'session' | 'action-token';
}

/** Hono environment shared by every route. */
export interface AppEnv {
  Bindings: Env;
  Variables: { principal?: Principal };
}
