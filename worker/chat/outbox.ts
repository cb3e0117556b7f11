/**
 * Chat from the incident's side: a consumer of the same event stream as outgoing webhooks (webhookEvents in
 * worker/webhooks/events.ts). The events a change makes are written in the change's own transaction, then a
 * scheduler task hands them, oldest first, to the incident's Slack queue (slack-queue.ts) when its service has
 * a channel, and forgets them otherwise. The task runs from the alarm, never inside a command or a page, and
 * while a page is on its way in this isolate it comes back a little later rather than run beside it. When
 * this isolate's fresh caches say the service has no channel and no hook, nothing is owed and no alarm set.
 */
import type { Incident, TimelineEntry } from '../../schema/incident';
import type { Env } from '../env';
import type { Scheduler, Task } from '../incident/scheduler';
import { sql } from '../sql';
import { webhookEvents } from '../webhooks/events';
import { now as clock } from '../clock';
import { pageOnItsWay } from '../webhooks/lane';
import { hooksCached, hooksFor } from './chat-hooks';
import { channelCached, channelFor } from './slack-directory';
import { slackQueue, type ChatEvent } from './slack-queue';

/** The scheduler task (and its row id) that hands owed events to the chat queue. */
export const CHAT_TASK = 'chat';

/** While a page is on its way the hand-over comes back after this, doubling up to LONGEST_DEFER_MS. */
const FIRST_DEFER_MS = 50;
const LONGEST_DEFER_MS = 1_000;
/** After this many deferrals (about 4.5 s) the pass runs anyway: pages never stop chat. */
const MAX_DEFERRALS = 8;

interface Owed extends Record<string, string | number | null> {
  id: string;
  service_id: string | null;
  incident_id: string;
  doc: string;
}

export interface ChatOutboxHost {
  env: Env;
  storage: DurableObjectStorage;
  scheduler: Scheduler;
}

export class ChatOutbox {
  private ready = false;

  constructor(private readonly host: ChatOutboxHost) {}

  /** Owe the chat events of a committed change; called inside its transaction, so it must not await. */
  record(incident: Incident, entries: readonly TimelineEntry[], at: number): void {
    const events = webhookEvents(incident, entries);
    if (!events.length) return;
    // Only caches younger than their TTL may say no (a channel or hook written in this isolate clears them).
    const id = incident.serviceId;
    if (channelCached(id) === false && hooksCached(id) === false) return;
    const db = this.host.storage.sql;
    this.init();
    for (const e of events) {
      const chat: ChatEvent = {
        id: e.id,
        type: e.type,
        text: e.entry?.text ?? e.type,
        actorName: e.actor.name,
      };
      sql(
        db,
        'INSERT INTO chat_outbox (id, incident_id, service_id, doc) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
        e.id,
        incident.id,
        incident.serviceId,
        JSON.stringify(chat),
      );
    }
    this.host.scheduler.put(CHAT_TASK, CHAT_TASK, at);
    // The commit's own effects arm the alarm for webhooks; arm it for chat too, once the transaction is done.
    queueMicrotask(() => {
      this.host.scheduler.arm().catch((err: unknown) => console.error('chat: arming failed', err));
    });
  }

  /** Hand owed events to the Slack queue; on failure the task comes back after a backoff (never throws). */
  async drain(task: Task, at: number): Promise<void> {
    const db = this.host.storage.sql;
    this.init();
    try {
      const owed = sql<Owed>(db, 'SELECT * FROM chat_outbox ORDER BY rowid LIMIT 100');
      if (!owed.length) return;
      const first = owed[0] as Owed;
      const { env } = this.host;
      const incidentId = first.incident_id;
      const events = owed.map((o) => JSON.parse(o.doc) as ChatEvent);
      const [channel, hooks] = await Promise.all([
        channelFor(env.DB, first.service_id),
        hooksFor(env.DB, first.service_id),
      ]);
      // Only a pass with somewhere to send defers past a page; one with nowhere just forgets (and its reads
      // warm the caches that let later changes owe nothing).
      const deferred = Number(task.data.deferred ?? 0) + 1;
      if ((channel || hooks.length) && deferred <= MAX_DEFERRALS && pageOnItsWay()) {
        const wait = Math.min(LONGEST_DEFER_MS, FIRST_DEFER_MS * 2 ** (deferred - 1));
        return await this.host.scheduler.schedule(CHAT_TASK, CHAT_TASK, clock() + wait, {
          ...task.data,
          deferred,
        });
      }
      await Promise.all([
        channel &&
          slackQueue(env, incidentId).enqueue(
            { incidentId, teamId: channel.teamId, channelId: channel.channelId },
            events,
          ),
        // Each Mattermost / Teams hook has its own queue, so one slow endpoint holds up no other.
        ...hooks.map((h) =>
          slackQueue(env, `${incidentId}/${h.id}`).enqueue({ incidentId, hookId: h.id }, events),
        ),
      ]);
      for (const o of owed) sql(db, 'DELETE FROM chat_outbox WHERE id = ?', o.id);
      if (owed.length === 100) await this.host.scheduler.schedule(CHAT_TASK, CHAT_TASK, at);
    } catch (err) {
      const attempts = Number(task.data.attempts ?? 0) + 1;
      console.error(`chat hand-over failed (attempt ${attempts}); retrying`, err);
      const wait = Math.min(300_000, 1_000 * 2 ** Math.min(attempts, 9));
      await this.host.scheduler.schedule(
        CHAT_TASK,
        CHAT_TASK,
        at + wait / 2 + (Math.random() * wait) / 2,
        {
          attempts,
        },
      );
    }
  }

  private init(): void {
    if (this.ready) return;
    sql(
      this.host.storage.sql,
      'CREATE TABLE IF NOT EXISTS chat_outbox (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, service_id TEXT, doc TEXT NOT NULL)',
    );
    this.ready = true;
  }
}
