/**
 * A service's event rules in D1: the source of truth the API reads and writes. The router object keeps its own
 * copy (worker/service/rule-store.ts) so that the ingest path never reads D1.
 */
import type { RuleSet } from '../../schema/rule-schemas';

export interface StoredRules {
  ruleSet: RuleSet;
  /** 0 when the service never had rules; each save adds one. */
  version: number;
  updatedAt: number | null;
}

export const NO_RULES: StoredRules = { ruleSet: { rules: [] }, version: 0, updatedAt: null };

type Row = { service_id: string; rules: string; version: number; updated_at: number };

export async function getServiceRules(db: D1Database, serviceId: string): Promise<StoredRules> {
  const row = await db
    .prepare(
      'SELECT service_id, rules, version, updated_at FROM service_rules WHERE service_id = ?',
    )
    .bind(serviceId)
    .first<Row>();
  return row
    ? { ruleSet: JSON.parse(row.rules) as RuleSet, version: row.version, updatedAt: row.updated_at }
    : NO_RULES;
}

/** Replace the rules; the version is bumped in the same statement, so concurrent saves get distinct versions. */
export async function saveServiceRules(
  db: D1Database,
  serviceId: string,
  ruleSet: RuleSet,
  at: number,
): Promise<StoredRules> {
  const row = await db
    .prepare(
      `INSERT INTO service_rules (service_id, rules, version, updated_at) VALUES (?1, ?2, 1, ?3)
       ON CONFLICT (service_id) DO UPDATE SET rules = excluded.rules, version = version + 1, updated_at = excluded.updated_at
       RETURNING version`,
    )
    .bind(serviceId, JSON.stringify(ruleSet), at)
    .first<{ version: number }>();
  return { ruleSet, version: row?.version ?? 1, updatedAt: at };
}

/** Every service's rule set, for the routing-loop check across services. */
export async function allServiceRules(db: D1Database): Promise<Map<string, RuleSet>> {
  const { results } = await db
    .prepare('SELECT service_id, rules FROM service_rules')
    .all<Pick<Row, 'service_id' | 'rules'>>();
  return new Map(results.map((r) => [r.service_id, JSON.parse(r.rules) as RuleSet]));
}
