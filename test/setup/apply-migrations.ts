import { env } from 'cloudflare:workers';

// Storage is isolated per test file, so every file starts by applying the schema. This reads the bindings from
// `cloudflare:workers` rather than `cloudflare:test`: importing the latter loads the whole Worker, which a file of
// pure tests never needs (about 4 s of CPU per file). The Worker loads when a test first touches SELF or an object.
const db = env.DB;
const migrations = env.TEST_MIGRATIONS;
for (const migration of migrations)
  await db.batch(migration.queries.map((query) => db.prepare(query)));
