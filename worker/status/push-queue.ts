/**
 * Fan-out of public updates to status page subscribers, off the publishing request: publishing only stores a
 * job here (one SQLite row) and arms the alarm; the alarm walks the subscribers in pages of BATCH, sends each
 * its own encrypted message through the push sender, and removes those whose push service says they are gone
 * (404/410). One object for the deployment (STATUS_PUSH_NAME), so jobs go out in the order they were published.
 * A push service that is busy or unreachable is not retried: the next update, or the page itself, tells them.
 */
import { DurableObject } from 'cloudflare:workers';
import type { StatusPushPayload } from '../../schema/status-subscriber-schemas';
import { now } from '../clock';
import { deleteSubscribers, subscribersAfter } from '../directory/status-subscribers';
import type { Env } from '../env';
import { sendPage, topicFor, type PushOutcome } from '../push/sender';
import { sql } from '../sql';
import { unsubscribeToken, unsubscribeUrl } from './subscribers';

export const STATUS_PUSH_NAME = 'status-page';
/** Subscribers per alarm run, and requests in flight at once within a run. */
const BATCH = 100;
const PARALLEL = 10;
/** A status update is news for a few hours; after that the page says it better. */
const STATUS_TTL_SECONDS = 6 * 3600;

/** One public update to tell every subscriber. */
export interface StatusPushJob {
  /** The publication: the notification's tag and the push Topic, so a later update replaces an unseen one. */
  publicationId: string;
  title: string;
  body: string;
  /** Absolute origin the links in the message point to. */
  origin: string;
  sentAt: number;
}

/** How the last finished job went (for tests and the bench). */
export interface FanOutResult {
  publicationId: string;
  sent: number;
  gone: number;
  failed: number;
}

interface JobRow extends Record<string, string | number | null> {
  seq: number;
  job: string;
  cursor: string;
  sent: number;
  gone: number;
  failed: number;
}

export const statusPushQueue = (env: Pick<Env, 'STATUS_PUSH'>) =>
  env.STATUS_PUSH.get(env.STATUS_PUSH.idFromName(STATUS_PUSH_NAME));

const clip = (text: string, max: number) =>
  [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;

export class StatusPushQueue extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const db = ctx.storage.sql;
    sql(
      db,
      `CREATE TABLE IF NOT EXISTS jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL,
        cursor TEXT NOT NULL DEFAULT '', sent INTEGER NOT NULL DEFAULT 0, gone INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0)`,
    );
    sql(db, 'CREATE TABLE IF NOT EXISTS done (seq INTEGER PRIMARY KEY, result TEXT NOT NULL)');
  }

  /** Queue one update for every subscriber; the alarm sends it. */
  async enqueue(job: StatusPushJob): Promise<void> {
    sql(this.ctx.storage.sql, 'INSERT INTO jobs (job) VALUES (?)', JSON.stringify(job));
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now());
  }

  /** Jobs still to send, and the most recent finished ones (newest first). */
  async progress(): Promise<{ pending: number; finished: FanOutResult[] }> {
    const db = this.ctx.storage.sql;
    const pending = sql<{ n: number }>(db, 'SELECT count(*) AS n FROM jobs')[0]?.n ?? 0;
    const finished = sql<{ result: string }>(
      db,
      'SELECT result FROM done ORDER BY seq DESC LIMIT 20',
    ).map((r) => JSON.parse(r.result) as FanOutResult);
    return { pending, finished };
  }

  /** The run in progress: an alarm and a test's forced alarm must not send the same page twice. */
  private running: Promise<void> | null = null;

  override async alarm(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = null));
    await this.running;
  }

  private async run(): Promise<void> {
    const db = this.ctx.storage.sql;
    const [head] = sql<JobRow>(db, 'SELECT * FROM jobs ORDER BY seq LIMIT 1');
    if (!head) return;
    const job = JSON.parse(head.job) as StatusPushJob;
    const page = await subscribersAfter(this.env.DB, head.cursor, BATCH);
    const topic = await topicFor(`status:${job.publicationId}`);
    const outcomes: { id: string; outcome: PushOutcome }[] = [];
    for (let i = 0; i < page.length; i += PARALLEL)
      outcomes.push(
        ...(await Promise.all(
          page.slice(i, i + PARALLEL).map(async (s) => {
            const token = await unsubscribeToken(this.env.SESSION_SECRET, s.id);
            const payload: StatusPushPayload = {
              kind: 'status',
              tag: `status-${job.publicationId}`,
              title: clip(job.title, 160),
              body: clip(job.body, 400),
              url: '/status',
              unsubscribeUrl: unsubscribeUrl(job.origin, token),
              sentAt: job.sentAt,
            };
            const outcome = await sendPage(this.env, s, payload, {
              ttlSeconds: STATUS_TTL_SECONDS,
              urgency: 'normal',
              topic,
            });
            return { id: s.id, outcome };
          }),
        )),
      );
    const gone = outcomes.filter((o) => o.outcome.kind === 'gone').map((o) => o.id);
    await deleteSubscribers(this.env.DB, gone);
    const sent = head.sent + outcomes.filter((o) => o.outcome.kind === 'sent').length;
    const failed =
      head.failed +
      outcomes.filter((o) => o.outcome.kind !== 'sent' && o.outcome.kind !== 'gone').length;
    const goneTotal = head.gone + gone.length;
    if (page.length < BATCH) {
      const result: FanOutResult = {
        publicationId: job.publicationId,
        sent,
        gone: goneTotal,
        failed,
      };
      sql(db, 'DELETE FROM jobs WHERE seq = ?', head.seq);
      sql(db, 'INSERT INTO done (seq, result) VALUES (?, ?)', head.seq, JSON.stringify(result));
      sql(
        db,
        'DELETE FROM done WHERE seq NOT IN (SELECT seq FROM done ORDER BY seq DESC LIMIT 20)',
      );
    } else {
      sql(
        db,
        'UPDATE jobs SET cursor = ?, sent = ?, gone = ?, failed = ? WHERE seq = ?',
        page.at(-1)!.id,
        sent,
        goneTotal,
        failed,
        head.seq,
      );
    }
    if (sql<{ n: number }>(db, 'SELECT count(*) AS n FROM jobs')[0]?.n)
      await this.ctx.storage.setAlarm(now());
  }
}
