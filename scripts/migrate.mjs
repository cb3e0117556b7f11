#!/usr/bin/env node
// D1 migrations for the local state, shared by `npm start` (scripts/start.mjs) and anything else that serves
// the same state folder (`npm run dev`, demo scripts): run `node scripts/migrate.mjs [stateDir]`, or import
// `migrateLocalState`. Uses the same bookkeeping table as `wrangler d1 migrations apply`, so both tools agree.
import './wrangler-env.mjs';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MIGRATIONS_DIR = join(ROOT, 'schema', 'migrations');

/** The migrations in `dir`, in file-name order, each as its list of statements. */
export function readMigrations(dir = MIGRATIONS_DIR) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({
      name,
      statements: readFileSync(join(dir, name), 'utf8')
        .split(/;\s*(?:\n|$)/)
        .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
        .filter(Boolean),
    }));
}

// Runs inside workerd with the D1 binding: every migration not applied yet, each as one batch (one transaction,
// so a migration lands whole or not at all). It answers the names it applied, and what stopped it.
const MIGRATOR = `export default {
  async fetch(request, env) {
    const db = env.DB;
    const applied = [];
    let current = 'the bookkeeping table';
    try {
      await db.exec('CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)');
      const done = new Set((await db.prepare('SELECT name FROM d1_migrations').all()).results.map((r) => r.name));
      for (const { name, statements } of await request.json()) {
        if (done.has(name)) continue;
        current = name;
        await db.batch([
          ...statements.map((s) => db.prepare(s)),
          db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(name),
        ]);
        applied.push(name);
      }
      return Response.json({ applied });
    } catch (e) {
      return Response.json({ applied, error: current + ': ' + String((e && e.message) || e) });
    }
  },
};`;

/**
 * Migrate the D1 database persisted under `persistRoot` before anything serves it, so no request ever meets
 * a missing table. A throwaway Miniflare holding only the D1 binding opens the same file the server will
 * (D1's file is keyed by database_id, not by the Worker), on a loopback port nothing is told about. The work runs
 * inside that Worker, one request in and one answer out: Miniflare's Node-side D1 proxy makes synchronous calls
 * for `prepare`, and those lost their answer under heavy load (an assertion in its SynchronousFetcher).
 */
export async function migrateLocalState(
  persistRoot,
  { configPath = join(ROOT, 'wrangler.toml'), dir = MIGRATIONS_DIR, log = () => {} } = {},
) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath);
  const mf = new Miniflare({
    modules: true,
    script: MIGRATOR,
    d1Databases: workerOptions.d1Databases,
    defaultPersistRoot: persistRoot,
    cf: false,
    host: '127.0.0.1',
    port: 0,
  });
  try {
    const res = await mf.dispatchFetch('http://migrate.invalid/', {
      method: 'POST',
      body: JSON.stringify(readMigrations(dir)),
    });
    const { applied, error } = await res.json();
    for (const name of applied) log(`Applied migration ${name}`);
    if (error)
      throw new Error(
        `migrating ${persistRoot} failed after ${applied.length} migration(s): ${error}`,
      );
    return applied;
  } finally {
    await mf.dispose();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? process.env.FIREBELL_STATE ?? '.wrangler/state/v3';
  const applied = await migrateLocalState(root, { log: console.log });
  console.log(applied.length ? `Migrated ${root}.` : `${root} is up to date.`);
}
