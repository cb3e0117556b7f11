/**
 * One incident's Slack thread: a SQLite-backed Durable Object (one per incident, named by its id) that posts
 * the incident's message to its service's channel, then for each later event replies in the message's thread
 * and updates the message in place (chat.update) from the incident as it is now. Events are delivered at
 * least once and in order (a retry never overtakes the event before it), retried like webhooks (backoff with
 * jitter, Retry-After honoured, up to 24 h). What Slack refuses for good is recorded on the incident's
 * timeline and in Admin (GET /api/slack/errors), never dropped silently.
 */
import { DurableObject } from 'cloudflare:workers';
import { now } from '../clock';
import { getService } from '../directory/services';
import { userNames } from '../directory/users';
import type { Env } from '../env';
import { Meta, sql } from '../sql';
import type { IncidentView } from '../incident/object';
import { incidentStub } from '../stubs';
import { hookTarget } from './chat-hooks';
import { mattermostBody, teamsBody } from './hook-messages';
import { callSlack, postHook, type SlackMethod, type SlackOutcome } from './slack-api';
import { credentials, recordError } from './slack-directory';
import { fallbackText, incidentBlocks, threadText } from './slack-message';

/** An incident event as the thread needs it (built from the webhook event stream, see outbox.ts). */
export interface ChatEvent {
  id: string;
  type: string;
  text: string;
  actorName?: string;
}

/** Slack (a workspace's channel) or a Mattermost / Teams incoming webhook (chat-hooks.ts). */
export type ChatTarget =
  | { incidentId: string; teamId: string; channelId: string }
  | { incidentId: string; hookId: string };

const FAILING_LIMIT_MS = 24 * 3600_000;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 600_000;
const SEEN_SIZE = 500;
const BATCH = 20;

interface Row extends Record<string, string | number | null> {
  seq: number;
  id: string;
  type: string;
  text: string;
  actor: string;
  attempts: number;
  next_at: number;
  threaded: number;
}

/** 5 s doubling to 10 min, each 50–100 % of that (jitter). */
export function chatBackoffMs(attempts: number, random = Math.random()): number {
  const full = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(full * (0.5 + random / 2));
}

/** The queue stub of an incident's Slack thread. */
export const slackQueue = (env: Pick<Env, 'SLACK_QUEUE'>, incidentId: string) =>
  env.SLACK_QUEUE.get(env.SLACK_QUEUE.idFromName(incidentId));

export class SlackQueue extends DurableObject<Env> {
  private readonly meta: Meta;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const db = ctx.storage.sql;
    this.meta = new Meta(db);
    sql(
      db,
      `CREATE TABLE IF NOT EXISTS queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL,
        type TEXT NOT NULL, text TEXT NOT NULL, actor TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL, threaded INTEGER NOT NULL DEFAULT 0)`,
    );
    sql(db, 'CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, at INTEGER NOT NULL)');
  }

  /** Add events at the tail (ids already seen are dropped: the hand-over may repeat itself). */
  async enqueue(target: ChatTarget, events: readonly ChatEvent[]): Promise<void> {
    const db = this.ctx.storage.sql;
    for (const [key, value] of Object.entries(target))
      if (this.meta.get(key) === null) this.meta.set(key, value);
    const at = now();
    for (const e of events) {
      if (sql(db, 'SELECT 1 AS x FROM seen WHERE id = ?', e.id).length) continue;
      sql(db, 'INSERT INTO seen (id, at) VALUES (?, ?)', e.id, at);
      sql(
        db,
        'INSERT INTO queue (id, type, text, actor, next_at) VALUES (?, ?, ?, ?, ?)',
        e.id,
        e.type,
        e.text,
        e.actorName ?? '',
        at,
      );
    }
    sql(
      db,
      'DELETE FROM seen WHERE id IN (SELECT id FROM seen ORDER BY at DESC LIMIT -1 OFFSET ?)',
      SEEN_SIZE,
    );
    await this.arm();
  }

  /** Where the incident's message is (channel and ts), once posted. */
  async message(): Promise<{ channel: string; ts: string } | null> {
    const ts = this.meta.get('ts');
    const channel = this.meta.get('channel');
    return ts && channel ? { channel, ts } : null;
  }

  /** Events still waiting, oldest first. */
  async pending(): Promise<{ id: string; type: string; attempts: number; nextAt: number }[]> {
    return sql<Row>(this.ctx.storage.sql, 'SELECT * FROM queue ORDER BY seq').map((r) => ({
      id: r.id,
      type: r.type,
      attempts: r.attempts,
      nextAt: r.next_at,
    }));
  }

  /** The run in progress: the alarm and a refresh must not both deliver the head (it would post twice). */
  private running: Promise<void> | null = null;

  override async alarm(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = null));
    await this.running;
  }

  private async run(): Promise<void> {
    for (let i = 0; i < BATCH; i++) {
      const [head] = sql<Row>(this.ctx.storage.sql, 'SELECT * FROM queue ORDER BY seq LIMIT 1');
      if (!head || head.next_at > now()) break;
      if ((await this.deliver(head)) === 'wait') break;
    }
    await this.arm();
  }

  /** Carry out the head event: the message first (once), then its thread reply, then the update. */
  private async deliver(head: Row): Promise<'next' | 'wait'> {
    const hookId = this.meta.get('hookId');
    if (hookId) return this.deliverHook(head, hookId);
    const db = this.ctx.storage.sql;
    const incidentId = this.meta.get('incidentId') ?? '';
    const teamId = this.meta.get('teamId') ?? '';
    const workspace = await credentials(this.env.DB, this.env.SESSION_SECRET, teamId);
    if (!workspace)
      return this.fail(head, 'chat.postMessage', {
        kind: 'refused',
        error: `workspace ${teamId} is not installed`,
      });
    const view = await incidentStub(this.env, incidentId).view();
    if (!view) {
      sql(db, 'DELETE FROM queue');
      return 'next';
    }
    const { incident } = view;
    const message = {
      text: fallbackText(incident),
      blocks: incidentBlocks(incident, await this.context(incident)),
    };
    const call = (method: SlackMethod, body: Record<string, unknown>) =>
      callSlack(this.env, workspace, method, body);

    let ts = this.meta.get('ts');
    let channel = this.meta.get('channel') ?? this.meta.get('channelId') ?? '';
    let posted = false;
    if (!ts) {
      const res = await call('chat.postMessage', { channel, ...message, unfurl_links: false });
      if (res.kind !== 'ok') return this.fail(head, 'chat.postMessage', res);
      ts = String(res.body.ts);
      channel = String(res.body.channel ?? channel);
      this.meta.set('ts', ts);
      this.meta.set('channel', channel);
      posted = true;
    }
    if (head.type !== 'incident.triggered') {
      if (!head.threaded) {
        const res = await call('chat.postMessage', {
          channel,
          thread_ts: ts,
          text: threadText(head, { name: head.actor || undefined }),
        });
        if (res.kind !== 'ok') return this.fail(head, 'chat.postMessage', res);
        sql(db, 'UPDATE queue SET threaded = 1 WHERE seq = ?', head.seq);
      }
      if (!posted) {
        const res = await call('chat.update', { channel, ts, ...message });
        if (res.kind !== 'ok') return this.fail(head, 'chat.update', res);
      }
    }
    sql(db, 'DELETE FROM queue WHERE seq = ?', head.seq);
    this.meta.set('failing_since', null);
    return 'next';
  }

  /** A Mattermost or Teams incoming webhook: each event is one message (they cannot be edited). */
  private async deliverHook(head: Row, hookId: string): Promise<'next' | 'wait'> {
    const db = this.ctx.storage.sql;
    const target = await hookTarget(this.env.DB, this.env.SESSION_SECRET, hookId);
    if (!target) {
      sql(db, 'DELETE FROM queue'); // the hook was removed
      return 'next';
    }
    // RPC return types are structurally rewritten by workers-types; the object returns an IncidentView.
    const view = (await incidentStub(
      this.env,
      this.meta.get('incidentId') ?? '',
    ).view()) as IncidentView | null;
    if (!view) {
      sql(db, 'DELETE FROM queue');
      return 'next';
    }
    const ctx = await this.context(view.incident);
    const event = { type: head.type, text: head.text, actorName: head.actor || undefined };
    const body =
      target.kind === 'teams'
        ? teamsBody(view.incident, ctx, event)
        : mattermostBody(view.incident, ctx, event);
    const label = target.kind === 'teams' ? 'Teams' : 'Mattermost';
    const outcome = await postHook(this.env, target.url, body);
    if (outcome.kind !== 'ok') return this.fail(head, `${target.kind} webhook`, outcome, label);
    sql(db, 'DELETE FROM queue WHERE seq = ?', head.seq);
    this.meta.set('failing_since', null);
    return 'next';
  }

  /** A failed call: wait and retry, or (refused, or failing for 24 h) record it and move on. */
  private async fail(
    head: Row,
    method: string,
    outcome: SlackOutcome,
    who = 'Slack',
  ): Promise<'next' | 'wait'> {
    if (outcome.kind === 'ok') return 'next';
    const db = this.ctx.storage.sql;
    const at = now();
    if (outcome.kind === 'retry') {
      const since = Number(this.meta.get('failing_since') ?? at);
      this.meta.set('failing_since', String(since));
      const attempts = head.attempts + 1;
      const wait = Math.max(outcome.retryAfterMs ?? 0, chatBackoffMs(attempts));
      if (at + wait - since <= FAILING_LIMIT_MS) {
        sql(
          db,
          'UPDATE queue SET attempts = ?, next_at = ? WHERE seq = ?',
          attempts,
          at + wait,
          head.seq,
        );
        return 'wait';
      }
    }
    const error = outcome.kind === 'retry' ? `${outcome.error} (retried for 24 h)` : outcome.error;
    const incidentId = this.meta.get('incidentId');
    const channel = this.meta.get('channel') ?? this.meta.get('channelId');
    await recordError(this.env.DB, {
      teamId: this.meta.get('teamId') ?? who.toLowerCase(),
      channelId: channel,
      incidentId,
      method,
      error,
      at,
    });
    if (incidentId)
      await incidentStub(this.env, incidentId).chatFailed(
        channel
          ? `${who} refused ${method} to channel ${channel}: ${error}`
          : `${who} refused ${method}: ${error}`,
        { chat: who.toLowerCase(), method, error, channel },
      );
    // Without the message nothing later can thread or update: drop them all (one error, not one per event).
    if (!this.meta.get('ts') && !this.meta.get('hookId')) sql(db, 'DELETE FROM queue');
    else sql(db, 'DELETE FROM queue WHERE seq = ?', head.seq);
    this.meta.set('failing_since', null);
    return 'next';
  }

  private async context(incident: { serviceId: string | null; paged: string[]; id: string }) {
    const [service, names] = await Promise.all([
      incident.serviceId ? getService(this.env.DB, incident.serviceId) : null,
      userNames(this.env.DB, incident.paged),
    ]);
    const origin = this.env.PUBLIC_URL
      ? new URL(this.env.PUBLIC_URL).origin
      : 'http://localhost:8787';
    return {
      serviceName: service?.name ?? null,
      paged: incident.paged.map((id) => names[id] ?? id),
      url: `${origin}/incidents/${encodeURIComponent(incident.id)}`,
    };
  }

  private async arm(): Promise<void> {
    const [head] = sql<{ next_at: number }>(
      this.ctx.storage.sql,
      'SELECT next_at FROM queue ORDER BY seq LIMIT 1',
    );
    if (!head) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(head.next_at);
  }
}
