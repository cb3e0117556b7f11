/**
 * One team's drills: a small Durable Object (named by the team id) whose alarm is a scheduler over a table
 * (worker/incident/scheduler.ts). It plans the next drill `minutesBefore` each handoff of the team's
 * schedules, runs it (and on-demand ones), fails what got no receipt by the deadline, and tells the person
 * and the team's admins about every method that failed. Drills and checks live in D1 (drills/store.ts).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Drill } from '../../schema/drill-schemas';
import { now } from '../clock';
import { getSchedules } from '../directory/schedules';
import { subscriptionsForUser } from '../directory/push-subscriptions';
import { verifiedMethods } from '../directory/contact-methods';
import type { Env } from '../env';
import { newId } from '../ids';
import { Scheduler } from '../incident/scheduler';
import type { Schedule } from '../oncall';
import { Meta, sql } from '../sql';
import { HANDOFF_HORIZON_MS, drillDueAt, handoffKey, handoffs, onCallNow } from './plan';
import {
  drillEmail,
  drillMethods,
  drillPhone,
  drillPush,
  sendNotice,
  type SendResult,
} from './send';
import {
  failWaiting,
  finishDrill,
  getDrill,
  getSettings,
  insertDrill,
  namesOf,
  settleCheck,
  teamAdmins,
  teamScheduleIds,
  teamsDrillingBeforeHandoffs,
  waitingCount,
} from './store';

/** Look at the schedules again at least this often: an edited rotation moves the next handoff. */
export const REPLAN_MS = 6 * 3600_000;
const NEXT = 'next-drill';

/** The team's drill object. */
export function drillsStub(env: Pick<Env, 'DRILLS'>, teamId: string) {
  return env.DRILLS.get(env.DRILLS.idFromName(teamId));
}

/**
 * A schedule or override changed, which can move a handoff: every team that drills before handoffs plans again
 * now, rather than at its next periodic re-plan (up to REPLAN_MS later, after a moved handoff may have passed).
 */
export async function replanScheduledDrills(env: Pick<Env, 'DB' | 'DRILLS'>): Promise<void> {
  const teams = await teamsDrillingBeforeHandoffs(env.DB);
  await Promise.all(teams.map((teamId) => drillsStub(env, teamId).configure(teamId)));
}

export class TeamDrills extends DurableObject<Env> {
  private readonly meta: Meta;
  private readonly scheduler: Scheduler;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const db = ctx.storage.sql;
    sql(
      db,
      "CREATE TABLE IF NOT EXISTS schedule (id TEXT PRIMARY KEY, kind TEXT NOT NULL, due_at INTEGER NOT NULL, data TEXT NOT NULL DEFAULT '{}', version INTEGER NOT NULL DEFAULT 0)",
    );
    this.meta = new Meta(db);
    sql(db, 'CREATE TABLE IF NOT EXISTS drilled (key TEXT PRIMARY KEY, at INTEGER NOT NULL)');
    this.scheduler = new Scheduler(ctx.storage);
  }

  /** The settings changed (or the team was first drilled): plan again. Returns when the next drill runs. */
  async configure(teamId: string): Promise<number | null> {
    this.meta.set('team', teamId);
    return this.plan(now());
  }

  /** When the next scheduled drill runs; null when none is planned. */
  async nextDrillAt(): Promise<number | null> {
    const v = this.meta.get('next_drill_at');
    return v ? Number(v) : null;
  }

  /** Drill now whoever is on call and whoever comes on at the next handoff; null when nobody is. */
  async runNow(teamId: string, requestedBy: string): Promise<Drill | null> {
    this.meta.set('team', teamId);
    const at = now();
    const schedules = await this.schedules(teamId, at);
    const next = handoffs(schedules, at, at + HANDOFF_HORIZON_MS)[0];
    const people = [...new Set([...onCallNow(schedules, at), ...(next ? [next.userId] : [])])];
    if (!people.length) return null;
    const id = await this.drill(teamId, 'manual', people, null, requestedBy, at);
    return getDrill(this.env.DB, id);
  }

  /** A receipt settled one of this drill's checks: finish it when none is left waiting. */
  async settle(drillId: string): Promise<void> {
    if ((await waitingCount(this.env.DB, drillId)) > 0) return;
    await this.scheduler.cancel(`deadline:${drillId}`);
    await this.finish(drillId, now());
  }

  override async alarm(): Promise<void> {
    await this.scheduler.runDue(now(), async (task) => {
      if (task.kind === NEXT) await this.onSchedule(now());
      else if (task.kind === 'deadline') await this.deadline(String(task.data.drillId), now());
    });
  }

  /** Due: drill the incoming people of every handoff within `minutesBefore`, then plan the next. */
  private async onSchedule(at: number): Promise<void> {
    const teamId = this.meta.get('team');
    if (!teamId) return;
    const { minutesBefore } = await getSettings(this.env.DB, teamId);
    if (minutesBefore !== null) {
      const schedules = await this.schedules(teamId, at);
      const due = handoffs(schedules, at, at + minutesBefore * 60_000).filter(
        (h) => !this.drilled(handoffKey(h)),
      );
      // Handoffs at the same instant (two schedules) make one drill.
      for (const handoffAt of [...new Set(due.map((h) => h.at))]) {
        const mine = due.filter((h) => h.at === handoffAt);
        for (const h of mine)
          sql(
            this.ctx.storage.sql,
            'INSERT OR IGNORE INTO drilled (key, at) VALUES (?, ?)',
            handoffKey(h),
            h.at,
          );
        await this.drill(
          teamId,
          'scheduled',
          mine.map((h) => h.userId),
          handoffAt,
          null,
          at,
        );
      }
      sql(this.ctx.storage.sql, 'DELETE FROM drilled WHERE at < ?', at - HANDOFF_HORIZON_MS);
    }
    await this.plan(at);
  }

  /** Point the next-drill task at the next undrilled handoff less `minutesBefore` (or a re-plan). */
  private async plan(at: number): Promise<number | null> {
    const teamId = this.meta.get('team');
    const settings = teamId ? await getSettings(this.env.DB, teamId) : null;
    if (!teamId || settings?.minutesBefore == null) {
      this.meta.set('next_drill_at', '');
      await this.scheduler.cancel(NEXT);
      return null;
    }
    const before = settings.minutesBefore;
    const schedules = await this.schedules(teamId, at);
    const next = handoffs(schedules, at, at + HANDOFF_HORIZON_MS).find(
      (h) => !this.drilled(handoffKey(h)),
    );
    const dueAt = next ? Math.max(at, drillDueAt(next, before)) : null;
    this.meta.set('next_drill_at', dueAt === null ? '' : String(dueAt));
    await this.scheduler.schedule(NEXT, NEXT, Math.min(dueAt ?? Infinity, at + REPLAN_MS));
    return dueAt;
  }

  /** Run one drill: record it, send to every method of every person, then wait for receipts. */
  private async drill(
    teamId: string,
    trigger: 'scheduled' | 'manual',
    userIds: readonly string[],
    handoffAt: number | null,
    requestedBy: string | null,
    at: number,
  ): Promise<string> {
    const { receiptMinutes } = await getSettings(this.env.DB, teamId);
    const people = await namesOf(this.env.DB, userIds);
    const methods = (await Promise.all(people.map((p) => drillMethods(this.env, p.id)))).flat();
    // Someone with nothing to page is the drill's worst finding, not an empty line: a check that fails at once.
    const unreachable = people
      .filter((p) => !methods.some((m) => m.check.userId === p.id))
      .map((p) => ({
        userId: p.id,
        channel: 'push' as const,
        methodId: `none:${p.id}`,
        label: 'no device, verified email or phone',
      }));
    const id = newId('drl');
    const deadlineAt = at + receiptMinutes * 60_000;
    // Rows first: a fast phone's receipt may arrive before the send returns.
    await insertDrill(
      this.env.DB,
      { id, teamId, trigger, handoffAt, requestedBy, startedAt: at, deadlineAt },
      [...methods.map((m) => m.check), ...unreachable],
    );
    for (const u of unreachable)
      await settleCheck(this.env.DB, id, u.methodId, {
        status: 'failed',
        detail:
          'nothing to page: no device registered and no verified email address or phone number',
      });
    const results: SendResult[] = await Promise.all(
      methods.map(({ check, device, address = '' }) =>
        device
          ? drillPush(this.env, id, device, receiptMinutes, at)
          : check.channel === 'sms' || check.channel === 'voice'
            ? drillPhone(this.env, id, check.channel, check.methodId, address)
            : drillEmail(this.env, check.methodId, address, now),
      ),
    );
    for (const r of results)
      if (r.status !== 'waiting')
        await settleCheck(
          this.env.DB,
          id,
          r.methodId,
          r.status === 'passed' ? { status: 'passed', at: r.at } : r,
        );
    if ((await waitingCount(this.env.DB, id)) > 0)
      await this.scheduler.schedule(`deadline:${id}`, 'deadline', deadlineAt, { drillId: id });
    else await this.finish(id, now());
    return id;
  }

  private async deadline(drillId: string, at: number): Promise<void> {
    const drill = await getDrill(this.env.DB, drillId);
    if (!drill) return;
    const minutes = Math.round((drill.deadlineAt - drill.startedAt) / 60_000);
    await failWaiting(this.env.DB, drillId, minutes);
    await this.finish(drillId, at);
  }

  /** Close the drill once, and tell each person with a failed method, and the team's admins. */
  private async finish(drillId: string, at: number): Promise<void> {
    if (!(await finishDrill(this.env.DB, drillId, at))) return;
    const drill = await getDrill(this.env.DB, drillId);
    if (!drill) return;
    const admins = await teamAdmins(this.env.DB, drill.teamId);
    const when = drill.handoffAt
      ? `before the shift starting ${new Date(drill.handoffAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`
      : 'run on demand';
    for (const person of drill.people) {
      const failed = person.checks.filter((c) => c.status === 'failed');
      if (!failed.length) continue;
      const what = failed.map((c) => `${c.label} (${c.detail})`).join('; ');
      // The person hears over the methods that passed; a phone that failed cannot carry its own bad news.
      const passed = new Set(
        person.checks.filter((c) => c.status === 'passed').map((c) => c.methodId),
      );
      const devices = (await subscriptionsForUser(this.env.DB, person.userId)).filter((d) =>
        passed.has(d.id),
      );
      const addresses = (await verifiedMethods(this.env.DB, person.userId, 'email'))
        .filter((m) => passed.has(m.id))
        .map((m) => m.address);
      const texts = (await verifiedMethods(this.env.DB, person.userId, 'sms'))
        .filter((m) => passed.has(m.id))
        .map((m) => m.address);
      await sendNotice(
        this.env,
        { devices, addresses, texts },
        {
          title: 'Firebell drill failed: fix it before your shift',
          text: `A page drill ${when} could not reach you on: ${what}. Fix it in Settings, then ask an admin to run the drill again.`,
        },
        at,
      );
      for (const admin of admins.filter((a) => a.id !== person.userId)) {
        const [adminDevices, adminEmails] = await Promise.all([
          subscriptionsForUser(this.env.DB, admin.id),
          verifiedMethods(this.env.DB, admin.id, 'email'),
        ]);
        await sendNotice(
          this.env,
          { devices: adminDevices, addresses: adminEmails.map((m) => m.address) },
          {
            title: `Firebell drill failed for ${person.name}`,
            text: `A page drill ${when} could not reach ${person.name} on: ${what}.`,
          },
          at,
        );
      }
    }
  }

  private async schedules(teamId: string, at: number): Promise<Schedule[]> {
    const ids = await teamScheduleIds(this.env.DB, teamId);
    return getSchedules(this.env.DB, ids, { from: at, to: at + HANDOFF_HORIZON_MS });
  }

  private drilled(key: string): boolean {
    return sql(this.ctx.storage.sql, 'SELECT 1 AS one FROM drilled WHERE key = ?', key).length > 0;
  }
}
