/**
 * What became of each accepted Opsgenie request, so a client can ask later (GET /v2/alerts/requests/:id).
 * Opsgenie answers its writes with 202 and a request id and does the work afterwards; Firebell has done
 * the work by the time it answers, and keeps the outcome here under that id.
 */
import { sql } from '../sql';

/** Outcomes kept per integration; clients poll a request within seconds of making it. */
export const REQUESTS_KEPT = 500;

export interface RequestOutcome {
  requestId: string;
  integrationId: string;
  /** Opsgenie's action name: Create, Close, Acknowledge, AddNote. */
  action: string;
  processedAt: number;
  isSuccess: boolean;
  /** What happened, in Opsgenie's words ("Created alert", "Alert does not exist"). */
  status: string;
  /** The Opsgenie alert id (the incident id), or "" when no alert was touched. */
  alertId: string;
  alias: string;
}

type Row = {
  request_id: string;
  integration_id: string;
  action: string;
  processed_at: number;
  is_success: number;
  status: string;
  alert_id: string;
  alias: string;
};

export class RequestLog {
  constructor(private readonly db: SqlStorage) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS requests (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id     TEXT NOT NULL UNIQUE,
        integration_id TEXT NOT NULL,
        action         TEXT NOT NULL,
        processed_at   INTEGER NOT NULL,
        is_success     INTEGER NOT NULL,
        status         TEXT NOT NULL,
        alert_id       TEXT NOT NULL,
        alias          TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS requests_integration ON requests(integration_id, seq);
    `);
  }

  record(o: RequestOutcome): void {
    sql(
      this.db,
      `INSERT OR REPLACE INTO requests (request_id, integration_id, action, processed_at, is_success, status, alert_id, alias)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      o.requestId,
      o.integrationId,
      o.action,
      o.processedAt,
      o.isSuccess ? 1 : 0,
      o.status,
      o.alertId,
      o.alias,
    );
    sql(
      this.db,
      'DELETE FROM requests WHERE integration_id = ?1 AND seq NOT IN (SELECT seq FROM requests WHERE integration_id = ?1 ORDER BY seq DESC LIMIT ?2)',
      o.integrationId,
      REQUESTS_KEPT,
    );
  }

  /** The outcome of one of this integration's requests; another integration's ids are not found. */
  find(integrationId: string, requestId: string): RequestOutcome | null {
    const r = sql<Row>(
      this.db,
      'SELECT request_id, integration_id, action, processed_at, is_success, status, alert_id, alias FROM requests WHERE request_id = ? AND integration_id = ?',
      requestId,
      integrationId,
    )[0];
    return r
      ? {
          requestId: r.request_id,
          integrationId: r.integration_id,
          action: r.action,
          processedAt: r.processed_at,
          isSuccess: r.is_success === 1,
          status: r.status,
          alertId: r.alert_id,
          alias: r.alias,
        }
      : null;
  }
}
