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

/** Apply every migration in `dir` that `db` (a D1 binding) has not run yet, in file-name order. Returns their names. */
export async function applyMigrations(db, { dir = MIGRATIONS_DIR, log = () => {} } = {}) {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)',
  );
  const done = new Set(
    (await db.prepare('SELECT name FROM d1_migrations').all()).results.map((r) => r.name),
  );
  const applied = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    if (done.has(file)) continue;
    const statements = readFileSync(join(dir, file), 'utf8')
      .split(/;\s*(?:\n|$)/)
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .filter(Boolean);
    // One batch is one transaction: a migration lands whole or not at all.
    await db.batch([
      ...statements.map((s) => db.prepare(s)),
      db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(file),
    ]);
    applied.push(file);
    log(`Applied migration ${file}`);
  }
  return applied;
}

/**
 * Migrate the D1 database persisted under `persistRoot` before anything serves it, so no request ever meets
 * a missing table. A throwaway Miniflare holding only the D1 binding opens the same file the server will
 * (D1's file is keyed by database_id, not by the Worker), on a loopback port nothing is told about.
 */
export async function migrateLocalState(
  persistRoot,
  { configPath = join(ROOT, 'wrangler.toml'), log = () => {} } = {},
) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath);
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null, { status: 404 }); } };',
    d1Databases: workerOptions.d1Databases,
    defaultPersistRoot: persistRoot,
    cf: false,
    host: '127.0.0.1',
    port: 0,
  });
  try {
    return await applyMigrations(await mf.getD1Database('DB'), { log });
  } finally {
    await mf.dispose();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? process.env.FIREBELL_STATE ?? '.wrangler/state/v3';
  const applied = await migrateLocalState(root, { log: console.log });
  console.log(applied.length ? `Migrated ${root}.` : `${root} is up to date.`);
}
