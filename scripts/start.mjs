#!/usr/bin/env node
// `npm start`: serve the built Worker (API + PWA assets) on workerd through the Miniflare API,
// with Durable Objects, their alarms and D1 persisted under .wrangler/state/v3 (the folder `wrangler dev` uses).
import './wrangler-env.mjs';
import { readFileSync, readdirSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { ensureDevVars } from './setup.mjs';

const PORT = Number(process.env.PORT ?? 8787);
const HOST = process.env.HOST ?? '127.0.0.1';
const PERSIST = process.env.FIREBELL_STATE ?? '.wrangler/state/v3';
const ORIGIN = `http://${HOST}:${PORT}`;

// FIREBELL_DEV_VARS lets end-to-end tests run an isolated instance with its own secrets.
const { created, vars } = ensureDevVars(process.env.FIREBELL_DEV_VARS ?? '.dev.vars');
if (created) console.log('First start: created .dev.vars with a new ADMIN_TOKEN, session secret and VAPID key pair.');

const { workerOptions } = unstable_getMiniflareWorkerOptions('wrangler.toml');
// Secrets come from `vars` below, never from whatever .dev.vars wrangler found on its own.
for (const key of ['ADMIN_TOKEN', 'SESSION_SECRET', 'VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT']) delete workerOptions.bindings?.[key];
const name = 'firebell'; // must equal wrangler.toml's name, or Durable Object state lands in another folder than `wrangler dev` uses

const mf = new Miniflare({
  ...workerOptions,
  name,
  modules: true,
  scriptPath: 'dist/worker/index.js',
  bindings: { ...workerOptions.bindings, ...vars, PUBLIC_URL: process.env.PUBLIC_URL ?? ORIGIN, ...extraBindings() },
  defaultPersistRoot: PERSIST,
  cf: false,
  host: HOST,
  port: PORT,
});

/** Settings a trial or test may pass through the environment (never secrets in the repo). */
function extraBindings() {
  const out = {};
  for (const key of ['ALLOW_INSECURE_OUTBOUND', 'ALLOW_INSECURE_PUSH', 'ESCALATION_TICK_MS']) if (process.env[key]) out[key] = process.env[key];
  return out;
}

async function applyMigrations() {
  const db = await mf.getD1Database('DB');
  // Same bookkeeping table as `wrangler d1 migrations apply`, so both tools agree on what ran.
  await db.exec('CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)');
  const done = new Set((await db.prepare('SELECT name FROM d1_migrations').all()).results.map((r) => r.name));
  for (const file of readdirSync('schema/migrations').filter((f) => f.endsWith('.sql')).sort()) {
    if (done.has(file)) continue;
    const statements = readFileSync(`schema/migrations/${file}`, 'utf8')
      .split(/;\s*(?:\n|$)/)
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .filter(Boolean);
    await db.batch([...statements.map((s) => db.prepare(s)), db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(file)]);
    console.log(`Applied migration ${file}`);
  }
}

async function signInLink() {
  const res = await mf.dispatchFetch(`${ORIGIN}/api/auth/invites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${vars.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'usr_admin' }),
  });
  if (!res.ok) throw new Error(`could not create the admin sign-in link: ${res.status} ${await res.text()}`);
  return (await res.json()).url;
}

const url = await mf.ready;
await applyMigrations();
const link = await signInLink();
console.log(`Firebell is running at ${url.origin} (state in ${PERSIST})`);
console.log(`Admin sign-in link (one use, open it on your phone or browser): ${link}`);
console.log('API token for scripts: ADMIN_TOKEN in .dev.vars. API docs: /api/docs');

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await mf.dispose();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
