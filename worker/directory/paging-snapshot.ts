/**
 * What paging needs to know about a service, held in isolate memory between pages (issue 19): its policy and
 * name, the schedules the policy names (with every override not yet over), and for everyone those can page,
 * plus the admins, their names, notification rules, reach, devices and verified addresses. Who is on call is
 * still worked out at page time from these inputs; only the inputs are kept.
 *
 * A snapshot is good while D1's paging_version has not moved: triggers bump it on every write that can change
 * who gets paged or how (migration 0020), so a page costs one point read instead of a read per fact.
 *
 * The key is the pair (epoch, n), not n alone (migration 0021). A snapshot is kept under the key read before
 * and after building it, so a key must name one state of the paging tables and never another. A counter does
 * not, once D1 is restored to an earlier point in time: n goes back, and the next writes reuse numbers that
 * named other states before the restore, which an isolate may still hold. So every bump also draws a fresh
 * random 53-bit epoch, in the same statement: a state reached after a restore has a key no isolate has seen
 * (a repeat has odds of 2^-53 per bump), while the restore itself brings back a key together with exactly the
 * tables it named, so a snapshot still held under it is still right. The migration draws the first epoch, so
 * two databases (a re-created one, another D1 bound) do not share keys either.
 */
import type { EscalationPolicy, EscalationTarget } from '../../schema/oncall';
import type { NotificationRules } from '../../schema/contact-schemas';
import type { OnCallSnapshot } from '../oncall/targets';
import type { Schedule } from '../oncall/types';
import { now } from '../clock';
import { DEFAULT_RULES } from '../notify/rules';
import { listMethods, rulesFor, type ContactMethodRecord } from './contact-methods';
import { policyForService } from './policies';
import { subscriptionsForUser, type PushSubscriptionRecord } from './push-subscriptions';
import { reachOf, type Reach } from './reachability';
import { getSchedules } from './schedules';
import { getService } from './services';
import { ACTIVE, adminIds } from './users';

/** One person as paging sees them. `reach` is undefined for someone disabled or removed (reachability.ts). */
export interface PersonFacts {
  name: string;
  inactive: boolean;
  rules: NotificationRules;
  reach: Reach | undefined;
  devices: PushSubscriptionRecord[];
  /** Verified methods only: the ones that page. */
  methods: ContactMethodRecord[];
}

/** D1's paging version as "epoch:n"; see above for why both parts. */
export type PagingVersion = string;

/** The version of a snapshot built while writes kept landing: it is used once and never kept. */
export const UNKEPT: PagingVersion = '';

/** The read of the version, alone or in another batch (incident-index.ts). */
export const PAGING_VERSION_SQL =
  "SELECT epoch || ':' || version AS version FROM paging_version WHERE id = 1";

export interface PagingSnapshot {
  version: PagingVersion;
  serviceId: string;
  serviceName: string | null;
  policy: (EscalationPolicy & { serviceName: string }) | null;
  schedules: Map<string, Schedule>;
  people: Map<string, PersonFacts>;
  admins: string[];
}

/** Snapshots per service in this isolate; a handful of services page at once, so a small bound is plenty. */
const MAX_HELD = 256;
const held = new Map<string, PagingSnapshot>();

/** Reads of paging_version: tests and the bench count them (one per page when the snapshot is current). */
export async function pagingVersion(db: D1Database): Promise<PagingVersion> {
  const row = await db.prepare(PAGING_VERSION_SQL).first<{ version: string }>();
  return row?.version ?? UNKEPT;
}

/**
 * The version an incident's index write just read with it (incident-index.ts), for its first page to use instead
 * of a read of its own. Taken once, and only within NOTED_FOR_MS: a START the alarm runs later reads afresh.
 */
const noted = new Map<string, { version: PagingVersion; at: number }>();
const NOTED_FOR_MS = 1_000;

export function notePagingVersion(incidentId: string, version: PagingVersion): void {
  const t = now();
  for (const [id, n] of noted) if (t - n.at > NOTED_FOR_MS) noted.delete(id);
  noted.set(incidentId, { version, at: t });
}

/** The noted version, if noted within `maxAgeMs` (a warmed escalation asks for less than the first page). */
export function takeNotedVersion(
  incidentId: string,
  maxAgeMs = NOTED_FOR_MS,
): PagingVersion | undefined {
  const n = noted.get(incidentId);
  noted.delete(incidentId);
  return n && now() - n.at <= Math.min(maxAgeMs, NOTED_FOR_MS) ? n.version : undefined;
}

/**
 * The service's snapshot as of now: the one held when the version has not moved, else built afresh. `known`:
 * the version as read moments ago in this incident's own opening, which saves the read.
 */
export async function pagingSnapshot(
  db: D1Database,
  serviceId: string,
  now: number,
  known?: PagingVersion,
): Promise<PagingSnapshot> {
  // Built between two reads of the version: equal reads mean no write landed while it was read.
  for (let tries = 0; tries < 3; tries++) {
    const version = tries === 0 && known !== undefined ? known : await pagingVersion(db);
    const kept = held.get(serviceId);
    if (version !== UNKEPT && kept?.version === version) return kept;
    const snapshot = await build(db, serviceId, version, now);
    if ((await pagingVersion(db)) === version) {
      keep(snapshot);
      return snapshot;
    }
  }
  // Writes kept landing: this page reads afresh, and nothing is kept.
  return build(db, serviceId, UNKEPT, now);
}

function keep(snapshot: PagingSnapshot): void {
  if (snapshot.version === UNKEPT) return;
  held.delete(snapshot.serviceId);
  held.set(snapshot.serviceId, snapshot);
  if (held.size > MAX_HELD) held.delete(held.keys().next().value as string);
}

async function build(
  db: D1Database,
  serviceId: string,
  version: PagingVersion,
  now: number,
): Promise<PagingSnapshot> {
  const policy = await policyForService(db, serviceId);
  const serviceName = policy?.serviceName ?? (await getService(db, serviceId))?.name ?? null;
  const targets = policy ? policy.levels.flatMap((l) => l.targets) : [];
  const scheduleIds = [...new Set(targets.filter((t) => t.type === 'schedule').map((t) => t.id))];
  // Every override not yet over: the snapshot may be used hours from now, resolved at that instant.
  const schedules = new Map(
    (await getSchedules(db, scheduleIds, { from: now, to: Number.MAX_SAFE_INTEGER })).map((s) => [
      s.id,
      s as Schedule,
    ]),
  );
  const admins = await adminIds(db);
  const ids = new Set([
    ...targets.filter((t) => t.type === 'user').map((t) => t.id),
    ...[...schedules.values()].flatMap((s) => [
      ...s.layers.flatMap((l) => l.users),
      ...s.overrides.map((o) => o.userId),
    ]),
    ...admins,
  ]);
  return {
    version,
    serviceId,
    serviceName,
    policy,
    schedules,
    people: await peopleFacts(db, [...ids]),
    admins,
  };
}

async function peopleFacts(db: D1Database, ids: string[]): Promise<Map<string, PersonFacts>> {
  const out = new Map<string, PersonFacts>();
  if (!ids.length) return out;
  const [{ results }, reach] = await Promise.all([
    db
      .prepare(
        `SELECT u.id, u.name, NOT (${ACTIVE}) AS inactive FROM users u WHERE u.id IN (SELECT value FROM json_each(?))`,
      )
      .bind(JSON.stringify(ids))
      .all<{ id: string; name: string; inactive: number }>(),
    reachOf(db, ids),
  ]);
  await Promise.all(
    results.map(async (u) => {
      const [rules, devices, methods] = await Promise.all([
        rulesFor(db, u.id).catch(() => DEFAULT_RULES),
        subscriptionsForUser(db, u.id),
        listMethods(db, u.id),
      ]);
      out.set(u.id, {
        name: u.name,
        inactive: Boolean(u.inactive),
        rules,
        reach: reach.get(u.id),
        devices,
        methods: methods.filter((m) => m.verified),
      });
    }),
  );
  return out;
}

/**
 * The snapshot in the shape on-call maths resolves at `at`, or null when it does not cover `targets` (an open
 * incident escalating on a policy that has since changed): the caller then reads D1 as before.
 */
export function onCallAt(
  snapshot: PagingSnapshot,
  targets: readonly EscalationTarget[],
  at: number,
): OnCallSnapshot | null {
  for (const t of targets)
    if (t.type === 'schedule' ? !snapshot.schedules.has(t.id) : !snapshot.people.has(t.id))
      return null;
  const names: Record<string, string> = {};
  const inactive = new Set<string>();
  for (const [id, p] of snapshot.people) {
    names[id] = p.name;
    if (p.inactive) inactive.add(id);
  }
  return { at, until: at + 1, schedules: snapshot.schedules, names, inactive };
}
