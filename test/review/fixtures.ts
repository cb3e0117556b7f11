/** Report fixtures: incidents written straight into the D1 index, as the incident objects' outbox would. */
import { env } from 'cloudflare:test';

export interface IndexRow {
  id: string;
  number: number;
  title: string;
  serviceId: string | null;
  severity: 'critical' | 'error' | 'warning' | 'info';
  createdAt: number;
  ackAfterMin?: number;
  resolveAfterMin?: number;
  escalationLevel?: number;
  alertCount?: number;
  dedupKey?: string | null;
  assignees?: string[];
}

const MIN = 60_000;

/** Insert index rows in batches of `chunk` statements (one D1 round trip per batch). */
export async function insertIncidents(rows: readonly IndexRow[], chunk = 500): Promise<void> {
  const insert = env.DB.prepare(
    `INSERT INTO incidents (id, number, title, service_id, severity, status, assignees, alert_count, dedup_key, nobody_paged, escalation_level,
       created_at, acknowledged_at, resolved_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, 1)`,
  );
  const assign = env.DB.prepare(
    'INSERT INTO incident_assignees (incident_id, user_id) VALUES (?, ?)',
  );
  const statements = rows.flatMap((r) => {
    const acknowledgedAt = r.ackAfterMin === undefined ? null : r.createdAt + r.ackAfterMin * MIN;
    const resolvedAt =
      r.resolveAfterMin === undefined ? null : r.createdAt + r.resolveAfterMin * MIN;
    const status =
      resolvedAt !== null ? 'resolved' : acknowledgedAt !== null ? 'acknowledged' : 'triggered';
    return [
      insert.bind(
        r.id,
        r.number,
        r.title,
        r.serviceId,
        r.severity,
        status,
        JSON.stringify(r.assignees ?? []),
        r.alertCount ?? 1,
        r.dedupKey ?? null,
        r.escalationLevel ?? 0,
        r.createdAt,
        acknowledgedAt,
        resolvedAt,
        resolvedAt ?? acknowledgedAt ?? r.createdAt,
      ),
      ...(r.assignees ?? []).map((u) => assign.bind(r.id, u)),
    ];
  });
  for (let i = 0; i < statements.length; i += chunk)
    await env.DB.batch(statements.slice(i, i + chunk));
}

/** A UTC instant from a readable 'YYYY-MM-DD HH:mm'. */
export const utc = (text: string) => Date.parse(`${text.replace(' ', 'T')}:00Z`);

/** A minimal RFC 4180 reader, to check the export round-trips rather than how it happens to look. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(field), (field = ''));
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      ((row = []), (field = ''), i++);
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}
