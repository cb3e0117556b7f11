/**
 * The D1 incident index: written only by incident objects (through their outbox), read by list routes.
 * Upserts carry the object's timeline seq as version and only move forward.
 */
import type { Incident, IncidentStatus, IncidentSummary, Severity } from '../../schema/incident';
import { PAGING_VERSION_SQL, type PagingVersion } from './paging-snapshot';

export type { IncidentSummary } from '../../schema/incident';

/** The list row for an incident, straight from the object's state (what the index will hold). */
export function summaryOf(incident: Incident): IncidentSummary {
  return {
    id: incident.id,
    number: incident.number,
    title: incident.title,
    serviceId: incident.serviceId,
    severity: incident.severity,
    status: incident.status,
    assignees: incident.assignees,
    roles: incident.roles,
    paged: incident.paged,
    alertCount: incident.alertCount,
    firingCount: incident.firingCount,
    notificationCount: incident.notificationCount,
    createdAt: incident.createdAt,
    acknowledgedAt: incident.acknowledgedAt,
    resolvedAt: incident.resolvedAt,
    updatedAt: incident.updatedAt,
    nobodyPaged: incident.nobodyPaged,
    escalationLevel: incident.escalationLevel,
    maintenance: incident.maintenance ?? null,
  };
}

export interface IndexExtras {
  nobodyPaged: boolean;
  escalationLevel: number;
  /** Other writes to make in the same batch (one round trip): the pages counted for reports. */
  also?: D1PreparedStatement[];
}

/**
 * Write an incident's index row. Returns D1's paging_version, read in the same batch at no extra round trip:
 * the first page, right after the opening's index write, checks its snapshot with it (paging-snapshot.ts).
 */
export async function upsertIndex(
  db: D1Database,
  incident: Incident,
  extras: IndexExtras,
): Promise<PagingVersion | null> {
  const upsert = db
    .prepare(
      `INSERT INTO incidents (id, number, title, service_id, severity, status, assignees, alert_count, dedup_key, nobody_paged, escalation_level,
         created_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, updated_at, version, paged, roles, firing_count, notification_count, maintenance)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)
       ON CONFLICT (id) DO UPDATE SET title = excluded.title, service_id = excluded.service_id, severity = excluded.severity,
         status = excluded.status, assignees = excluded.assignees, alert_count = excluded.alert_count, nobody_paged = excluded.nobody_paged,
         escalation_level = excluded.escalation_level, acknowledged_at = excluded.acknowledged_at, acknowledged_by = excluded.acknowledged_by,
         resolved_at = excluded.resolved_at, resolved_by = excluded.resolved_by, updated_at = excluded.updated_at, version = excluded.version,
         paged = excluded.paged, roles = excluded.roles, firing_count = excluded.firing_count, notification_count = excluded.notification_count,
         maintenance = excluded.maintenance
       WHERE excluded.version >= incidents.version`,
    )
    .bind(
      incident.id,
      incident.number,
      incident.title,
      incident.serviceId,
      incident.severity,
      incident.status,
      JSON.stringify(incident.assignees),
      incident.alertCount,
      incident.dedupKey,
      extras.nobodyPaged ? 1 : 0,
      extras.escalationLevel,
      incident.createdAt,
      incident.acknowledgedAt,
      incident.acknowledgedBy?.id ?? null,
      incident.resolvedAt,
      incident.resolvedBy?.id ?? null,
      incident.updatedAt,
      incident.lastSeq,
      JSON.stringify(incident.paged),
      JSON.stringify(incident.roles),
      incident.firingCount,
      incident.notificationCount,
      incident.maintenance ? JSON.stringify(incident.maintenance) : null,
    );
  // The link tables follow the row only when this write is the row's version: a late retry changes nothing.
  const current = '(SELECT version FROM incidents WHERE id = ?1) = ?2';
  const clear = [
    db
      .prepare(`DELETE FROM incident_assignees WHERE incident_id = ?1 AND ${current}`)
      .bind(incident.id, incident.lastSeq),
    db
      .prepare(`DELETE FROM incident_responders WHERE incident_id = ?1 AND ${current}`)
      .bind(incident.id, incident.lastSeq),
  ];
  const add = incident.assignees.map((userId) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO incident_assignees (incident_id, user_id) SELECT ?1, ?3 WHERE ${current}`,
      )
      .bind(incident.id, incident.lastSeq, userId),
  );
  const responders = [
    ...incident.paged.map((userId) => [userId, 'paged'] as const),
    ...[...new Set(Object.values(incident.roles))].flatMap((userId) =>
      userId ? [[userId, 'role'] as const] : [],
    ),
  ];
  const addResponders = responders.map(([userId, relation]) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO incident_responders (incident_id, user_id, relation) SELECT ?1, ?3, ?4 WHERE ${current}`,
      )
      .bind(incident.id, incident.lastSeq, userId, relation),
  );
  const results = await db.batch([
    upsert,
    ...clear,
    ...add,
    ...addResponders,
    ...(extras.also ?? []),
    db.prepare(PAGING_VERSION_SQL),
  ]);
  const row = results.at(-1)?.results?.[0] as { version: PagingVersion } | undefined;
  return row?.version ?? null;
}

export interface ListFilter {
  statuses?: IncidentStatus[];
  serviceId?: string;
  severities?: Severity[];
  assignee?: string;
  /** A user the incident waits on: assignee, role holder, or paged while it is triggered. */
  involves?: string;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

type Row = {
  id: string;
  number: number;
  title: string;
  service_id: string | null;
  severity: Severity;
  status: IncidentStatus;
  assignees: string;
  roles: string;
  paged: string;
  alert_count: number;
  firing_count: number;
  notification_count: number;
  created_at: number;
  acknowledged_at: number | null;
  resolved_at: number | null;
  updated_at: number;
  nobody_paged: number;
  escalation_level: number;
  maintenance: string | null;
};

/** Cursor = the last row's (created_at, id), so pages stay stable while new incidents arrive. */
export function encodeCursor(createdAt: number, id: string): string {
  return btoa(`${createdAt}:${id}`);
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } | null {
  try {
    const [at, id] = atob(cursor).split(':');
    const createdAt = Number(at);
    return Number.isFinite(createdAt) && id ? { createdAt, id } : null;
  } catch {
    return null;
  }
}

export async function listIncidents(
  db: D1Database,
  filter: ListFilter,
  after: { createdAt: number; id: string } | null,
): Promise<{ incidents: IncidentSummary[]; nextCursor: string | null }> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const inList = (column: string, values: readonly string[]) => {
    where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  if (filter.statuses?.length) inList('status', filter.statuses);
  if (filter.severities?.length) inList('severity', filter.severities);
  if (filter.serviceId) {
    where.push('service_id = ?');
    params.push(filter.serviceId);
  }
  if (filter.assignee) {
    where.push('id IN (SELECT incident_id FROM incident_assignees WHERE user_id = ?)');
    params.push(filter.assignee);
  }
  if (filter.involves) {
    // The same rule as involves() in schema/incident.ts, which the PWA applies to rows from the live feed.
    where.push(`(id IN (SELECT incident_id FROM incident_assignees WHERE user_id = ?)
      OR id IN (SELECT incident_id FROM incident_responders WHERE user_id = ? AND relation = 'role')
      OR (status = 'triggered' AND id IN (SELECT incident_id FROM incident_responders WHERE user_id = ? AND relation = 'paged')))`);
    params.push(filter.involves, filter.involves, filter.involves);
  }
  if (after) {
    where.push('(created_at < ? OR (created_at = ? AND id < ?))');
    params.push(after.createdAt, after.createdAt, after.id);
  }
  const query = `SELECT id, number, title, service_id, severity, status, assignees, roles, paged, alert_count, firing_count, notification_count,
      created_at, acknowledged_at, resolved_at, updated_at, nobody_paged, escalation_level, maintenance
    FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
  const { results } = await db
    .prepare(query)
    .bind(...params, filter.limit + 1)
    .all<Row>();
  const page = results.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    incidents: page.map(toSummary),
    nextCursor:
      results.length > filter.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

function toSummary(r: Row): IncidentSummary {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    serviceId: r.service_id,
    severity: r.severity,
    status: r.status,
    assignees: JSON.parse(r.assignees) as string[],
    roles: JSON.parse(r.roles) as Record<string, string | null>,
    paged: JSON.parse(r.paged) as string[],
    alertCount: r.alert_count,
    firingCount: r.firing_count,
    notificationCount: r.notification_count,
    createdAt: r.created_at,
    acknowledgedAt: r.acknowledged_at,
    resolvedAt: r.resolved_at,
    updatedAt: r.updated_at,
    nobodyPaged: r.nobody_paged === 1,
    escalationLevel: r.escalation_level,
    maintenance: r.maintenance
      ? (JSON.parse(r.maintenance) as IncidentSummary['maintenance'])
      : null,
  };
}

/** Next human incident number for this deployment (#1, #2 …); atomic in D1. */
export async function nextIncidentNumber(db: D1Database): Promise<number> {
  const row = await db
    .prepare("UPDATE counters SET value = value + 1 WHERE name = 'incident_number' RETURNING value")
    .first<{ value: number }>();
  if (!row) throw new Error('incident_number counter missing: are D1 migrations applied?');
  return row.value;
}

/** Reserve `count` incident numbers at once; returns the last (the block is last - count + 1 … last). */
export async function reserveIncidentNumbers(db: D1Database, count: number): Promise<number> {
  const row = await db
    .prepare("UPDATE counters SET value = value + ? WHERE name = 'incident_number' RETURNING value")
    .bind(count)
    .first<{ value: number }>();
  if (!row) throw new Error('incident_number counter missing: are D1 migrations applied?');
  return row.value;
}

/** One page of a service's incident ids by offset, in a whitelisted order (the Opsgenie list call pages this way). */
export async function pageIncidentIds(
  db: D1Database,
  filter: {
    serviceId: string;
    statuses: readonly IncidentStatus[];
    /** true: acknowledged by someone; false: by nobody; null: either. */
    acknowledged: boolean | null;
    sort: 'created_at' | 'updated_at' | 'number' | 'notification_count' | 'title' | 'status';
    order: 'asc' | 'desc';
    offset: number;
    limit: number;
  },
): Promise<{ ids: string[]; more: boolean }> {
  if (!filter.statuses.length) return { ids: [], more: false };
  const direction = filter.order === 'asc' ? 'ASC' : 'DESC';
  const acknowledged =
    filter.acknowledged === null
      ? ''
      : ` AND acknowledged_at IS ${filter.acknowledged ? 'NOT ' : ''}NULL`;
  const { results } = await db
    .prepare(
      `SELECT id FROM incidents WHERE service_id = ? AND status IN (${filter.statuses.map(() => '?').join(', ')})${acknowledged}
       ORDER BY ${filter.sort} ${direction}, id ${direction} LIMIT ? OFFSET ?`,
    )
    .bind(filter.serviceId, ...filter.statuses, filter.limit + 1, filter.offset)
    .all<{ id: string }>();
  return {
    ids: results.slice(0, filter.limit).map((r) => r.id),
    more: results.length > filter.limit,
  };
}

/** The incident with this human number (#12), if any. */
export async function incidentIdByNumber(db: D1Database, number: number): Promise<string | null> {
  return (
    (
      await db
        .prepare('SELECT id FROM incidents WHERE number = ?')
        .bind(number)
        .first<{ id: string }>()
    )?.id ?? null
  );
}
