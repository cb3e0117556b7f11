/**
 * Commits decisions: each one's incident, entries, alerts and running count in one storage transaction,
 * so a restart never finds half a change. Numbering entries happens here, nowhere else. The webhook events a
 * change makes are owed in the same transaction (webhook-outbox.ts), so none is lost to a restart.
 */
import type { Actor, Incident, TimelineEntry } from '../../schema/incident';
import type { Change } from './decide';
import type { WrittenEntry } from './escalate';
import type { EscalationState } from './escalation';
import { closeAlerts } from './ingest';
import type { Scheduler } from './scheduler';
import type { IncidentStore } from './store';
import type { WebhookOutbox } from './webhook-outbox';
import type { PendingWebhookEvent } from '../webhooks/events';
import type { ChatOutbox } from '../chat/outbox';

/** What a commit wrote: the incident as saved, the entries as numbered, the entry rewritten in place. */
export interface Committed {
  incident: Incident;
  entries: TimelineEntry[];
  updated: TimelineEntry | null;
}

export class Ledger {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly store: IncidentStore,
    /** Its rows are written in the same transactions (webhook and chat hand-overs, timers). */
    private readonly scheduler: Scheduler,
    private readonly webhooks: WebhookOutbox,
    /** Chat (Slack) consumes the same events, owed in the same transaction. */
    private readonly chat?: ChatOutbox,
  ) {}

  /** One storage transaction; one that throws is undone, and so is what the store and scheduler hold. */
  private transaction(write: () => void): void {
    try {
      this.storage.transactionSync(write);
    } catch (err) {
      this.store.forget();
      this.scheduler.forget();
      throw err;
    }
  }

  /** Owe webhook events that come with no timeline entry (a published review), in a transaction of their own. */
  oweWebhooks(events: readonly PendingWebhookEvent[], at: number): void {
    this.transaction(() => this.webhooks.owe(events, at));
  }

  /** Commit an incident decision (decide.ts, open.ts), its entries written by `actor`. */
  commit(change: Change, actor: Actor): Committed {
    const { lastSeq } = change.incident;
    let committed: Committed = { incident: change.incident, entries: [], updated: null };
    this.transaction(() => {
      this.store.init(); // the opening commit creates the tables
      for (const alert of change.alerts) this.store.saveAlert(alert);
      this.store.saveOverflow(change.overflow);
      if (change.closeAlerts) {
        for (const alert of closeAlerts(this.store.alerts())) this.store.saveAlert(alert);
        this.store.closeOverflow();
      }
      const entries = this.store.append(lastSeq, change.entries, actor, change.at);
      if (change.rewrite) this.store.rewrite(change.rewrite);
      const incident = { ...change.incident, lastSeq: lastSeq + entries.length };
      this.store.save(incident);
      this.webhooks.record(incident, entries, change.at);
      this.chat?.record(incident, entries, change.at);
      committed = { incident, entries, updated: change.rewrite };
    });
    return committed;
  }

  /** Commit an escalation decision (escalate.ts): its state, entries (each by its author) and incident patch. */
  commitEscalation(
    incident: Incident,
    state: EscalationState | null,
    written: readonly WrittenEntry[],
    patch: Partial<Incident>,
    at: number,
  ): Committed {
    let committed: Committed = { incident, entries: [], updated: null };
    this.transaction(() => {
      this.store.saveEscalation(state);
      const entries: TimelineEntry[] = [];
      for (const { actor, draft } of written)
        entries.push(...this.store.append(incident.lastSeq + entries.length, [draft], actor, at));
      const saved = {
        ...incident,
        ...patch,
        updatedAt: at,
        lastSeq: incident.lastSeq + entries.length,
      };
      this.store.save(saved);
      this.webhooks.record(saved, entries, at);
      this.chat?.record(saved, entries, at);
      committed = { incident: saved, entries, updated: null };
    });
    return committed;
  }
}
