/**
 * Escalation policies in D1 (levels stored as JSON, validated on the way in) and which service
 * points at which policy (services.policy_id).
 */
import type { EscalationLevel, EscalationPolicy, EscalationTarget } from '../../schema/oncall';

/** A policy with its bookkeeping; usable anywhere an EscalationPolicy is. */
export interface PolicyRecord extends EscalationPolicy {
  createdAt: number;
  updatedAt: number;
}

/** A service or policy, named, for listings and conflict messages. */
export interface Named {
  id: string;
  name: string;
}

type Row = {
  id: string;
  name: string;
  levels: string;
  repeat: number;
  renotify_minutes: number | null;
  created_at: number;
  updated_at: number;
};

/** SQL, true when policy row `p` has a level targeting schedule `?1`. */
export const TARGETS_SCHEDULE = `EXISTS (SELECT 1 FROM json_each(p.levels) l, json_each(l.value, '$.targets') t
  WHERE json_extract(t.value, '$.type') = 'schedule' AND json_extract(t.value, '$.id') = ?1)`;

const COLUMNS = 'p.id, p.name, p.levels, p.repeat, p.renotify_minutes, p.created_at, p.updated_at';

const toPolicy = (r: Row): PolicyRecord => ({
  id: r.id,
  name: r.name,
  levels: JSON.parse(r.levels) as EscalationLevel[],
  repeat: r.repeat,
  renotifyMinutes: r.renotify_minutes,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function getPolicy(db: D1Database, id: string): Promise<PolicyRecord | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM escalation_policies p WHERE p.id = ?`)
    .bind(id)
    .first<Row>();
  return row ? toPolicy(row) : null;
}

/** The policy a service points at, with the service's name; null when the service has none (or does not exist). */
export async function policyForService(
  db: D1Database,
  serviceId: string,
): Promise<(PolicyRecord & { serviceName: string }) | null> {
  const row = await db
    .prepare(
      `SELECT ${COLUMNS}, s.name AS service_name FROM services s JOIN escalation_policies p ON p.id = s.policy_id WHERE s.id = ?`,
    )
    .bind(serviceId)
    .first<Row & { service_name: string }>();
  return row ? { ...toPolicy(row), serviceName: row.service_name } : null;
}

export async function listPolicies(db: D1Database): Promise<PolicyRecord[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM escalation_policies p ORDER BY p.name, p.id`)
    .all<Row>();
  return results.map(toPolicy);
}

export async function createPolicy(
  db: D1Database,
  policy: EscalationPolicy,
  now: number,
): Promise<void> {
  await db
    .prepare(
      'INSERT INTO escalation_policies (id, name, levels, repeat, renotify_minutes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .bind(
      policy.id,
      policy.name,
      JSON.stringify(policy.levels),
      policy.repeat,
      policy.renotifyMinutes,
      now,
      now,
    )
    .run();
}

/** Replace a policy's definition; false when there is no such policy. */
export async function updatePolicy(
  db: D1Database,
  policy: EscalationPolicy,
  now: number,
): Promise<boolean> {
  const res = await db
    .prepare(
      'UPDATE escalation_policies SET name = ?, levels = ?, repeat = ?, renotify_minutes = ?, updated_at = ? WHERE id = ?',
    )
    .bind(
      policy.name,
      JSON.stringify(policy.levels),
      policy.repeat,
      policy.renotifyMinutes,
      now,
      policy.id,
    )
    .run();
  return res.meta.changes > 0;
}

/** Delete a policy unless a service points at it (checked in the same statement); false when nothing was deleted. */
export async function deletePolicy(db: D1Database, id: string): Promise<boolean> {
  const res = await db
    .prepare(
      'DELETE FROM escalation_policies WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM services WHERE policy_id = ?1)',
    )
    .bind(id)
    .run();
  return res.meta.changes > 0;
}

export async function servicesUsingPolicy(db: D1Database, policyId: string): Promise<Named[]> {
  const { results } = await db
    .prepare('SELECT id, name FROM services WHERE policy_id = ? ORDER BY name, id')
    .bind(policyId)
    .all<Named>();
  return results;
}

/** Policies with a level that targets this schedule. */
export async function policiesUsingSchedule(db: D1Database, scheduleId: string): Promise<Named[]> {
  const { results } = await db
    .prepare(
      `SELECT p.id, p.name FROM escalation_policies p WHERE ${TARGETS_SCHEDULE} ORDER BY p.name, p.id`,
    )
    .bind(scheduleId)
    .all<Named>();
  return results;
}

/** Point a service at a policy; false when either does not exist. */
export async function attachService(
  db: D1Database,
  policyId: string,
  serviceId: string,
): Promise<boolean> {
  const res = await db
    .prepare(
      'UPDATE services SET policy_id = ?1 WHERE id = ?2 AND EXISTS (SELECT 1 FROM escalation_policies WHERE id = ?1)',
    )
    .bind(policyId, serviceId)
    .run();
  return res.meta.changes > 0;
}

/** Unpoint a service from this policy; false when the service does not point at it. */
export async function detachService(
  db: D1Database,
  policyId: string,
  serviceId: string,
): Promise<boolean> {
  const res = await db
    .prepare('UPDATE services SET policy_id = NULL WHERE id = ? AND policy_id = ?')
    .bind(serviceId, policyId)
    .run();
  return res.meta.changes > 0;
}

/** Every target of every level, in order (a target may repeat across levels). */
export function policyTargets(policy: EscalationPolicy): EscalationTarget[] {
  return policy.levels.flatMap((l) => l.targets);
}

/** A service by id, named; null when there is none. */
export async function serviceNamed(db: D1Database, serviceId: string): Promise<Named | null> {
  return db.prepare('SELECT id, name FROM services WHERE id = ?').bind(serviceId).first<Named>();
}

/** Every service that points at a policy, by name. */
export async function servicesWithPolicy(
  db: D1Database,
): Promise<(Named & { policyId: string })[]> {
  const { results } = await db
    .prepare(
      'SELECT id, name, policy_id FROM services WHERE policy_id IS NOT NULL ORDER BY name, id',
    )
    .all<{ id: string; name: string; policy_id: string }>();
  return results.map((r) => ({ id: r.id, name: r.name, policyId: r.policy_id }));
}
