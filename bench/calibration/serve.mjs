#!/usr/bin/env node
// Serve the calibration Worker exactly as scripts/start.mjs serves Firebell: its wrangler.toml read by wrangler
// (so the same [assets] front), the Miniflare API on the same workerd, SQLite-backed Durable Objects persisted on
// disk (under CALIBRATION_STATE), 127.0.0.1 only.
import '../../scripts/wrangler-env.mjs';
import { Miniflare } from 'miniflare';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';

const here = dirname(fileURLToPath(import.meta.url));
const PORT = Number(process.env.PORT ?? 8788);
const PERSIST = process.env.CALIBRATION_STATE;
if (!PERSIST) throw new Error('CALIBRATION_STATE must name a (temporary) directory for the state');

const { workerOptions } = unstable_getMiniflareWorkerOptions(join(here, 'wrangler.toml'));
const mf = new Miniflare({
  ...workerOptions,
  name: 'calibration',
  modules: true,
  scriptPath: join(here, 'worker.js'),
  defaultPersistRoot: PERSIST,
  cf: false,
  host: '127.0.0.1',
  port: PORT,
});

const url = await mf.ready;
const db = await mf.getD1Database('DB');
await db.batch([
  db.prepare('CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)'),
  db.prepare("INSERT OR REPLACE INTO kv (k, v) VALUES ('one', 'calibration')"),
]);
console.log(`Calibration Worker listening at ${url.origin} (state in ${PERSIST})`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await mf.dispose();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
