/**
 * Runbooks in D1: the directory the admin API edits and an opening incident reads once (it keeps a snapshot).
 */
import type { Runbook, RunbookStep } from '../../schema/runbook-schemas';

type Row = {
  id: string;
  service_id: string;
  name: string;
  body: string;
  steps: string;
  created_at: number;
  updated_at: number;
};

const COLUMNS = 'id, service_id, name, body, steps, created_at, updated_at';

function toRunbook(row: Row): Runbook {
  return {
    id: row.id,
    serviceId: row.service_id,
    name: row.name,
    body: row.body,
    steps: JSON.parse(row.steps) as RunbookStep[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listRunbooks(db: D1Database, serviceId: string): Promise<Runbook[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM runbooks WHERE service_id = ? ORDER BY name, id`)
    .bind(serviceId)
    .all<Row>();
  return results.map(toRunbook);
}

export async function getRunbook(db: D1Database, id: string): Promise<Runbook | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM runbooks WHERE id = ?`)
    .bind(id)
    .first<Row>();
  return row ? toRunbook(row) : null;
}

/** Which of `ids` name a runbook that exists. */
export async function existingRunbooks(
  db: D1Database,
  ids: readonly string[],
): Promise<Set<string>> {
  if (!ids.length) return new Set();
  // One JSON parameter, not one per id: a rule set may name up to 1,000 and D1 binds at most 100.
  const { results } = await db
    .prepare('SELECT id FROM runbooks WHERE id IN (SELECT value FROM json_each(?))')
    .bind(JSON.stringify(ids))
    .all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}

export async function countRunbooks(db: D1Database, serviceId: string): Promise<number> {
  const row = await db
    .prepare('SELECT COUNT(*) AS n FROM runbooks WHERE service_id = ?')
    .bind(serviceId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export async function insertRunbook(db: D1Database, runbook: Runbook): Promise<void> {
  await db
    .prepare(`INSERT INTO runbooks (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .bind(
      runbook.id,
      runbook.serviceId,
      runbook.name,
      runbook.body,
      JSON.stringify(runbook.steps),
      runbook.createdAt,
      runbook.updatedAt,
    )
    .run();
}

export async function updateRunbook(db: D1Database, runbook: Runbook): Promise<void> {
  await db
    .prepare('UPDATE runbooks SET name = ?, body = ?, steps = ?, updated_at = ? WHERE id = ?')
    .bind(runbook.name, runbook.body, JSON.stringify(runbook.steps), runbook.updatedAt, runbook.id)
    .run();
}

/** Delete a runbook and unset it as its service's default, in one transaction. */
export async function deleteRunbook(db: D1Database, id: string): Promise<void> {
  await db.batch([
    db.prepare('DELETE FROM service_default_runbooks WHERE runbook_id = ?').bind(id),
    db.prepare('DELETE FROM runbooks WHERE id = ?').bind(id),
  ]);
}

export async function getDefaultRunbookId(
  db: D1Database,
  serviceId: string,
): Promise<string | null> {
  const row = await db
    .prepare('SELECT runbook_id FROM service_default_runbooks WHERE service_id = ?')
    .bind(serviceId)
    .first<{ runbook_id: string }>();
  return row?.runbook_id ?? null;
}

export async function setDefaultRunbookId(
  db: D1Database,
  serviceId: string,
  runbookId: string | null,
): Promise<void> {
  await (
    runbookId === null
      ? db.prepare('DELETE FROM service_default_runbooks WHERE service_id = ?').bind(serviceId)
      : db
          .prepare(
            `INSERT INTO service_default_runbooks (service_id, runbook_id) VALUES (?1, ?2)
           ON CONFLICT (service_id) DO UPDATE SET runbook_id = excluded.runbook_id`,
          )
          .bind(serviceId, runbookId)
  ).run();
}

/** The runbook an incident of `serviceId` gets: the one a rule named (if it still exists), else the default. */
export async function runbookFor(
  db: D1Database,
  serviceId: string | null,
  named: string | undefined,
): Promise<Runbook | null> {
  if (named) {
    const runbook = await getRunbook(db, named);
    if (runbook) return runbook;
  }
  if (!serviceId) return null;
  const fallback = await getDefaultRunbookId(db, serviceId);
  return fallback ? getRunbook(db, fallback) : null;
}
