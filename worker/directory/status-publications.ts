/**
 * Status-page publications in D1: an incident told to the public (or an admin's notice or maintenance), the
 * components it affects and its public updates. Only what a responder wrote for the public is stored here.
 */
import type {
  ComponentState,
  Publication,
  PublicationKind,
  PublicUpdate,
} from '../../schema/status-page-schemas';
import { FINAL_STATUSES } from '../../schema/status-page-schemas';
import { newId } from '../ids';
import { listComponents } from './status-components';

type PubRow = {
  id: string;
  incident_id: string | null;
  kind: PublicationKind;
  title: string;
  status: string;
  scheduled_for: number | null;
  scheduled_until: number | null;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
};
type UpdateRow = {
  id: string;
  publication_id: string;
  status: string;
  body: string;
  components: string;
  created_at: number;
};
type ComponentRow = { publication_id: string; id: string; name: string; state: ComponentState };

const COLUMNS =
  'id, incident_id, kind, title, status, scheduled_for, scheduled_until, created_at, updated_at, resolved_at';

/** Publications matching `where` (over status_publications p), newest first, with components and updates. */
async function load(
  db: D1Database,
  where: string,
  binds: unknown[],
  limit = 50,
): Promise<Publication[]> {
  const ids = `SELECT id FROM status_publications p WHERE ${where} ORDER BY created_at DESC LIMIT ${limit}`;
  const [pubs, comps, updates] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT ${COLUMNS} FROM status_publications WHERE id IN (${ids}) ORDER BY created_at DESC`,
      )
      .bind(...binds),
    db
      .prepare(
        `SELECT pc.publication_id, c.id, c.name, pc.state FROM status_publication_components pc
          JOIN status_components c ON c.id = pc.component_id
         WHERE pc.publication_id IN (${ids}) ORDER BY c.position, c.name`,
      )
      .bind(...binds),
    db
      .prepare(
        `SELECT id, publication_id, status, body, components, created_at FROM status_updates
          WHERE publication_id IN (${ids}) ORDER BY created_at, rowid`,
      )
      .bind(...binds),
  ]);
  const byPub = <T extends { publication_id: string }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) map.set(r.publication_id, [...(map.get(r.publication_id) ?? []), r]);
    return map;
  };
  const compsOf = byPub((comps?.results ?? []) as ComponentRow[]);
  const updatesOf = byPub((updates?.results ?? []) as UpdateRow[]);
  return ((pubs?.results ?? []) as PubRow[]).map((r) => ({
    id: r.id,
    incidentId: r.incident_id,
    kind: r.kind,
    title: r.title,
    status: r.status,
    components: (compsOf.get(r.id) ?? []).map((c) => ({ id: c.id, name: c.name, state: c.state })),
    updates: (updatesOf.get(r.id) ?? []).map((u): PublicUpdate => ({
      id: u.id,
      status: u.status,
      body: u.body,
      components: JSON.parse(u.components) as PublicUpdate['components'],
      createdAt: u.created_at,
    })),
    scheduledFor: r.scheduled_for,
    scheduledUntil: r.scheduled_until,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    resolvedAt: r.resolved_at,
  }));
}

export async function publicationForIncident(
  db: D1Database,
  incidentId: string,
): Promise<Publication | null> {
  return (await load(db, 'p.incident_id = ?', [incidentId], 1))[0] ?? null;
}

export async function getPublication(db: D1Database, id: string): Promise<Publication | null> {
  return (await load(db, 'p.id = ?', [id], 1))[0] ?? null;
}

/** Open publications and those resolved since `since`, newest first (at most `limit`). */
export async function recentPublications(
  db: D1Database,
  since: number,
  limit = 50,
): Promise<Publication[]> {
  return load(db, 'p.resolved_at IS NULL OR p.resolved_at >= ?', [since], limit);
}

export interface UpdateWrite {
  /** The publication to update; null creates one. */
  existing: Publication | null;
  incidentId: string | null;
  kind: PublicationKind;
  title?: string;
  status: string;
  body: string;
  components?: { id: string; state: ComponentState }[];
  scheduledFor?: number | null;
  scheduledUntil?: number | null;
  at: number;
}

/**
 * Create or move a publication and append one public update, recording which components it moved from which
 * state to which. Returns the publication id.
 */
export async function writeUpdate(db: D1Database, w: UpdateWrite): Promise<string> {
  const before = new Map((await listComponents(db)).map((c) => [c.id, c]));
  const id = w.existing?.id ?? newId('pub');
  const resolvedAt = FINAL_STATUSES.has(w.status) ? (w.existing?.resolvedAt ?? w.at) : null;
  const statements: D1PreparedStatement[] = [
    w.existing
      ? db
          .prepare(
            'UPDATE status_publications SET title = coalesce(?2, title), status = ?3, updated_at = ?4, resolved_at = ?5 WHERE id = ?1',
          )
          .bind(id, w.title ?? null, w.status, w.at, resolvedAt)
      : db
          .prepare(
            `INSERT INTO status_publications (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .bind(
            id,
            w.incidentId,
            w.kind,
            w.title ?? '',
            w.status,
            w.scheduledFor ?? null,
            w.scheduledUntil ?? null,
            w.at,
            w.at,
            resolvedAt,
          ),
  ];
  if (w.components) {
    statements.push(
      db.prepare('DELETE FROM status_publication_components WHERE publication_id = ?').bind(id),
      ...w.components.map((c) =>
        db
          .prepare(
            'INSERT OR REPLACE INTO status_publication_components (publication_id, component_id, state) VALUES (?, ?, ?)',
          )
          .bind(id, c.id, c.state),
      ),
    );
  }
  await db.batch(statements);
  const after = await listComponents(db);
  const affected = new Set((w.components ?? w.existing?.components ?? []).map((c) => c.id));
  const moved = after
    .filter((c) => affected.has(c.id))
    .map((c) => ({
      id: c.id,
      name: c.name,
      old: before.get(c.id)?.state ?? c.state,
      new: c.state,
    }));
  await db
    .prepare(
      'INSERT INTO status_updates (id, publication_id, status, body, components, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .bind(newId('upd'), id, w.status, w.body, JSON.stringify(moved), w.at)
    .run();
  return id;
}
