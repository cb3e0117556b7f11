/**
 * One Durable Object per incident: the only writer of its incident.
 * A thin shell: load the facts, call a pure decision (open.ts, decide.ts, escalate.ts), commit it in one
 * transaction (ledger.ts), then carry out its effects (effects.ts). Sockets come in through socket-door.ts.
 */
import { DurableObject } from 'cloudflare:workers';
import type { AlertEvent } from '../../schema/alert';
import type {
  Actor,
  Incident,
  IncidentAlert,
  IncidentCommand,
  TimelineEntry,
} from '../../schema/incident';
import { now } from '../clock';
import { nextIncidentNumber } from '../directory/incident-index';
import { userNames } from '../directory/users';
import type { Env } from '../env';
import { ProblemError, type Problem } from '../errors';
import { RateLimiter } from './command-rate';
import { ANNOUNCE, change, decideCommand, decideIngest, deliveredEntry } from './decide';
import { Effects, OUTBOX_TASK, onlyRepeats } from './effects';
import { FIREBELL, type WrittenEntry } from './escalate';
import type { EscalationState } from './escalation';
import { Idempotency, MAX_IDEMPOTENCY_KEY_LENGTH, fingerprint } from './idempotency';
import { Ledger } from './ledger';
import { MAINTENANCE_TASK, MaintenanceHoldRunner } from './maintenance-hold';
import { namesFor } from './named-users';
import { openIncident, type CreateIncidentInput } from './open';
import { Paging, START_TASK_ID, START_TASK_KIND } from './paging';
import type { EntryDraft } from './reducer';
import { Room, closeQuietly, closeUserSockets } from './room';
import { Scheduler, type Task } from './scheduler';
import { SocketDoor } from './socket-door';
import { IncidentStore } from './store';
import { WEBHOOKS_TASK, WebhookOutbox } from './webhook-outbox';
import { reviewPublishedEvent } from '../webhooks/events';
import { foldRunbook } from '../../schema/runbook';
import type { IncidentRunbook } from '../../schema/runbook-schemas';
import { attachedEntry, decideTick, runbookAtOpening } from './runbook-steps';
import { CHAT_TASK, ChatOutbox } from '../chat/outbox';
import { pageDone, pageDue, paged } from '../webhooks/lane';

/** How long after opening the alarm runs level 1's START if create's own run never moved it (a crash). */
const START_BACKSTOP_MS = 1_000;
/** The outbox row that backs START's index write (runTask); OUTBOX_TASK's own row is the retry's. */
const START_INDEX_TASK_ID = `${OUTBOX_TASK}:start`;
/** The scheduled task of an event rule's auto_resolve (one per incident, moved by every trigger). */
const AUTO_RESOLVE_TASK = 'auto-resolve';
/** Due tasks that run after the others in an alarm (webhook work never goes before a page). */
const LAST: ReadonlySet<string> = new Set([WEBHOOKS_TASK, CHAT_TASK]);

export type { CreateIncidentInput } from './open';

export type CommandResult = { ok: true; incident: Incident } | { ok: false; problem: Problem };

export type IngestResult =
  { accepted: true; incident: Incident } | { accepted: false; reason: 'resolved' | 'missing' };

export interface IncidentView {
  incident: Incident;
  timeline: TimelineEntry[];
  /** Pass as `before` to read the entries before `timeline`; null when it starts at the first entry. */
  earlier: number | null;
  alerts: IncidentAlert[];
}

export class IncidentObject extends DurableObject<Env> {
  private readonly store: IncidentStore;
  private readonly ledger: Ledger;
  private readonly scheduler: Scheduler;
  private readonly room: Room;
  private readonly paging: Paging;
  private readonly effects: Effects;
  private readonly webhooks: WebhookOutbox;
  private readonly chat: ChatOutbox;
  private readonly door: SocketDoor;
  private readonly idempotency: Idempotency;
  private readonly maintenance: MaintenanceHoldRunner;
  /** Commands per person on this incident; see command-rate.ts. */
  private readonly rate = new RateLimiter();
  /** The first page, running from create; the alarm waits for it rather than racing it. */
  private starting: Promise<unknown> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const store = (this.store = new IncidentStore(ctx.storage.sql));
    const scheduler = (this.scheduler = new Scheduler(ctx.storage));
    this.webhooks = new WebhookOutbox({ env, store, scheduler });
    this.chat = new ChatOutbox({ env, storage: ctx.storage, scheduler });
    this.ledger = new Ledger(ctx.storage, store, scheduler, this.webhooks, this.chat);
    this.idempotency = new Idempotency(store);
    const room = (this.room = new Room(ctx));
    const paging = (this.paging = new Paging({
      env,
      scheduler,
      incident: () => store.load(),
      state: () => store.escalation(),
      commit: (state, entries, patch) => this.commitEscalation(state, entries, patch),
      markPaged: (subscriptionId, at) => store.paged(subscriptionId, at),
      owePages: (rows) => store.owePages(rows),
      record: (drafts, actor, patch) => this.record(drafts, actor, patch),
    }));
    this.effects = new Effects({ env, ctx, store, room, scheduler, paging });
    this.maintenance = new MaintenanceHoldRunner({
      scheduler,
      paging,
      incident: () => store.load(),
      record: (drafts, actor, patch) => this.record(drafts, actor, patch),
      actor: FIREBELL,
    });
    this.door = new SocketDoor({
      env,
      store,
      room,
      limited: (userId) => this.limited(userId),
      run: (command, actor, key) => this.runOnce(command, actor, key),
    });
  }

  /** Open the incident. Idempotent: a retried create returns the incident that already exists. */
  async create(input: CreateIncidentInput): Promise<Incident> {
    const existing = this.store.load();
    if (existing) return existing;
    // Create pages level 1 itself (startPaging): the START row's alarm is the backstop for a crash.
    this.scheduler.backstop(START_TASK_ID, now() + START_BACKSTOP_MS);
    // Opening leads to a page: webhook deliveries in this isolate wait until it has gone (lane.ts).
    return paged(async () => {
      const opened = await this.open(input);
      if (opened.status === 'triggered') {
        pageDue(this.ctx.id.toString());
        this.startPaging();
      }
      return opened;
    });
  }

  /**
   * Page level 1 from create itself, after the answer's commit, instead of waiting for the alarm (about
   * 11 ms later locally). The alarm waits for this run (`starting`), so the two never both run it; a crash
   * before the page leaves the row due for the alarm, START_BACKSTOP_MS later.
   */
  private startPaging(): void {
    const start = this.scheduler
      .runNow(START_TASK_ID, now(), (task) => this.runTask(task))
      .catch((err: unknown) =>
        console.error('first page from create failed; the alarm retries', err),
      )
      .finally(() => {
        if (this.starting === start) this.starting = null;
      });
    this.starting = start;
    this.ctx.waitUntil(start);
  }

  private async open(input: CreateIncidentInput): Promise<Incident> {
    const number = input.number ?? (await nextIncidentNumber(this.env.DB));
    const runbook = await runbookAtOpening(this.env.DB, input);
    const again = this.store.load(); // another create may have won while we awaited D1
    if (again) return again;
    const opening = openIncident(input, number, this.roleNames(), now());
    if (runbook) opening.entries.push(attachedEntry(runbook));
    // A monitor's opening that pages leaves its D1 index write to level 1's START, which writes it with the page's
    // record, just after the push (create runs START at once, after the answer; its alarm is the backstop): the
    // monitor's answer waits on no D1 call. The owed version is committed with the opening (the outbox row), so
    // nothing is lost if the object stops first. A person opening one by hand keeps the index before the answer,
    // so their next list shows it.
    const pages =
      opening.incident.status === 'triggered' &&
      !input.maintenance &&
      input.actor.kind === 'integration';
    if (pages) opening.effects = opening.effects.filter((e) => e.kind !== 'index');
    const committed = this.ledger.commit(opening, input.actor);
    // START's index backstop (see runTask) is written with the opening, so START itself writes nothing before its page.
    if (pages) this.scheduler.put(START_INDEX_TASK_ID, OUTBOX_TASK, now() + START_BACKSTOP_MS);
    if (input.maintenance) await this.maintenance.arm(input.maintenance.until);
    await this.effects.run(opening.effects, committed);
    await this.armAutoResolve(input.events ?? []);
    return this.store.load() ?? committed.incident;
  }

  /** The incident, its newest timeline entries (or those before `before`) with the cursor for earlier ones, and its alerts. */
  async view(page: { before?: number } = {}): Promise<IncidentView | null> {
    const incident = this.store.load();
    if (!incident) return null;
    const { entries, earlier } = this.store.newest(page.before);
    return { incident, timeline: entries, earlier, alerts: this.store.alerts() };
  }

  /** The attached runbook with its ticks (null when none), or null when there is no incident. */
  async runbook(): Promise<{ runbook: IncidentRunbook | null } | null> {
    if (!this.store.load()) return null;
    return { runbook: foldRunbook(this.store.runbookEntries()) };
  }

  /** The whole timeline, for the post-incident review. */
  async history(): Promise<IncidentView | null> {
    const incident = this.store.load();
    return incident
      ? { incident, timeline: this.store.everything(), earlier: null, alerts: this.store.alerts() }
      : null;
  }

  /**
   * Run a responder command (HTTP and notification doors; the socket's is socket-door.ts). Rate-limited per
   * person; with an Idempotency-Key it runs once per (person, command, key): see idempotency.ts.
   */
  async command(
    command: IncidentCommand,
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<CommandResult> {
    return this.limited(actor.id) ?? this.runOnce(command, actor, idempotencyKey);
  }

  /** A 429 when `userId` is over the command rate on this incident, else null (and the command is counted). */
  private limited(userId: string): CommandResult | null {
    const waitMs = this.rate.take(userId, now());
    if (waitMs === null) return null;
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    const detail = `Too many commands on this incident: at most 10 a second (bursts of 30) per person. Wait ${retryAfter} s and send it again.`;
    return {
      ok: false,
      problem: new ProblemError(429, 'rate-limited', detail, { retryAfter }).toProblem(),
    };
  }

  private async runOnce(
    command: IncidentCommand,
    actor: Actor,
    key?: string,
  ): Promise<CommandResult> {
    if (key === undefined) return this.execute(command, actor);
    if (!key || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      return {
        ok: false,
        problem: new ProblemError(
          400,
          'validation',
          `An Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
        ).toProblem(),
      };
    }
    const print = await fingerprint(command);
    return this.idempotency.once(
      { userId: actor.id, command: command.type, key },
      print,
      now(),
      () => this.execute(command, actor),
    );
  }

  /** Apply monitor events to this incident, unless it is resolved (then the caller opens a new one). */
  async ingest(events: AlertEvent[], actor: Actor): Promise<IngestResult> {
    const incident = this.store.load();
    if (!incident) return { accepted: false, reason: 'missing' };
    if (incident.status === 'resolved') return { accepted: false, reason: 'resolved' };
    const known = new Map(this.store.alerts().map((a) => [a.key, a]));
    const decided = decideIngest(incident, events, actor, now(), {
      known,
      overflow: this.store.overflow(
        events.filter((e) => !known.has(e.alertKey)).map((e) => e.alertKey),
      ),
      last: this.store.entry(incident.lastSeq),
    });
    // Repeats of firing alerts (a duplicate's answer) leave the index to the outbox, within a second.
    const repeats = onlyRepeats(incident, decided.incident);
    if (repeats) decided.effects = decided.effects.filter((e) => e.kind !== 'index');
    const committed = this.ledger.commit(decided, actor);
    if (repeats) await this.effects.indexSoon();
    await this.effects.run(decided.effects, committed);
    await this.armAutoResolve(events);
    return { accepted: true, incident: this.store.load() ?? committed.incident };
  }

  /**
   * An event rule's auto_resolve: resolve after N minutes without a new trigger. Every trigger moves the
   * deadline, keeping the minutes a rule asked for earlier when this batch's alerts ask for none.
   */
  private async armAutoResolve(events: readonly AlertEvent[]): Promise<void> {
    if (!events.some((e) => e.action === 'trigger')) return;
    const asked = Math.max(0, ...events.map((e) => e.autoResolveMinutes ?? 0));
    const pending = this.scheduler.task(AUTO_RESOLVE_TASK);
    const minutes = asked || Number(pending?.data.minutes ?? 0);
    if (!minutes || this.store.load()?.status === 'resolved') return;
    await this.scheduler.schedule(AUTO_RESOLVE_TASK, AUTO_RESOLVE_TASK, now() + minutes * 60_000, {
      minutes,
    });
  }

  /** The maintenance window this incident was opened in now ends at `until` (edited, or ended early). */
  async maintenanceMoved(windowId: string, until: number): Promise<void> {
    await this.maintenance.moved(windowId, until, now());
  }

  /** WebSocket upgrade into the live room; the Worker has already authenticated the viewer. */
  override async fetch(request: Request): Promise<Response> {
    return this.door.open(request);
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    await this.door.message(ws, raw);
  }

  /** Close a person's sockets here: those opened with the credential hashed `hash`, or all of them. */
  async disconnect(userId: string, hash: string | null): Promise<number> {
    return closeUserSockets(this.ctx, userId, hash);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    closeQuietly(ws, code);
    this.room.announcePresence({ left: ws });
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.room.announcePresence({ left: ws });
  }

  /** What the alarm does, asked for now: the test clock (routes/test-clock.ts) runs what it just made due. */
  async runDue(): Promise<void> {
    await this.alarm();
  }

  override async alarm(): Promise<void> {
    if (this.starting) await this.starting;
    if (!this.store.load()) return;
    // The hand-overs to the webhook and chat queues wait until this run's pages have left.
    await this.scheduler.runDue(now(), (task) => this.runTask(task), undefined, LAST);
  }

  private async runTask(task: Task): Promise<void> {
    if (task.kind === OUTBOX_TASK) {
      const incident = this.store.load();
      if (incident) await this.effects.flushIndex(incident, { throwOnFailure: true });
      return;
    }
    if (task.kind === WEBHOOKS_TASK) return this.webhooks.drain(task, now());
    if (task.kind === MAINTENANCE_TASK) return this.maintenance.end(now());
    if (task.kind === CHAT_TASK) return this.chat.drain(task, now());
    if (task.kind === AUTO_RESOLVE_TASK) {
      if (this.store.load()?.status !== 'resolved')
        await this.execute(
          {
            type: 'resolve',
            note: `no new alert for ${String(task.data.minutes)} minutes (event rule auto_resolve)`,
          },
          FIREBELL,
        );
      return;
    }
    // The opening's index write, owed to START (open), goes after the page, in the batch of the page's record that
    // carries the pages counted: one D1 write, not two. Before the page, the snapshot check reads D1's paging version
    // alone (a point read), so the page still follows it. A START that recorded nothing writes the index here.
    // The page's record replaces START's row with the level timer, so an object stopped before that write would
    // leave the incident off the list until its next change: an outbox row, due when START's own backstop would be,
    // covers it, and goes once the index has landed. A monitor's opening commits that row (open); any other START
    // that owes the index writes it here.
    const owed =
      task.kind === START_TASK_KIND &&
      this.store.pendingIndexVersion() !== null &&
      !this.scheduler.task(START_INDEX_TASK_ID);
    if (owed) this.scheduler.put(START_INDEX_TASK_ID, OUTBOX_TASK, now() + START_BACKSTOP_MS);
    try {
      if (!(await paged(() => this.paging.run(task, now()))))
        console.error(`unknown scheduled task ${task.kind}; dropping it`);
    } finally {
      pageDone(this.ctx.id.toString());
      if (task.kind === START_TASK_KIND) await this.indexOwed();
    }
  }

  /**
   * Write the index if a change still owes it and no outbox retry is already set for it; once it has landed,
   * START's outbox row (runTask) is not needed.
   */
  private async indexOwed(): Promise<void> {
    let owed = this.store.pendingIndexVersion();
    const incident = owed && !this.scheduler.task(OUTBOX_TASK) ? this.store.load() : null;
    if (incident) {
      await this.effects.flushIndex(incident);
      owed = this.store.pendingIndexVersion();
    }
    if (!owed) await this.scheduler.cancel(START_INDEX_TASK_ID);
  }

  private async execute(command: IncidentCommand, actor: Actor): Promise<CommandResult> {
    // Look the named users up first: other commands run while D1 answers, so the incident is loaded
    // after the last await, and the change below builds on it as it is now (not on a stale seq).
    const named = await namesFor(this.env.DB, command);
    const incident = this.store.load();
    if (!incident)
      return {
        ok: false,
        problem: new ProblemError(404, 'not-found', 'No such incident.').toProblem(),
      };
    if (command.type === 'escalate') return this.escalate(incident, actor);
    if (command.type === 'tick_step') return this.tickStep(incident, command, actor);
    if (!named.ok) return named;
    const decided = decideCommand(incident, command, actor, now(), {
      roles: this.roleNames(),
      names: named.names,
    });
    if (!decided.ok) {
      const code = decided.status === 409 ? 'conflict' : 'validation';
      return {
        ok: false,
        problem: new ProblemError(decided.status, code, decided.detail, {
          incident: { id: incident.id, status: incident.status, lastSeq: incident.lastSeq },
        }).toProblem(),
      };
    }
    if (!decided.change) return { ok: true, incident };
    const committed = this.ledger.commit(decided.change, actor);
    // Acknowledged or resolved: no page is coming, so webhook deliveries need not wait for one (lane.ts).
    if (committed.incident.status !== 'triggered') pageDone(this.ctx.id.toString());
    await this.effects.run(decided.change.effects, committed);
    return { ok: true, incident: this.store.load() ?? committed.incident };
  }

  private async tickStep(
    incident: Incident,
    command: Extract<IncidentCommand, { type: 'tick_step' }>,
    actor: Actor,
  ): Promise<CommandResult> {
    const decided = decideTick(this.store.runbookEntries(), command, actor);
    if (!decided.ok) {
      const code = decided.status === 409 ? 'conflict' : 'validation';
      return {
        ok: false,
        problem: new ProblemError(decided.status, code, decided.detail).toProblem(),
      };
    }
    if (!decided.entry) return { ok: true, incident };
    const at = now();
    const ticked = change({ ...incident, updatedAt: at }, [decided.entry], at);
    await this.effects.run(ticked.effects, this.ledger.commit(ticked, actor));
    return { ok: true, incident: this.store.load() ?? incident };
  }

  private async escalate(incident: Incident, actor: Actor): Promise<CommandResult> {
    if (incident.status === 'resolved') {
      return {
        ok: false,
        problem: new ProblemError(
          409,
          'conflict',
          `Incident #${incident.number} is resolved; reopen it before escalating.`,
        ).toProblem(),
      };
    }
    const refused = await this.paging.escalateNow(actor, now());
    if (refused)
      return { ok: false, problem: new ProblemError(409, 'conflict', refused).toProblem() };
    return { ok: true, incident: this.store.load() ?? incident };
  }

  /**
   * Append entries written by Firebell itself (escalation, paging, receipts), with an optional incident patch;
   * a function patch is computed from the incident as it is when written, not as it was before an await.
   */
  private async record(
    drafts: EntryDraft[],
    actor: Actor,
    patch: Partial<Incident> | ((current: Incident) => Partial<Incident>) = {},
  ): Promise<void> {
    const incident = this.store.load();
    if (!incident || !drafts.length) return;
    const at = now();
    const patched = { ...incident, ...(typeof patch === 'function' ? patch(incident) : patch) };
    const recorded = change({ ...patched, updatedAt: at }, drafts, at);
    await this.effects.run(recorded.effects, this.ledger.commit(recorded, actor));
  }

  /** An escalation decision: its state, entries (each by its author) and incident patch in one transaction. */
  private async commitEscalation(
    state: EscalationState | null,
    written: readonly WrittenEntry[],
    patch: Partial<Incident>,
  ): Promise<void> {
    const incident = this.store.load();
    if (!incident) return;
    if (!written.length && !Object.keys(patch).length) return this.store.saveEscalation(state);
    const committed = this.ledger.commitEscalation(incident, state, written, patch, now());
    await this.effects.run(ANNOUNCE, committed);
  }

  /** The service worker showed the page on a device: say so once, with the time it landed. */
  async recordDelivery(input: {
    userId: string;
    subscriptionId: string;
    deviceLabel?: string;
    at: number;
  }): Promise<boolean> {
    const incident = this.store.load();
    if (!incident || !this.store.delivered(input.subscriptionId, input.at)) return false;
    const names = await userNames(this.env.DB, [input.userId]);
    await this.record([deliveredEntry(input, names[input.userId] ?? input.userId)], FIREBELL);
    return true;
  }

  /** A review of this incident was published: owe its webhook event (a review is not a timeline entry). */
  async reviewPublished(actor: Actor, at: number): Promise<void> {
    const incident = this.store.load();
    if (!incident) return;
    this.ledger.oweWebhooks([reviewPublishedEvent(incident, actor, at)], at);
    await this.scheduler.arm();
  }

  /** A chat message Slack refused for good: say so on the timeline (it makes no chat event itself). */
  async chatFailed(text: string, data: Record<string, unknown>): Promise<void> {
    await this.record([{ kind: 'notification_failed', text, data }], FIREBELL);
  }

  private roleNames(): string[] {
    return (this.env.INCIDENT_ROLES ?? 'incident_commander,incident_manager')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
  }
}
