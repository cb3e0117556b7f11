/**
 * The router object's change events: deploys and config pushes its service received, newest first.
 * They live with the service's other ingestion state, because every reader asks about one service
 * (its own list, or the hour before one of its incidents).
 */
import type { ChangeEvent } from '../../schema/change';
import { sql } from '../sql';

/** PagerDuty keeps change events for 90 days; a busy pipeline is also capped by count. */
export const CHANGES_KEPT = 500;
export const CHANGE_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

type Row = {
  id: string;
  service_id: string;
  integration_id: string;
  integration_name: string;
  summary: string;
  source: string | null;
  at: number;
  received_at: number;
  details: string | null;
  links: string;
};

export interface ChangeQuery {
  /** Only changes at or after this time (epoch ms). */
  from?: number;
  /** Only changes at or before this time. */
  to?: number;
  limit: number;
}

export class ChangeStore {
  constructor(private readonly db: SqlStorage) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS changes (
        id               TEXT PRIMARY KEY,
        service_id       TEXT NOT NULL,
        integration_id   TEXT NOT NULL,
        integration_name TEXT NOT NULL,
        summary          TEXT NOT NULL,
        source           TEXT,
        at               INTEGER NOT NULL,
        received_at      INTEGER NOT NULL,
        details          TEXT,
        links            TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS changes_at ON changes(at);
    `);
  }

  /** Keep one change and drop those past retention or beyond the newest CHANGES_KEPT. */
  add(change: ChangeEvent): void {
    sql(
      this.db,
      `INSERT INTO changes (id, service_id, integration_id, integration_name, summary, source, at, received_at, details, links)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      change.id,
      change.serviceId,
      change.integrationId,
      change.integrationName,
      change.summary,
      change.source,
      change.at,
      change.receivedAt,
      change.details ? JSON.stringify(change.details) : null,
      JSON.stringify(change.links),
    );
    sql(
      this.db,
      'DELETE FROM changes WHERE received_at < ?',
      change.receivedAt - CHANGE_RETENTION_MS,
    );
    sql(
      this.db,
      'DELETE FROM changes WHERE id NOT IN (SELECT id FROM changes ORDER BY at DESC, id DESC LIMIT ?)',
      CHANGES_KEPT,
    );
  }

  /** Changes newest first, optionally within [from, to]. */
  list(query: ChangeQuery): ChangeEvent[] {
    return sql<Row>(
      this.db,
      `SELECT id, service_id, integration_id, integration_name, summary, source, at, received_at, details, links FROM changes
       WHERE at >= ? AND at <= ? ORDER BY at DESC, id DESC LIMIT ?`,
      query.from ?? 0,
      query.to ?? Number.MAX_SAFE_INTEGER,
      query.limit,
    ).map((r) => ({
      id: r.id,
      serviceId: r.service_id,
      integrationId: r.integration_id,
      integrationName: r.integration_name,
      summary: r.summary,
      source: r.source,
      at: r.at,
      receivedAt: r.received_at,
      details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
      links: JSON.parse(r.links) as ChangeEvent['links'],
    }));
  }
}
