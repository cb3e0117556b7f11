/**
 * Maintenance windows and silences in D1: the source of truth the API reads and writes. Each service's router
 * keeps its own copy (worker/service/quiet-store.ts), pushed by version, so the ingest path never reads D1.
 */
import type {
  QuietSet,
  Silence,
  SilenceMatcher,
  StoredWindow,
  WindowSchedule,
} from '../../schema/maintenance-schemas';

type WindowRow = {
  id: string;
  name: string;
  service_ids: string;
  schedule: string;
  ended_at: number | null;
  created_at: number;
  created_by: string;
  updated_at: number;
  status_page_name: string | null;
};

type SilenceRow = {
  id: string;
  service_id: string;
  matchers: string;
  comment: string;
  created_at: number;
  created_by: string;
  ends_at: number;
  expired_at: number | null;
  incident_id: string | null;
};

const toWindow = (r: WindowRow): StoredWindow => ({
  id: r.id,
  name: r.name,
  serviceIds: JSON.parse(r.service_ids) as string[],
  schedule: JSON.parse(r.schedule) as WindowSchedule,
  endedAt: r.ended_at,
  createdAt: r.created_at,
  createdBy: JSON.parse(r.created_by) as StoredWindow['createdBy'],
  updatedAt: r.updated_at,
  statusPage: r.status_page_name ? { publicName: r.status_page_name } : null,
});

const toSilence = (r: SilenceRow): Silence => ({
  id: r.id,
  serviceId: r.service_id,
  matchers: JSON.parse(r.matchers) as SilenceMatcher[],
  comment: r.comment,
  createdAt: r.created_at,
  createdBy: JSON.parse(r.created_by) as Silence['createdBy'],
  endsAt: r.ends_at,
  expiredAt: r.expired_at,
  incidentId: r.incident_id,
});

const WINDOW_COLUMNS =
  'id, name, service_ids, schedule, ended_at, created_at, created_by, updated_at, status_page_name';

/** Every window, or those covering `serviceId`. */
export async function listWindows(db: D1Database, serviceId?: string): Promise<StoredWindow[]> {
  const { results } = serviceId
    ? await db
        .prepare(
          `SELECT ${WINDOW_COLUMNS} FROM maintenance_windows w
           WHERE EXISTS (SELECT 1 FROM json_each(w.service_ids) WHERE value = ?) ORDER BY created_at, id`,
        )
        .bind(serviceId)
        .all<WindowRow>()
    : await db
        .prepare(`SELECT ${WINDOW_COLUMNS} FROM maintenance_windows ORDER BY created_at, id`)
        .all<WindowRow>();
  return results.map(toWindow);
}

export async function getWindow(db: D1Database, id: string): Promise<StoredWindow | null> {
  const row = await db
    .prepare(`SELECT ${WINDOW_COLUMNS} FROM maintenance_windows WHERE id = ?`)
    .bind(id)
    .first<WindowRow>();
  return row ? toWindow(row) : null;
}

/** Insert or replace a window. */
export async function saveWindow(db: D1Database, w: StoredWindow): Promise<void> {
  await db
    .prepare(
      `INSERT INTO maintenance_windows (${WINDOW_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, service_ids = excluded.service_ids,
         schedule = excluded.schedule, ended_at = excluded.ended_at, updated_at = excluded.updated_at,
         status_page_name = excluded.status_page_name`,
    )
    .bind(
      w.id,
      w.name,
      JSON.stringify(w.serviceIds),
      JSON.stringify(w.schedule),
      w.endedAt,
      w.createdAt,
      JSON.stringify(w.createdBy),
      w.updatedAt,
      w.statusPage?.publicName ?? null,
    )
    .run();
}

/** Windows published to the status page (few): the page reads them on each render. */
export async function publishedWindows(db: D1Database): Promise<StoredWindow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${WINDOW_COLUMNS} FROM maintenance_windows WHERE status_page_name IS NOT NULL ORDER BY created_at, id`,
    )
    .all<WindowRow>();
  return results.map(toWindow);
}

const SILENCE_COLUMNS =
  'id, service_id, matchers, comment, created_at, created_by, ends_at, expired_at, incident_id';

/** Silences of a service (or all), newest first; `activeAt` keeps those not ended at that instant. */
export async function listSilences(
  db: D1Database,
  opts: { serviceId?: string; activeAt?: number } = {},
): Promise<Silence[]> {
  const where: string[] = [];
  const binds: unknown[] = [];
  if (opts.serviceId) {
    where.push('service_id = ?');
    binds.push(opts.serviceId);
  }
  if (opts.activeAt !== undefined) {
    where.push('ends_at > ? AND expired_at IS NULL');
    binds.push(opts.activeAt);
  }
  const { results } = await db
    .prepare(
      `SELECT ${SILENCE_COLUMNS} FROM silences ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT 500`,
    )
    .bind(...binds)
    .all<SilenceRow>();
  return results.map(toSilence);
}

export async function getSilence(db: D1Database, id: string): Promise<Silence | null> {
  const row = await db
    .prepare(`SELECT ${SILENCE_COLUMNS} FROM silences WHERE id = ?`)
    .bind(id)
    .first<SilenceRow>();
  return row ? toSilence(row) : null;
}

export async function saveSilence(db: D1Database, s: Silence): Promise<void> {
  await db
    .prepare(
      `INSERT INTO silences (${SILENCE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
       ON CONFLICT (id) DO UPDATE SET expired_at = excluded.expired_at`,
    )
    .bind(
      s.id,
      s.serviceId,
      JSON.stringify(s.matchers),
      s.comment,
      s.createdAt,
      JSON.stringify(s.createdBy),
      s.endsAt,
      s.expiredAt,
      s.incidentId,
    )
    .run();
}

/** Bump a service's quiet version; concurrent changes get distinct versions. */
export async function bumpQuietVersion(db: D1Database, serviceId: string): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO quiet_versions (service_id, version) VALUES (?1, 1)
       ON CONFLICT (service_id) DO UPDATE SET version = version + 1 RETURNING version`,
    )
    .bind(serviceId)
    .first<{ version: number }>();
  return row?.version ?? 1;
}

/** What a service's router needs: its windows and its silences not yet over, with their version. */
export async function quietSetOf(
  db: D1Database,
  serviceId: string,
  now: number,
): Promise<{ version: number; set: QuietSet }> {
  const [version, windows, silences] = await Promise.all([
    db
      .prepare('SELECT version FROM quiet_versions WHERE service_id = ?')
      .bind(serviceId)
      .first<{ version: number }>(),
    listWindows(db, serviceId),
    listSilences(db, { serviceId, activeAt: now }),
  ]);
  return { version: version?.version ?? 0, set: { windows, silences } };
}
