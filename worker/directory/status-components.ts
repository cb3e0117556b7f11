/** Status-page components in D1: what customers see, and which services each stands for. */
import type { ComponentState, StatusComponent } from '../../schema/status-page-schemas';
import { componentState } from '../status/state';

type Row = {
  id: string;
  name: string;
  description: string;
  group_name: string | null;
  position: number;
  override_state: ComponentState | null;
  created_at: number;
  updated_at: number;
  service_ids: string | null;
  open_states: string | null;
};

/** Each component with its services, and the states its open publications put it in (comma-separated). */
const SELECT = `SELECT c.id, c.name, c.description, c.group_name, c.position, c.override_state, c.created_at,
  c.updated_at,
  (SELECT group_concat(service_id) FROM status_component_services s WHERE s.component_id = c.id) AS service_ids,
  (SELECT group_concat(pc.state) FROM status_publication_components pc
     JOIN status_publications p ON p.id = pc.publication_id
    WHERE pc.component_id = c.id AND p.resolved_at IS NULL AND p.status != 'scheduled') AS open_states
  FROM status_components c`;

const toComponent = (r: Row): StatusComponent => ({
  id: r.id,
  name: r.name,
  description: r.description,
  group: r.group_name,
  position: r.position,
  serviceIds: r.service_ids ? r.service_ids.split(',') : [],
  overrideState: r.override_state,
  state: componentState(
    r.override_state,
    r.open_states ? (r.open_states.split(',') as ComponentState[]) : [],
  ),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function listComponents(db: D1Database): Promise<StatusComponent[]> {
  const { results } = await db
    .prepare(`${SELECT} ORDER BY c.group_name IS NOT NULL, c.group_name, c.position, c.name, c.id`)
    .all<Row>();
  return results.map(toComponent);
}

export async function getComponent(db: D1Database, id: string): Promise<StatusComponent | null> {
  const row = await db.prepare(`${SELECT} WHERE c.id = ?`).bind(id).first<Row>();
  return row ? toComponent(row) : null;
}

/** Service ids among `ids` that do not exist. */
export async function unknownServices(db: D1Database, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const { results } = await db
    .prepare(`SELECT id FROM services WHERE id IN (${ids.map(() => '?').join(',')})`)
    .bind(...ids)
    .all<{ id: string }>();
  const known = new Set(results.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

/** Component ids among `ids` that do not exist. */
export async function unknownComponents(db: D1Database, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const { results } = await db
    .prepare(`SELECT id FROM status_components WHERE id IN (${ids.map(() => '?').join(',')})`)
    .bind(...ids)
    .all<{ id: string }>();
  const known = new Set(results.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

export async function createComponent(
  db: D1Database,
  c: {
    id: string;
    name: string;
    description: string;
    group: string | null;
    position: number;
    serviceIds: string[];
    at: number;
  },
): Promise<void> {
  await db.batch([
    db
      .prepare(
        `INSERT INTO status_components (id, name, description, group_name, position, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(c.id, c.name, c.description, c.group, c.position, c.at, c.at),
    ...mapServices(db, c.id, c.serviceIds),
  ]);
}

function mapServices(
  db: D1Database,
  id: string,
  serviceIds: readonly string[],
): D1PreparedStatement[] {
  return [...new Set(serviceIds)].map((s) =>
    db
      .prepare('INSERT INTO status_component_services (component_id, service_id) VALUES (?, ?)')
      .bind(id, s),
  );
}

export async function updateComponent(
  db: D1Database,
  id: string,
  patch: {
    name?: string;
    description?: string;
    group?: string | null;
    position?: number;
    serviceIds?: string[];
    overrideState?: ComponentState | null;
  },
  at: number,
): Promise<void> {
  const set: string[] = ['updated_at = ?'];
  const values: unknown[] = [at];
  const column = {
    name: 'name',
    description: 'description',
    group: 'group_name',
    position: 'position',
    overrideState: 'override_state',
  } as const;
  for (const [key, col] of Object.entries(column)) {
    const value = patch[key as keyof typeof column];
    if (value !== undefined) {
      set.push(`${col} = ?`);
      values.push(value);
    }
  }
  await db.batch([
    db.prepare(`UPDATE status_components SET ${set.join(', ')} WHERE id = ?`).bind(...values, id),
    ...(patch.serviceIds
      ? [
          db.prepare('DELETE FROM status_component_services WHERE component_id = ?').bind(id),
          ...mapServices(db, id, patch.serviceIds),
        ]
      : []),
  ]);
}

export async function deleteComponent(db: D1Database, id: string): Promise<boolean> {
  const res = await db.prepare('DELETE FROM status_components WHERE id = ?').bind(id).run();
  return res.meta.changes > 0;
}

/**
 * After any write: log each component whose shown state changed (the uptime history) and bump the page version,
 * so every cached render keyed by the old version is left behind.
 */
export async function settle(db: D1Database, at: number): Promise<number> {
  const [components, last] = await db.batch<Record<string, unknown>>([
    db.prepare(SELECT),
    db.prepare(
      `SELECT component_id, state, max(at) AS at FROM status_component_changes GROUP BY component_id`,
    ),
  ]);
  const before = new Map(
    ((last?.results ?? []) as { component_id: string; state: string }[]).map((r) => [
      r.component_id,
      r.state,
    ]),
  );
  const changed = ((components?.results ?? []) as Row[])
    .map(toComponent)
    .filter((c) => before.get(c.id) !== c.state);
  const rows = await db.batch<{ version: number }>([
    ...changed.map((c) =>
      db
        .prepare('INSERT INTO status_component_changes (component_id, state, at) VALUES (?, ?, ?)')
        .bind(c.id, c.state, at),
    ),
    db
      .prepare(
        'UPDATE status_page_meta SET version = version + 1, updated_at = ? WHERE id = 1 RETURNING version',
      )
      .bind(at),
  ]);
  return rows.at(-1)?.results[0]?.version ?? 0;
}

/** The page's current version and when it last changed. */
export async function pageVersion(db: D1Database): Promise<{ version: number; updatedAt: number }> {
  const row = await db
    .prepare('SELECT version, updated_at FROM status_page_meta WHERE id = 1')
    .first<{ version: number; updated_at: number }>();
  return { version: row?.version ?? 0, updatedAt: row?.updated_at ?? 0 };
}
