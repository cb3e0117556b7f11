import type { D1Migration } from 'cloudflare:test';
import type { Env as FirebellEnv } from '../worker/env';

declare global {
  namespace Cloudflare {
    interface Env extends FirebellEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
