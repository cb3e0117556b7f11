/**
 * The router object's copy of its service's maintenance windows and silences (pushed by the API with D1's
 * version, or read from D1 once when the router has none, as rule-store.ts does for rules), and the incidents
 * it opened during a window, so that ending or moving a window tells them when paging may start.
 */
import type { AlertEvent } from '../../schema/alert';
import type {
  MaintenanceHold,
  QuietSet,
  Silence,
  SilenceMatcher,
} from '../../schema/maintenance-schemas';
import { quietSetOf } from '../directory/maintenance';
import { occurrences } from '../oncall/maintenance';
import { sql } from '../sql';

/** How long a "no window now" answer is trusted before the recurrences are expanded again. */
const RECHECK_MS = 60_000;

export class QuietStore {
  private cached: { version: number; set: QuietSet } | null = null;
  private loading: Promise<void> | null = null;
  /** The window answer for the current minute: the expansion runs once per boundary, not per alert. */
  private answer: { hold: MaintenanceHold | null; validUntil: number; version: number } | null =
    null;

  constructor(
    private readonly db: SqlStorage,
    private readonly d1: D1Database,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS quiet_set (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        doc     TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS held (
        incident_id TEXT PRIMARY KEY,
        window_id   TEXT NOT NULL,
        until       INTEGER NOT NULL
      );
    `);
  }

  /** Keep a pushed set unless a newer version is already here; returns the version kept. */
  set(version: number, set: QuietSet): number {
    sql(
      this.db,
      `INSERT INTO quiet_set (id, version, doc) VALUES (1, ?1, ?2)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, doc = excluded.doc
       WHERE excluded.version > quiet_set.version`,
      version,
      JSON.stringify(set),
    );
    this.cached = null;
    this.answer = null;
    return this.stored()?.version ?? version;
  }

  private stored(): { version: number; set: QuietSet } | null {
    const row = sql<{ version: number; doc: string }>(
      this.db,
      'SELECT version, doc FROM quiet_set WHERE id = 1',
    )[0];
    return row ? { version: row.version, set: JSON.parse(row.doc) as QuietSet } : null;
  }

  /** The set to apply now; D1 is read once, only when this object has never had one. */
  async get(serviceId: string, now: number): Promise<{ version: number; set: QuietSet }> {
    if (this.cached) return this.cached;
    if (!this.stored()) {
      this.loading ??= quietSetOf(this.d1, serviceId, now)
        .then((found) => void this.set(found.version, found.set))
        .finally(() => (this.loading = null));
      await this.loading;
    }
    this.cached = this.stored() ?? { version: 0, set: { windows: [], silences: [] } };
    return this.cached;
  }

  /** The window in progress at `now`, if any, naming it and when its occurrence ends. */
  async windowAt(serviceId: string, now: number): Promise<MaintenanceHold | null> {
    const { version, set } = await this.get(serviceId, now);
    const a = this.answer;
    if (a && a.version === version && now < a.validUntil) return a.hold;
    let hold: MaintenanceHold | null = null;
    let validUntil = now + RECHECK_MS;
    for (const w of set.windows)
      for (const on of occurrences(w.schedule, now, validUntil, w.endedAt)) {
        if (on.start > now) validUntil = Math.min(validUntil, on.start);
        else if (!hold || on.end > hold.until)
          hold = { windowId: w.id, name: w.name, until: on.end };
      }
    if (hold) validUntil = Math.min(validUntil, hold.until);
    this.answer = { hold, validUntil, version };
    return hold;
  }

  /** The silence matching `alert` at `now`, if any. */
  async silenceFor(serviceId: string, alert: AlertEvent, now: number): Promise<Silence | null> {
    const { set } = await this.get(serviceId, now);
    return (
      set.silences.find(
        (s) =>
          s.expiredAt === null &&
          s.createdAt <= now &&
          now < s.endsAt &&
          s.matchers.every((m) => matches(m, alert)),
      ) ?? null
    );
  }

  /** Remember an incident opened during a window, so a change to the window reaches it. */
  hold(incidentId: string, hold: MaintenanceHold): void {
    sql(
      this.db,
      `INSERT INTO held (incident_id, window_id, until) VALUES (?1, ?2, ?3)
       ON CONFLICT (incident_id) DO UPDATE SET window_id = excluded.window_id, until = excluded.until`,
      incidentId,
      hold.windowId,
      hold.until,
    );
  }

  /** Incidents held by a window whose end is not yet past `now`. */
  held(now: number): { incidentId: string; windowId: string; until: number }[] {
    sql(this.db, 'DELETE FROM held WHERE until <= ?', now);
    return sql<{ incident_id: string; window_id: string; until: number }>(
      this.db,
      'SELECT incident_id, window_id, until FROM held',
    ).map((r) => ({ incidentId: r.incident_id, windowId: r.window_id, until: r.until }));
  }

  release(incidentId: string): void {
    sql(this.db, 'DELETE FROM held WHERE incident_id = ?', incidentId);
  }
}

/** The alert's value for a silence field (the names event rules use). */
function fieldOf(alert: AlertEvent, field: string): string | undefined {
  if (field.startsWith('labels.')) return alert.labels?.[field.slice('labels.'.length)];
  if (field === 'summary') return alert.summary;
  if (field === 'source') return alert.source ?? undefined;
  if (field === 'severity') return alert.severity;
  if (field === 'dedup_key') return alert.dedupKey;
  return undefined;
}

const matches = (m: SilenceMatcher, alert: AlertEvent): boolean =>
  fieldOf(alert, m.field) === m.value;

/** Matchers that pick out alerts like this one: all its labels, or its summary (and source) when it has none. */
export function matchersLike(alert: {
  labels?: Record<string, string>;
  summary: string;
  source?: string | null;
}): SilenceMatcher[] {
  const labels = Object.entries(alert.labels ?? {}).slice(0, 20);
  if (labels.length) return labels.map(([k, v]) => ({ field: `labels.${k}`, value: v }));
  return [
    { field: 'summary', value: alert.summary },
    ...(alert.source ? [{ field: 'source', value: alert.source }] : []),
  ];
}
