/**
 * The router object's copy of its service's event rules, and what the rules did: the last suppressed alerts
 * and a drop counter per rule. The copy is pushed by the API on every change (with D1's version), or read from
 * D1 once when the router has none, so the ingest path never waits on D1.
 */
import type { RuleSet } from '../../schema/rule-schemas';
import { sql } from '../sql';

/** Suppressed alerts kept, newest first. */
export const SUPPRESSED_KEPT = 100;

export interface SuppressedAlert {
  at: number;
  summary: string;
  severity: string;
  source: string | null;
  dedupKey: string;
  integrationId: string;
  integrationName: string;
  rules: { id: string; name: string }[];
  /** The silence that suppressed it (worker/service/quiet-store.ts), when a silence did rather than a rule. */
  silenceId?: string;
}

export interface DropCounter {
  ruleId: string;
  name: string;
  count: number;
  lastAt: number;
}

export class RuleStore {
  constructor(private readonly db: SqlStorage) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rule_set (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        rules   TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS suppressed (
        id    INTEGER PRIMARY KEY AUTOINCREMENT,
        at    INTEGER NOT NULL,
        doc   TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS rule_drops (
        rule_id TEXT PRIMARY KEY,
        name    TEXT NOT NULL,
        count   INTEGER NOT NULL,
        last_at INTEGER NOT NULL
      );
    `);
  }

  /** The rules this router applies, or null when it has never had any (not even an empty set). */
  current(): { version: number; ruleSet: RuleSet } | null {
    const row = sql<{ version: number; rules: string }>(
      this.db,
      'SELECT version, rules FROM rule_set WHERE id = 1',
    )[0];
    return row ? { version: row.version, ruleSet: JSON.parse(row.rules) as RuleSet } : null;
  }

  /** Keep `ruleSet` unless a newer version is already here (pushes and the D1 read may arrive in any order). */
  save(version: number, ruleSet: RuleSet): void {
    sql(
      this.db,
      `INSERT INTO rule_set (id, version, rules) VALUES (1, ?1, ?2)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, rules = excluded.rules
       WHERE excluded.version > rule_set.version`,
      version,
      JSON.stringify(ruleSet),
    );
  }

  /** Record suppressed alerts; only the newest SUPPRESSED_KEPT are kept, so a storm writes no more than that. */
  suppress(alerts: readonly SuppressedAlert[]): void {
    for (const alert of alerts.slice(-SUPPRESSED_KEPT))
      sql(
        this.db,
        'INSERT INTO suppressed (at, doc) VALUES (?, ?)',
        alert.at,
        JSON.stringify(alert),
      );
    sql(
      this.db,
      'DELETE FROM suppressed WHERE id NOT IN (SELECT id FROM suppressed ORDER BY id DESC LIMIT ?)',
      SUPPRESSED_KEPT,
    );
  }

  suppressed(): SuppressedAlert[] {
    return sql<{ doc: string }>(this.db, 'SELECT doc FROM suppressed ORDER BY id DESC').map(
      (r) => JSON.parse(r.doc) as SuppressedAlert,
    );
  }

  /** Count `count` more alerts dropped by a rule. */
  countDrops(rule: { id: string; name: string }, count: number, at: number): void {
    sql(
      this.db,
      `INSERT INTO rule_drops (rule_id, name, count, last_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (rule_id) DO UPDATE SET name = excluded.name, count = count + excluded.count, last_at = excluded.last_at`,
      rule.id,
      rule.name,
      count,
      at,
    );
  }

  drops(): DropCounter[] {
    return sql<{ rule_id: string; name: string; count: number; last_at: number }>(
      this.db,
      'SELECT rule_id, name, count, last_at FROM rule_drops ORDER BY count DESC, rule_id',
    ).map((r) => ({ ruleId: r.rule_id, name: r.name, count: r.count, lastAt: r.last_at }));
  }
}
