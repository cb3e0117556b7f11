/**
 * Carries out what a committed incident change sets off (decide.ts's IncidentEffect), in order.
 * The one place effects leave the object: a new kind (an outgoing webhook, a chat update) is a case here.
 */
import { notePagingVersion } from '../directory/paging-snapshot';
import type { Incident } from '../../schema/incident';
import type { ServerMessage } from '../../schema/protocol';
import { now } from '../clock';
import { summaryOf, upsertIndex } from '../directory/incident-index';
import { pageStatements } from '../directory/reports';
import type { Env } from '../env';
import { feedStub } from '../stubs';
import type { IncidentEffect } from './decide';
import type { Committed } from './ledger';
import type { Paging } from './paging';
import type { Room } from './room';
import type { Scheduler } from './scheduler';
import type { IncidentStore } from './store';

/** The scheduler task that retries an index write D1 refused, or writes one owed by repeats (indexSoon). */
export const OUTBOX_TASK = 'outbox';

/** How far the D1 index may trail a change that only counted repeats: one write a second however many come. */
export const REPEATS_INDEX_DELAY_MS = 1_000;

/**
 * Whether a change moved only what a repeat of a firing alert moves (the notification count, the time and
 * the running duplicates entry): then the index write can wait for indexSoon, off the duplicate's answer.
 */
export function onlyRepeats(before: Incident, after: Incident): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (REPEAT_FIELDS.has(key)) continue;
    const [was, is] = [before[key as keyof Incident], after[key as keyof Incident]];
    // Most fields are the very same value (a decision copies what it does not change); the rest by content.
    if (was !== is && JSON.stringify(was) !== JSON.stringify(is)) return false;
  }
  return true;
}

/** What a repeat of a firing alert moves on the incident. */
const REPEAT_FIELDS: ReadonlySet<string> = new Set(['updatedAt', 'notificationCount', 'lastSeq']);

export interface EffectsHost {
  env: Env;
  ctx: DurableObjectState;
  store: IncidentStore;
  room: Room;
  scheduler: Scheduler;
  paging: Paging;
}

export class Effects {
  constructor(private readonly host: EffectsHost) {}

  /** Carry out `effects` for `committed`, each on the incident as it is when it runs (escalation may change it). */
  async run(effects: readonly IncidentEffect[], committed: Committed): Promise<void> {
    const { store, room, env, paging } = this.host;
    const current = () => store.load() ?? committed.incident;
    let incident = current();
    for (const effect of effects) {
      switch (effect.kind) {
        case 'broadcast':
          for (const entry of committed.entries)
            room.broadcast({ type: 'event', entry, incident } satisfies ServerMessage);
          if (committed.updated)
            room.broadcast({
              type: 'entry_updated',
              entry: committed.updated,
              incident,
            } satisfies ServerMessage);
          break;
        case 'publish':
          // The feed is best-effort (a list reloads over HTTP on reconnect), so it never delays this change.
          this.host.ctx.waitUntil(
            feedStub(env)
              .publish(summaryOf(incident))
              .catch((err: unknown) => console.error('feed publish failed', err)),
          );
          break;
        case 'webhooks':
          // The events were written with the change; the alarm hands them to the queues, so a slow
          // subscriber lookup never holds up this change or a page.
          if (store.pendingWebhooks(1).length) await this.host.scheduler.arm();
          break;
        case 'index':
          await this.flushIndex(incident);
          incident = current();
          break;
        case 'escalation':
          if (effect.change === 'stopped') await paging.stopped(effect.status, now());
          // Reopened inside its maintenance window: the window's end starts paging (maintenance-hold.ts).
          else if ((incident.maintenance?.until ?? 0) <= now()) await paging.opened(now());
          incident = current();
          break;
      }
    }
  }

  /**
   * Owe the index to the outbox task within REPEATS_INDEX_DELAY_MS (a task already due by then covers it).
   * Its row commits with the change that owes it; a task claimed and running may have read the incident
   * before this change, so it is moved (a new version, which that run's delete leaves in place).
   */
  async indexSoon(): Promise<void> {
    const { scheduler } = this.host;
    const due = now() + REPEATS_INDEX_DELAY_MS;
    if ((scheduler.task(OUTBOX_TASK)?.dueAt ?? Infinity) <= due) return;
    await scheduler.schedule(OUTBOX_TASK, OUTBOX_TASK, due);
  }

  /** Push the pending index version to D1; on failure the outbox task retries with backoff until it lands. */
  async flushIndex(incident: Incident, opts: { throwOnFailure?: boolean } = {}): Promise<void> {
    const { store, env, scheduler } = this.host;
    const pending = store.pendingIndexVersion();
    // The task always writes: a repeat counted in place keeps lastSeq, so an earlier write may have cleared its row.
    if (!pending && !opts.throwOnFailure) return;
    // Owed pages stay stored until the write that carries them lands; the retry carries them again (harmless).
    const owed = store.owedPages();
    const pages = owed.rows.map((r) => ({ incidentId: incident.id, ...r }));
    try {
      const version = await upsertIndex(env.DB, incident, {
        nobodyPaged: incident.nobodyPaged,
        escalationLevel: incident.escalationLevel,
        also: pageStatements(env.DB, pages),
      });
      if (version !== null) notePagingVersion(incident.id, version);
      store.indexLanded(incident.lastSeq);
      store.pagesLanded(owed.upTo);
    } catch (err) {
      const attempts = store.indexFailed();
      console.error(
        `index write for ${incident.id} failed (attempt ${attempts}); retrying from the outbox`,
        err,
      );
      if (opts.throwOnFailure) throw err;
      await scheduler.schedule(
        OUTBOX_TASK,
        OUTBOX_TASK,
        now() + Math.min(60_000, 500 * 2 ** Math.min(attempts, 7)),
      );
    }
  }
}
