/** Services in D1: what an incident is about, and (once on-call lands) whose policy pages for it. */
import type { Service } from '../../schema/directory';

type Row = { id: string; name: string; description: string; policy_id: string | null; created_at: number };
const toService = (r: Row): Service => ({ id: r.id, name: r.name, description: r.description, policyId: r.policy_id, createdAt: r.created_at });

export async function createService(db: D1Database, service: Service): Promise<void> {
  await db
    .prepare('INSERT INTO services (id, name, description, policy_id, created_at) VALUES (?, ?, ?, ?, ?)')
    .bind(service.id, service.name, service.description, service.policyId, service.createdAt)
    .run();
}

export async function getService(db: D1Database, id: string): Promise<Service | null> {
  const row = await db.prepare('SELECT id, name, description, policy_id, created_at FROM services WHERE id = ?').bind(id).first<Row>();
  return row ? toService(row) : null;
}

export async function listServices(db: D1Database): Promise<Service[]> {
  const { results } = await db.prepare('SELECT id, name, description, policy_id, created_at FROM services ORDER BY name, id').all<Row>();
  return results.map(toService);
}
