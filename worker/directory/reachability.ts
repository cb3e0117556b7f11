/**
 * Whether Firebell can reach a person at all: their notification rules name a channel on which they have
 * something that pages (push: a registered device; email, sms, voice: a verified method). A person whose
 * rules reach nobody is flagged on the on-call screens, in the Admin users list and on the incident's
 * timeline when paged; the flag clears as soon as they add a device or verify a method their rules use.
 */
import type { Channel, RuleStep, Urgency } from '../../schema/contact-schemas';
import { DEFAULT_RULES } from '../notify/rules';
import { ACTIVE } from './users';

/** Per user among `ids`: the channels they have something on, and the channels their rules use. */
export interface Reach {
  have: Set<Channel>;
  ruled: Set<Channel>;
}

/** Channels a person has and rules use, for active users among `ids` (two queries in one batch, any number of ids). */
export async function reachOf(db: D1Database, ids: readonly string[]): Promise<Map<string, Reach>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, Reach>();
  if (!unique.length) return out;
  const json = JSON.stringify(unique);
  const [have, rules] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT u.id AS user_id, 'push' AS channel FROM users u WHERE u.id IN (SELECT value FROM json_each(?1)) AND ${ACTIVE} AND EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.user_id = u.id)
         UNION SELECT u.id, m.kind FROM contact_methods m JOIN users u ON u.id = m.user_id WHERE m.user_id IN (SELECT value FROM json_each(?1)) AND m.verified_at IS NOT NULL AND ${ACTIVE}
         UNION SELECT u.id, '' FROM users u WHERE u.id IN (SELECT value FROM json_each(?1)) AND ${ACTIVE}`,
      )
      .bind(json),
    db
      .prepare(
        'SELECT user_id, urgency, steps FROM notification_rules WHERE user_id IN (SELECT value FROM json_each(?1))',
      )
      .bind(json),
  ]);
  for (const r of (have?.results ?? []) as { user_id: string; channel: string }[]) {
    const reach = out.get(r.user_id) ?? { have: new Set(), ruled: new Set() };
    if (r.channel) reach.have.add(r.channel as Channel);
    out.set(r.user_id, reach);
  }
  const saved = new Map<string, Map<Urgency, RuleStep[]>>();
  for (const r of (rules?.results ?? []) as {
    user_id: string;
    urgency: Urgency;
    steps: string;
  }[]) {
    const mine = saved.get(r.user_id) ?? new Map<Urgency, RuleStep[]>();
    mine.set(r.urgency, JSON.parse(r.steps) as RuleStep[]);
    saved.set(r.user_id, mine);
  }
  for (const [id, reach] of out)
    for (const urgency of ['high', 'low'] as const)
      for (const step of saved.get(id)?.get(urgency) ?? DEFAULT_RULES[urgency])
        reach.ruled.add(step.channel);
  return out;
}

/** Whether someone with this reach can be paged: some channel their rules use has something on it. */
export function reaches(reach: Reach | undefined): boolean {
  return reach ? [...reach.ruled].some((c) => reach.have.has(c)) : false;
}

/** Active users among `ids` whose notification rules reach them on something. */
export async function reachableUsers(db: D1Database, ids: readonly string[]): Promise<Set<string>> {
  const reach = await reachOf(db, ids);
  return new Set([...reach].filter(([, r]) => reaches(r)).map(([id]) => id));
}

/** The timeline's words for a paged person Firebell cannot reach, or null when it can. */
export function unreachableText(name: string, reach: Reach | undefined): string | null {
  if (reaches(reach)) return null;
  if (!reach?.have.size)
    return `${name} cannot be reached: no push device and no verified email or phone`;
  const ruled = [...reach.ruled].map((c) =>
    c === 'push'
      ? 'a push device'
      : `a verified ${c === 'email' ? 'email' : c === 'sms' ? 'SMS number' : 'voice number'}`,
  );
  return `${name} cannot be reached: their notification rules need ${ruled.join(' or ')}, and they have none`;
}
