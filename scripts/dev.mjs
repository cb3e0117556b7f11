#!/usr/bin/env node
// `npm run dev`: `wrangler dev` with reload, on the same local state as `npm start` (.wrangler/state/v3).
// wrangler dev never applies D1 migrations itself, so apply them first: on a fresh clone every API call
// would otherwise answer 500 ("no such table"). `--local` answers its own prompt when there is no TTY.
import { spawn, spawnSync } from 'node:child_process';
import { WRANGLER } from './wrangler-env.mjs';

const migrate = spawnSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local'], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (migrate.status !== 0) {
  console.error(
    'Could not apply the D1 migrations to the local database, so wrangler dev was not started.',
  );
  process.exit(migrate.status ?? 1);
}

const dev = spawn(WRANGLER, ['dev', '--ip', '127.0.0.1', '--port', process.env.PORT ?? '8787'], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
