#!/usr/bin/env node
// `npm start`: serve the built Worker (API + PWA assets) on workerd through the Miniflare API,
// with Durable Objects, their alarms and D1 persisted under .wrangler/state/v3 (the folder `wrangler dev` uses).
// `npm start -- --sign-in-link` also prints a fresh one-time admin sign-in link (first start prints one anyway).
import './wrangler-env.mjs';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { migrateLocalState } from './migrate.mjs';
import { ensureDevVars, hasState, SecretsError, SECRET_NAMES } from './setup.mjs';

const PORT = Number(process.env.PORT ?? 8787);
const HOST = process.env.HOST ?? '127.0.0.1';
const PERSIST = process.env.FIREBELL_STATE ?? '.wrangler/state/v3';
const ORIGIN = `http://${HOST}:${PORT}`;
const WANTS_LINK = process.argv.includes('--sign-in-link');

const firstStart = !hasState(PERSIST);
let vars;
try {
  // FIREBELL_DEV_VARS lets end-to-end tests run an isolated instance with its own secrets.
  const result = ensureDevVars(process.env.FIREBELL_DEV_VARS ?? '.dev.vars', { stateDir: PERSIST });
  vars = result.vars;
  if (result.created)
    console.log(
      'First start: created .dev.vars with a new ADMIN_TOKEN, session secret and VAPID key pair. Back it up with the state folder (npm run backup).',
    );
} catch (err) {
  if (!(err instanceof SecretsError)) throw err;
  console.error(`Not starting: ${err.message}`);
  process.exit(1);
}

// Before listening: /api/health answering means every table exists, so the first request after it works.
await migrateLocalState(PERSIST, { log: console.log });

const { workerOptions } = unstable_getMiniflareWorkerOptions('wrangler.toml');
// Secrets come from `vars` below, never from whatever .dev.vars wrangler found on its own.
for (const key of SECRET_NAMES) delete workerOptions.bindings?.[key];
const name = 'firebell'; // must equal wrangler.toml's name, or Durable Object state lands in another folder than `wrangler dev` uses

const mf = new Miniflare({
  ...workerOptions,
  name,
  modules: true,
  scriptPath: 'dist/worker/index.js',
  bindings: {
    ...workerOptions.bindings,
    ...vars,
    PUBLIC_URL: process.env.PUBLIC_URL ?? ORIGIN,
    ...extraBindings(),
  },
  defaultPersistRoot: PERSIST,
  cf: false,
  host: HOST,
  port: PORT,
});

/** Settings a trial or test may pass through the environment (never secrets in the repo). */
function extraBindings() {
  const out = {};
  // The SMTP settings too (no password: that one belongs in .dev.vars), for a local trial with a local mail server.
  const smtp = ['SMTP_HOST', 'SMTP_PORT', 'SMTP_SECURE', 'SMTP_STARTTLS', 'MAIL_FROM'];
  for (const key of [
    'ALLOW_INSECURE_OUTBOUND',
    'ALLOW_INSECURE_PUSH',
    'BENCH_COUNTERS',
    'TEST_CLOCK',
    ...smtp,
    'TWILIO_ACCOUNT_SID',
    'TWILIO_FROM',
    'TWILIO_API_BASE',
  ])
    if (process.env[key]) out[key] = process.env[key];
  return out;
}

/** A one-time link that signs the admin in; it replaces the admin's older unused links and expires within the hour. */
async function signInLink() {
  const res = await mf.dispatchFetch(`${ORIGIN}/api/auth/invites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${vars.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'usr_admin' }),
  });
  if (!res.ok)
    throw new Error(`could not create the admin sign-in link: ${res.status} ${await res.text()}`);
  return (await res.json()).url;
}

const url = await mf.ready;
// The link is a credential: printed on first start or when asked for, never on every start (logs keep stdout).
if (firstStart || WANTS_LINK)
  console.log(
    `Admin sign-in link (one use, expires in an hour; open it on your phone or browser): ${await signInLink()}`,
  );
else
  console.log(
    'Need to sign in on a new phone or browser? Stop and run: npm start -- --sign-in-link',
  );
console.log('API token for scripts: ADMIN_TOKEN in .dev.vars. API docs: /api/docs');
if (process.env.TEST_CLOCK === 'true')
  console.log(
    'TEST_CLOCK is on: POST /api/test/clock moves time. For tests only, never for real paging.',
  );
console.log(`Firebell is running at ${url.origin} (state in ${PERSIST})`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await mf.dispose();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
