/**
 * Fan-out of public updates to status page subscribers, off the publishing request: publishing only stores a
 * job here (one SQLite row) and arms the alarm; the alarm walks each channel's subscribers (fan-out-channels.ts)
 * in pages of BATCH, sends each its own message, and removes those the channel says are gone (a push service's
 * 404/410). One object for the deployment (STATUS_PUSH_NAME), so jobs go out in the order they were published.
 *
 * A subscriber whose push service is busy (429, 5xx) or unreachable gets a row in `retries`: the alarm tries
 * again after a backoff with jitter, or after the Retry-After the service asked for if longer, for RETRY_FOR_MS
 * after publishing at most. Only those subscribers are tried again, never one already delivered; a later update
 * of the same publication replaces the retries owed for an earlier one (it goes to everybody anyway).
 *
 * The same alarm watches maintenance windows published to the page: when one starts or ends it queues
 * "Scheduled maintenance started/completed: <public name>" like any update (maintenance_on holds those told
 * as started), then sleeps until the next start or end. Editing a published window wakes it (planMaintenance).
 */
import { DurableObject } from 'cloudflare:workers';
import { now } from '../clock';
import type { Env } from '../env';
import { Meta, sql } from '../sql';
import {
  emailChannel,
  pushChannel,
  type FanOutChannel,
  type FanOutOutcome,
  type StatusPushJob,
} from './fan-out-channels';
import { maintenanceMessages } from './maintenance-messages';

export type { StatusPushJob } from './fan-out-channels';

export const STATUS_PUSH_NAME = 'status-page';
/** Subscribers per alarm run, and requests in flight at once within a run. */
const BATCH = 100;
const PARALLEL = 10;
/** The channels a job walks, in order. */
const CHANNELS: readonly FanOutChannel[] = [pushChannel, emailChannel];
/** How long after publishing an update is still worth retrying: past that, the page and the next update say more. */
export const RETRY_FOR_MS = 4 * 3600_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;

/** The wait before retry number `attempt` (1-based): 30 s doubling to 30 min, each 50–100 % of that (jitter). */
export function retryDelayMs(attempt: number, random = Math.random()): number {
  const full = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(full * (0.5 + random / 2));
}

/** How the last finished job went (for tests and the bench). */
export interface FanOutResult {
  publicationId: string;
  sent: number;
  gone: number;
  failed: number;
}

/** A subscriber still owed an update. */
export interface PendingRetry {
  publicationId: string;
  channel: string;
  subscriberId: string;
  /** Failed attempts so far. */
  attempt: number;
  nextAt: number;
}

interface JobRow extends Record<string, string | number | null> {
  seq: number;
  job: string;
  /** The channel being walked, or 'done' when every channel has been walked. */
  walk: string;
  cursor: string;
}

interface RetryRow extends Record<string, string | number> {
  seq: number;
  channel: string;
  subscriber: string;
  attempt: number;
  next_at: number;
}

export const statusPushQueue = (env: Pick<Env, 'STATUS_PUSH'>) =>
  env.STATUS_PUSH.get(env.STATUS_PUSH.idFromName(STATUS_PUSH_NAME));

export class StatusPushQueue extends DurableObject<Env> {
  private readonly meta: Meta;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const db = ctx.storage.sql;
    sql(
      db,
      `CREATE TABLE IF NOT EXISTS jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL,
        cursor TEXT NOT NULL DEFAULT '', sent INTEGER NOT NULL DEFAULT 0, gone INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0)`,
    );
    // Objects created before retries walked one channel and had no `walk` column.
    if (!sql<{ name: string }>(db, 'PRAGMA table_info(jobs)').some((c) => c.name === 'walk'))
      sql(db, `ALTER TABLE jobs ADD COLUMN walk TEXT NOT NULL DEFAULT '${CHANNELS[0]!.name}'`);
    sql(
      db,
      `CREATE TABLE IF NOT EXISTS retries (seq INTEGER NOT NULL, channel TEXT NOT NULL, subscriber TEXT NOT NULL,
        attempt INTEGER NOT NULL, next_at INTEGER NOT NULL, PRIMARY KEY (seq, channel, subscriber))`,
    );
    sql(db, 'CREATE INDEX IF NOT EXISTS retries_due ON retries (next_at)');
    sql(db, 'CREATE TABLE IF NOT EXISTS done (seq INTEGER PRIMARY KEY, result TEXT NOT NULL)');
    this.meta = new Meta(db);
  }

  /**
   * A published maintenance window was created, edited, ended or deleted: tell subscribers of any start or end
   * this makes (at `origin`'s page), and wake at the next one.
   */
  async planMaintenance(origin: string): Promise<void> {
    this.meta.set('origin', origin);
    const at = now();
    await this.checkMaintenance(at);
    const next = this.meta.get('maintenanceAt');
    if (next !== null) await this.wakeBy(Number(next));
  }

  private async checkMaintenance(at: number): Promise<void> {
    const origin = this.env.PUBLIC_URL
      ? new URL(this.env.PUBLIC_URL).origin
      : (this.meta.get('origin') ?? '');
    const { jobs, nextAt } = await maintenanceMessages(this.ctx.storage.sql, this.env, at, origin);
    this.meta.set('maintenanceAt', nextAt === null ? null : String(nextAt));
    this.meta.set('maintenancePlanned', '1');
    for (const job of jobs) await this.enqueue(job);
  }

  /** Queue one update for every subscriber; the alarm sends it. */
  async enqueue(job: StatusPushJob): Promise<void> {
    const db = this.ctx.storage.sql;
    sql(
      db,
      `DELETE FROM retries WHERE seq IN (SELECT seq FROM jobs WHERE json_extract(job, '$.publicationId') = ?)`,
      job.publicationId,
    );
    sql(db, 'INSERT INTO jobs (job, walk) VALUES (?, ?)', JSON.stringify(job), CHANNELS[0]!.name);
    // Windows published before this object watched any (a deploy): the first update's run looks at them.
    if (this.meta.get('maintenancePlanned') === null) {
      this.meta.set('maintenanceAt', String(now()));
      this.meta.set('origin', job.origin);
    }
    await this.wakeBy(now());
  }

  /** Jobs still to send, retries owed, and the most recent finished jobs (newest first). */
  async progress(): Promise<{
    pending: number;
    retrying: PendingRetry[];
    finished: FanOutResult[];
  }> {
    const db = this.ctx.storage.sql;
    const pending = sql<{ n: number }>(db, 'SELECT count(*) AS n FROM jobs')[0]?.n ?? 0;
    const retrying = sql<RetryRow & { job: string }>(
      db,
      'SELECT r.*, j.job FROM retries r JOIN jobs j USING (seq) ORDER BY r.next_at',
    ).map((r) => ({
      publicationId: (JSON.parse(r.job) as StatusPushJob).publicationId,
      channel: r.channel,
      subscriberId: r.subscriber,
      attempt: r.attempt,
      nextAt: r.next_at,
    }));
    const finished = sql<{ result: string }>(
      db,
      'SELECT result FROM done ORDER BY seq DESC LIMIT 20',
    ).map((r) => JSON.parse(r.result) as FanOutResult);
    return { pending, retrying, finished };
  }

  /** The run in progress: an alarm and a test's forced alarm must not send the same message twice. */
  private running: Promise<void> | null = null;

  override async alarm(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = null));
    await this.running;
  }

  private async run(): Promise<void> {
    const at = now();
    const maintenanceAt = this.meta.get('maintenanceAt');
    if (maintenanceAt !== null && Number(maintenanceAt) <= at) await this.checkMaintenance(at);
    await this.retryDue(at);
    await this.walk(at);
    this.finish();
    await this.arm(at);
  }

  /** Send again to the subscribers whose retry is due. */
  private async retryDue(at: number): Promise<void> {
    const db = this.ctx.storage.sql;
    const due = sql<RetryRow>(
      db,
      'SELECT * FROM retries WHERE next_at <= ? ORDER BY next_at LIMIT ?',
      at,
      BATCH,
    );
    const groups = new Map<string, RetryRow[]>();
    for (const r of due)
      groups.set(`${r.seq}/${r.channel}`, [...(groups.get(`${r.seq}/${r.channel}`) ?? []), r]);
    for (const rows of groups.values()) {
      const { seq, channel: name } = rows[0]!;
      const [head] = sql<JobRow>(db, 'SELECT * FROM jobs WHERE seq = ?', seq);
      const channel = CHANNELS.find((c) => c.name === name);
      const live =
        head && channel?.ready(this.env)
          ? await channel.byIds(
              this.env.DB,
              rows.map((r) => r.subscriber),
            )
          : [];
      // Unsubscribed meanwhile (or the channel was turned off): nothing is owed any more.
      const alive = new Set(live.map((s) => s.id));
      for (const r of rows)
        if (!alive.has(r.subscriber))
          sql(
            db,
            'DELETE FROM retries WHERE seq = ? AND channel = ? AND subscriber = ?',
            seq,
            name,
            r.subscriber,
          );
      if (!head || !channel || !live.length) continue;
      const attempts = new Map(rows.map((r) => [r.subscriber, r.attempt]));
      const outcomes = await this.sendAll(channel, live, JSON.parse(head.job) as StatusPushJob);
      await this.settle(head, channel, outcomes, attempts, at);
    }
  }

  /** One page of the oldest job still walking its channels. */
  private async walk(at: number): Promise<void> {
    const db = this.ctx.storage.sql;
    const [head] = sql<JobRow>(db, `SELECT * FROM jobs WHERE walk != 'done' ORDER BY seq LIMIT 1`);
    if (!head) return;
    const index = CHANNELS.findIndex((c) => c.name === head.walk);
    const channel = CHANNELS[index];
    const page = channel?.ready(this.env)
      ? await channel.after(this.env.DB, head.cursor, BATCH)
      : [];
    if (channel && page.length) {
      const outcomes = await this.sendAll(channel, page, JSON.parse(head.job) as StatusPushJob);
      await this.settle(head, channel, outcomes, new Map(), at);
    }
    if (page.length === BATCH)
      sql(db, 'UPDATE jobs SET cursor = ? WHERE seq = ?', page.at(-1)!.id, head.seq);
    else
      sql(
        db,
        `UPDATE jobs SET walk = ?, cursor = '' WHERE seq = ?`,
        CHANNELS[index + 1]?.name ?? 'done',
        head.seq,
      );
  }

  private async sendAll(
    channel: FanOutChannel,
    subscribers: readonly { id: string }[],
    job: StatusPushJob,
  ): Promise<{ id: string; outcome: FanOutOutcome }[]> {
    const out: { id: string; outcome: FanOutOutcome }[] = [];
    for (let i = 0; i < subscribers.length; i += PARALLEL)
      out.push(
        ...(await Promise.all(
          subscribers.slice(i, i + PARALLEL).map(async (s) => ({
            id: s.id,
            outcome: await channel.send(this.env, s, job),
          })),
        )),
      );
    return out;
  }

  /** Count what happened, remove the gone, and owe a retry to the busy (until RETRY_FOR_MS is up). */
  private async settle(
    head: JobRow,
    channel: FanOutChannel,
    outcomes: readonly { id: string; outcome: FanOutOutcome }[],
    attempts: ReadonlyMap<string, number>,
    at: number,
  ): Promise<void> {
    const db = this.ctx.storage.sql;
    const job = JSON.parse(head.job) as StatusPushJob;
    const gone = outcomes.filter((o) => o.outcome.kind === 'gone').map((o) => o.id);
    await channel.remove(this.env.DB, gone);
    let sent = 0;
    let failed = 0;
    for (const { id, outcome } of outcomes) {
      const attempt = (attempts.get(id) ?? 0) + 1;
      const nextAt =
        outcome.kind === 'retry'
          ? at + Math.max(outcome.retryAfterMs ?? 0, retryDelayMs(attempt))
          : null;
      if (nextAt !== null && nextAt <= job.sentAt + RETRY_FOR_MS) {
        sql(
          db,
          `INSERT INTO retries (seq, channel, subscriber, attempt, next_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (seq, channel, subscriber) DO UPDATE SET attempt = excluded.attempt, next_at = excluded.next_at`,
          head.seq,
          channel.name,
          id,
          attempt,
          nextAt,
        );
        continue;
      }
      sql(
        db,
        'DELETE FROM retries WHERE seq = ? AND channel = ? AND subscriber = ?',
        head.seq,
        channel.name,
        id,
      );
      if (outcome.kind === 'sent') sent++;
      else if (outcome.kind !== 'gone') failed++;
    }
    sql(
      db,
      'UPDATE jobs SET sent = sent + ?, gone = gone + ?, failed = failed + ? WHERE seq = ?',
      sent,
      gone.length,
      failed,
      head.seq,
    );
  }

  /** Jobs walked with nothing owed move to `done` (the last 20 are kept). */
  private finish(): void {
    const db = this.ctx.storage.sql;
    const finished = sql<JobRow & { sent: number; gone: number; failed: number }>(
      db,
      `SELECT * FROM jobs j WHERE walk = 'done' AND NOT EXISTS (SELECT 1 FROM retries r WHERE r.seq = j.seq)`,
    );
    for (const row of finished) {
      const result: FanOutResult = {
        publicationId: (JSON.parse(row.job) as StatusPushJob).publicationId,
        sent: row.sent,
        gone: row.gone,
        failed: row.failed,
      };
      sql(db, 'DELETE FROM jobs WHERE seq = ?', row.seq);
      sql(db, 'INSERT INTO done (seq, result) VALUES (?, ?)', row.seq, JSON.stringify(result));
    }
    if (finished.length)
      sql(
        db,
        'DELETE FROM done WHERE seq NOT IN (SELECT seq FROM done ORDER BY seq DESC LIMIT 20)',
      );
  }

  /** The next wake-up: now while a job walks, else the earliest retry or maintenance start or end. */
  private async arm(at: number): Promise<void> {
    const db = this.ctx.storage.sql;
    const walking = sql<{ n: number }>(db, `SELECT count(*) AS n FROM jobs WHERE walk != 'done'`)[0]
      ?.n;
    const retry = sql<{ t: number | null }>(db, 'SELECT min(next_at) AS t FROM retries')[0]?.t;
    const maintenance = this.meta.get('maintenanceAt');
    const due = [retry, maintenance === null ? null : Number(maintenance)].filter(
      (t): t is number => typeof t === 'number',
    );
    const next = walking ? at : due.length ? Math.min(...due) : null;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }

  /** Make sure the alarm fires by `at` (earlier if it already would). */
  private async wakeBy(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}
