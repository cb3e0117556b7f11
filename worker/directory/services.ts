/** Services in D1: what an incident is about, and (once on-call lands) whose policy pages for it. */
import type { Service } from '../../schema/directory';

type Row = {
  id: string;
  name: string;
  description: string;
  policy_id: string | null;
  created_at: number;
};
const toService = (r: Row): Service => ({
  id: r.id,
  name: r.name,
  description: r.description,
  policyId: r.policy_id,
  createdAt: r.created_at,
});

export async function createService(db: D1Database, service: Service): Promise<void> {
  await db
    .prepare(
      'INSERT INTO services (id, name, description, policy_id, created_at) VALUES (?, ?, ?, ?, ?)',
    )
    .bind(service.id, service.name, service.description, service.policyId, service.createdAt)
    .run();
}

export async function getService(db: D1Database, id: string): Promise<Service | null> {
  const row = await db
    .prepare('SELECT id, name, description, policy_id, created_at FROM services WHERE id = ?')
    .bind(id)
    .first<Row>();
  return row ? toService(row) : null;
}

export async function listServices(db: D1Database): Promise<Service[]> {
  const { results } = await db
    .prepare('SELECT id, name, description, policy_id, created_at FROM services ORDER BY name, id')
    .all<Row>();
  return results.map(toService);
}

/** Change a service's name and/or description; false when there is no such service. */
export async function updateService(
  db: D1Database,
  id: string,
  patch: { name?: string; description?: string },
): Promise<boolean> {
  const res = await db
    .prepare(
      'UPDATE services SET name = coalesce(?2, name), description = coalesce(?3, description) WHERE id = ?1',
    )
    .bind(id, patch.name ?? null, patch.description ?? null)
    .run();
  return res.meta.changes > 0;
}

/** What keeps a service from being deleted: its open incidents and its live integrations. */
export interface ServiceUses {
  incidents: { id: string; number: number; title: string }[];
  integrations: { id: string; name: string }[];
}

const OPEN_INCIDENTS =
  "SELECT id, number, title FROM incidents WHERE service_id = ?1 AND status IN ('triggered', 'acknowledged')";
const LIVE_INTEGRATIONS =
  'SELECT id, name FROM integrations WHERE service_id = ?1 AND revoked_at IS NULL';

export async function serviceUses(db: D1Database, id: string): Promise<ServiceUses> {
  const [incidents, integrations] = await db.batch<Record<string, unknown>>([
    db.prepare(`${OPEN_INCIDENTS} ORDER BY number LIMIT 20`).bind(id),
    db.prepare(`${LIVE_INTEGRATIONS} ORDER BY created_at, id`).bind(id),
  ]);
  return {
    incidents: (incidents?.results ?? []) as ServiceUses['incidents'],
    integrations: (integrations?.results ?? []) as ServiceUses['integrations'],
  };
}

/**
 * Delete a service and its revoked integrations, in one transaction, unless it has an open incident
 * or a live integration (checked in the same statements, so one arriving meanwhile keeps it).
 * False when nothing was deleted.
 */
export async function deleteService(db: D1Database, id: string): Promise<boolean> {
  const unused = `NOT EXISTS (${OPEN_INCIDENTS}) AND NOT EXISTS (${LIVE_INTEGRATIONS})`;
  const results = await db.batch([
    db
      .prepare(
        `DELETE FROM integrations WHERE service_id = ?1 AND revoked_at IS NOT NULL AND ${unused}`,
      )
      .bind(id),
    db.prepare(`DELETE FROM services WHERE id = ?1 AND ${unused}`).bind(id),
    db
      .prepare(
        'DELETE FROM service_rules WHERE service_id = ?1 AND NOT EXISTS (SELECT 1 FROM services WHERE id = ?1)',
      )
      .bind(id),
    ...['runbooks', 'service_default_runbooks'].map((table) =>
      db
        .prepare(
          `DELETE FROM ${table} WHERE service_id = ?1 AND NOT EXISTS (SELECT 1 FROM services WHERE id = ?1)`,
        )
        .bind(id),
    ),
  ]);
  return (results[1]?.meta.changes ?? 0) > 0;
}
