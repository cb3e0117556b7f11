/**
 * One Durable Object per incident: the only writer of its incident.
 * A thin shell: load, call the pure reducers, persist, broadcast, keep the D1 index current.
 */
import { DurableObject } from 'cloudflare:workers';
import { LIMITS, SEVERITIES, type AlertEvent, type Severity } from '../../schema/alert';
import type {
  Actor,
  Incident,
  IncidentAlert,
  IncidentCommand,
  TimelineEntry,
} from '../../schema/incident';
import type { ServerMessage } from '../../schema/protocol';
import { now } from '../clock';
import { nextIncidentNumber, summaryOf, upsertIndex } from '../directory/incident-index';
import { activeUserNames, userNames } from '../directory/users';
import type { Env } from '../env';
import { principalFor } from '../auth/credential';
import { ProblemError, type Problem } from '../errors';
import { feedStub } from '../stubs';
import { RateLimiter } from './command-rate';
import { parseClientMessage } from './commands';
import { Idempotency, MAX_IDEMPOTENCY_KEY_LENGTH, fingerprint } from './idempotency';
import { applyAlertEvents, capReachedEntry, closeAlerts } from './ingest';
import { FIREBELL, type WrittenEntry } from './escalate';
import type { EscalationState } from './escalation';
import { Paging } from './paging';
import { applyCommand, type EntryDraft } from './reducer';
import {
  ACCESS_WITHDRAWN,
  Room,
  VIEWER_HEADER,
  closeQuietly,
  closeUserSockets,
  isWebSocketUpgrade,
  type SocketIdentity,
} from './room';
import { Scheduler, type Task } from './scheduler';
import { IncidentStore } from './store';

export interface CreateIncidentInput {
  id: string;
  title: string;
  description?: string;
  serviceId?: string | null;
  severity: Severity;
  dedupKey?: string | null;
  actor: Actor;
  /** The alert events that opened it, when a monitor did. */
  events?: AlertEvent[];
}

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

const OUTBOX_TASK = 'outbox';
const LEAST_SEVERE = SEVERITIES[SEVERITIES.length - 1] as Severity;

export class IncidentObject extends DurableObject<Env> {
  private readonly store: IncidentStore;
  private readonly scheduler: Scheduler;
  private readonly room: Room;
  private readonly paging: Paging;
  private readonly idempotency: Idempotency;
  /** Commands per person on this incident; see command-rate.ts. */
  private readonly rate = new RateLimiter();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new IncidentStore(ctx.storage.sql);
    this.idempotency = new Idempotency(this.store);
    this.scheduler = new Scheduler(ctx.storage);
    this.room = new Room(ctx);
    this.paging = new Paging({
      env,
      scheduler: this.scheduler,
      incident: () => this.store.load(),
      state: () => this.store.escalation(),
      commit: (state, entries, patch) => this.commitEscalation(state, entries, patch),
      markPaged: (subscriptionId, at) => this.store.paged(subscriptionId, at),
      record: (drafts, actor, patch) => this.record(drafts, actor, patch),
    });
  }

  /** Open the incident. Idempotent: a retried create returns the incident that already exists. */
  async create(input: CreateIncidentInput): Promise<Incident> {
    const existing = this.store.load();
    if (existing) return existing;
    const number = await nextIncidentNumber(this.env.DB);
    const again = this.store.load(); // another create may have won while we awaited D1
    if (again) return again;

    const at = now();
    const roles = Object.fromEntries(this.roleNames().map((r) => [r, null]));
    const triggers = (input.events ?? []).filter((e) => e.action === 'trigger');
    const opening: Incident = {
      id: input.id,
      number,
      title: input.title,
      description: input.description ?? '',
      serviceId: input.serviceId ?? null,
      // With alerts, the worst of their first bodies decides: grouping only ever raises it from the least severe.
      severity: triggers.length ? LEAST_SEVERE : input.severity,
      status: 'triggered',
      assignees: [],
      roles,
      dedupKey: input.dedupKey ?? null,
      alertCount: 0,
      firingCount: 0,
      notificationCount: 0,
      truncatedAlerts: 0,
      // Opened by hand, the title is a person's; opened by a monitor, it follows the alerts until someone renames it.
      titleEdited: !triggers.length,
      paged: [],
      createdAt: at,
      createdBy: input.actor,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      updatedAt: at,
      escalationLevel: 0,
      nobodyPaged: false,
      lastSeq: 0,
    };
    // The opening batch is grouped as ingest() groups any later one (ingest.ts): repeats of one alert only count,
    // the first LIMITS.alertsPerIncident distinct alerts are kept in full, the rest fire past the cap. Its story
    // is told below in one opening entry instead of alert by alert, so ingest's own entries are not kept.
    const grouped = applyAlertEvents(opening, new Map(), triggers, input.actor, at);
    const { alerts, overflow, duplicates } = grouped;
    let incident: Incident = grouped.incident;
    const drafts: EntryDraft[] = [
      {
        kind: 'created',
        text: `Incident #${number} opened by ${input.actor.name}: ${incident.title}`,
        data: { severity: incident.severity },
      },
    ];
    drafts.push(
      ...alerts.slice(1).map((a): EntryDraft => ({
        kind: 'alert_added',
        text: `Alert: ${a.summary}`,
        data: { alertKey: a.key },
      })),
    );
    if (overflow.size) drafts.push(capReachedEntry(LIMITS.alertsPerIncident));
    // Triggers merged into the opening batch are duplicates too: same running entry as ingest() keeps.
    if (duplicates)
      drafts.push({
        kind: 'duplicate_suppressed',
        text: duplicateText(duplicates),
        data: { count: duplicates, lastAt: at },
      });

    this.ctx.storage.transactionSync(() => {
      this.store.init();
      const entries = this.store.append(0, drafts, input.actor, at);
      incident = { ...incident, lastSeq: entries.length };
      for (const alert of alerts) this.store.saveAlert(alert);
      this.store.saveOverflow(overflow);
      this.store.save(incident);
    });
    // Arm level 1 before the index write, so its alarm can run while D1 answers.
    const opened = this.store.everything();
    await this.paging.opened(at);
    await this.afterChange(this.store.load() ?? incident, opened);
    return this.store.load() ?? incident;
  }

  /** The incident, its newest timeline entries (or those before `before`) with the cursor for earlier ones, and its alerts. */
  async view(page: { before?: number } = {}): Promise<IncidentView | null> {
    const incident = this.store.load();
    if (!incident) return null;
    const { entries, earlier } = this.store.newest(page.before);
    return { incident, timeline: entries, earlier, alerts: this.store.alerts() };
  }

  /** The whole timeline, for the post-incident review. */
  async history(): Promise<IncidentView | null> {
    const incident = this.store.load();
    return incident
      ? { incident, timeline: this.store.everything(), earlier: null, alerts: this.store.alerts() }
      : null;
  }

  /**
   * Run a responder command (HTTP and notification doors; the socket has its own, below). Rate-limited per
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
    const at = now();
    const known = new Map(this.store.alerts().map((a) => [a.key, a]));
    const overflow = this.store.overflow(
      events.filter((e) => !known.has(e.alertKey)).map((e) => e.alertKey),
    );
    const outcome = applyAlertEvents(
      incident,
      known,
      events,
      actor,
      at,
      LIMITS.alertsPerIncident,
      overflow,
    );
    let next = outcome.incident;
    let entries: TimelineEntry[] = [];
    let updated: TimelineEntry | null = null;
    this.ctx.storage.transactionSync(() => {
      for (const alert of outcome.alerts) this.store.saveAlert(alert);
      this.store.saveOverflow(outcome.overflow);
      entries = this.store.append(next.lastSeq, outcome.entries, actor, at);
      next = { ...next, lastSeq: next.lastSeq + entries.length };
      if (outcome.duplicates) {
        updated = this.countDuplicates(next, outcome.duplicates, actor, at);
        if (updated && updated.seq > next.lastSeq) {
          entries.push(updated);
          next = { ...next, lastSeq: updated.seq };
          updated = null;
        }
      }
      this.store.save(next);
    });
    await this.afterChange(next, entries, updated);
    await this.transition(incident, next);
    return { accepted: true, incident: this.store.load() ?? next };
  }

  /** WebSocket upgrade into the live room; the Worker has already authenticated the viewer. */
  override async fetch(request: Request): Promise<Response> {
    if (!isWebSocketUpgrade(request.headers.get('upgrade')))
      return new Response('expected a WebSocket upgrade', { status: 426 });
    const identity = JSON.parse(
      request.headers.get(VIEWER_HEADER) ?? 'null',
    ) as SocketIdentity | null;
    const incident = this.store.load();
    if (!identity || !incident) return new Response('unknown incident', { status: 404 });
    const since = Math.max(0, Number(new URL(request.url).searchParams.get('since') ?? 0) || 0);
    const { client, server } = this.room.accept(identity);
    this.sendSnapshot(server, incident, since);
    this.room.announcePresence({ joined: server });
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * A new viewer (since = 0) gets the newest page and a cursor to page back over HTTP; a resuming one gets
   * everything after `since`, a page per message. All of it is read and sent before this turn ends, so no
   * broadcast can slip in between the pages.
   */
  private sendSnapshot(ws: WebSocket, incident: Incident, since: number): void {
    const viewers = this.room.viewers();
    if (!since) {
      const { entries, earlier } = this.store.newest();
      this.room.send(ws, {
        type: 'snapshot',
        incident,
        timeline: entries,
        since,
        earlier,
        more: false,
        viewers,
      } satisfies ServerMessage);
      return;
    }
    let page = this.store.after(since);
    this.room.send(ws, {
      type: 'snapshot',
      incident,
      timeline: page.entries,
      since,
      earlier: null,
      more: page.more,
      viewers,
    } satisfies ServerMessage);
    while (page.more) {
      page = this.store.after(page.entries.at(-1)?.seq ?? since, false);
      this.room.send(ws, {
        type: 'backlog',
        timeline: page.entries,
        more: page.more,
      } satisfies ServerMessage);
    }
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const who = this.room.identity(ws);
    const message = parseClientMessage(raw);
    if (message.type === 'ping') return this.room.send(ws, { type: 'pong' });
    const refuse = (id: string, problem: Problem) =>
      this.room.send(ws, { type: 'result', id, ok: false, problem });
    if (!who)
      return refuse(
        message.id,
        new ProblemError(
          401,
          'unauthorized',
          'This socket has no identity; connect again.',
        ).toProblem(),
      );
    // Counted before anything costs a lookup, so a flood is refused cheaply.
    const limited = this.limited(who.id);
    if (limited && !limited.ok) return refuse(message.id, limited.problem);
    if (message.type === 'invalid')
      return refuse(message.id, new ProblemError(400, 'bad-request', message.detail).toProblem());
    // Access may have been withdrawn since the socket opened: ask again, with the credential it was opened with.
    const current = who.credential ? await principalFor(this.env, who.credential, now()) : null;
    if (!current) {
      refuse(
        message.id,
        new ProblemError(
          401,
          'unauthorized',
          'Your access has been withdrawn or your sign-in has ended; sign in again.',
        ).toProblem(),
      );
      return ws.close(ACCESS_WITHDRAWN, 'access withdrawn');
    }
    if (current.role !== who.role || current.name !== who.name)
      ws.serializeAttachment({
        ...who,
        role: current.role,
        name: current.name,
      } satisfies SocketIdentity);
    if (current.role === 'viewer')
      return refuse(
        message.id,
        new ProblemError(
          403,
          'forbidden',
          'Viewers can watch an incident but not change it.',
        ).toProblem(),
      );
    const result = await this.runOnce(
      message.command,
      { kind: 'user', id: current.id, name: current.name },
      message.idempotencyKey,
    );
    this.room.send(
      ws,
      result.ok
        ? { type: 'result', id: message.id, ok: true, incident: result.incident }
        : { type: 'result', id: message.id, ok: false, problem: result.problem },
    );
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

  override async alarm(): Promise<void> {
    if (!this.store.load()) return;
    await this.scheduler.runDue(now(), (task) => this.runTask(task));
  }

  private async runTask(task: Task): Promise<void> {
    if (task.kind === OUTBOX_TASK) {
      const incident = this.store.load();
      if (incident) await this.flushIndex(incident, { throwOnFailure: true });
      return;
    }
    if (!(await this.paging.run(task, now())))
      console.error(`unknown scheduled task ${task.kind}; dropping it`);
  }

  private async execute(command: IncidentCommand, actor: Actor): Promise<CommandResult> {
    // Look the named users up first: other commands run while D1 answers, so the incident is loaded
    // after the last await, and the change below builds on it as it is now (not on a stale seq).
    const named = await this.namesFor(command);
    const incident = this.store.load();
    if (!incident)
      return {
        ok: false,
        problem: new ProblemError(404, 'not-found', 'No such incident.').toProblem(),
      };
    if (command.type === 'escalate') return this.escalate(incident, actor);
    if (!named.ok) return named;
    const outcome = applyCommand(incident, command, actor, now(), {
      roles: this.roleNames(),
      names: named.names,
    });
    if (!outcome.ok) {
      const code = outcome.status === 409 ? 'conflict' : 'validation';
      return {
        ok: false,
        problem: new ProblemError(outcome.status, code, outcome.detail, {
          incident: { id: incident.id, status: incident.status, lastSeq: incident.lastSeq },
        }).toProblem(),
      };
    }
    if (!outcome.entries.length) return { ok: true, incident };
    const closing = outcome.incident.status === 'resolved' && incident.status !== 'resolved';
    const next = await this.commit(
      incident,
      outcome.incident,
      outcome.entries,
      actor,
      closing ? { alerts: closeAlerts(this.store.alerts()), overflow: true } : undefined,
    );
    await this.transition(incident, next);
    return { ok: true, incident: this.store.load() ?? next };
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

  /** Acknowledging or resolving stops escalation at once; reopening starts it again from level 1. */
  private async transition(before: Incident, after: Incident): Promise<void> {
    if (before.status === 'triggered' && after.status !== 'triggered')
      await this.paging.stopped(after.status, now());
    else if (before.status === 'resolved' && after.status === 'triggered')
      await this.paging.opened(now());
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
    await this.commit(
      incident,
      { ...incident, ...(typeof patch === 'function' ? patch(incident) : patch), updatedAt: at },
      drafts,
      actor,
    );
  }

  /**
   * Append drafts after `before`'s last entry and save `next` in one transaction, then broadcast and index.
   * `closed`: a person resolved the incident, so its firing alerts (those past the cap too) end with it.
   */
  private async commit(
    before: Incident,
    next: Incident,
    drafts: readonly EntryDraft[],
    actor: Actor,
    closed?: { alerts: readonly IncidentAlert[]; overflow: boolean },
  ): Promise<Incident> {
    let saved = next;
    let entries: TimelineEntry[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const alert of closed?.alerts ?? []) this.store.saveAlert(alert);
      if (closed?.overflow) this.store.closeOverflow();
      entries = this.store.append(before.lastSeq, drafts, actor, next.updatedAt);
      saved = { ...next, lastSeq: before.lastSeq + entries.length };
      this.store.save(saved);
    });
    await this.afterChange(saved, entries);
    return saved;
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
    const at = now();
    let saved = incident;
    const entries: TimelineEntry[] = [];
    this.ctx.storage.transactionSync(() => {
      this.store.saveEscalation(state);
      for (const { actor, draft } of written)
        entries.push(...this.store.append(incident.lastSeq + entries.length, [draft], actor, at));
      saved = { ...incident, ...patch, updatedAt: at, lastSeq: incident.lastSeq + entries.length };
      this.store.save(saved);
    });
    await this.afterChange(saved, entries);
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
    const who = names[input.userId] ?? input.userId;
    const device = input.deviceLabel ? `${who}'s ${input.deviceLabel}` : `a device of ${who}`;
    const clock = new Date(input.at).toISOString().slice(11, 19);
    await this.record(
      [
        {
          kind: 'notification_delivered',
          text: `Delivered to ${device} at ${clock} UTC`,
          data: { userId: input.userId, subscriptionId: input.subscriptionId, at: input.at },
        },
      ],
      FIREBELL,
    );
    return true;
  }

  /** Users named by a command must exist and be active (not disabled or removed); their names go on the timeline. */
  private async namesFor(
    command: IncidentCommand,
  ): Promise<{ ok: true; names: Record<string, string> } | { ok: false; problem: Problem }> {
    const ids =
      command.type === 'reassign'
        ? command.assignees
        : command.type === 'assign_role'
          ? [command.userId]
          : [];
    if (!ids.length) return { ok: true, names: {} };
    const names = await activeUserNames(this.env.DB, ids);
    const unknown = ids.filter((id) => !(id in names));
    if (unknown.length)
      return {
        ok: false,
        problem: new ProblemError(
          400,
          'validation',
          `Unknown user${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`,
        ).toProblem(),
      };
    return { ok: true, names };
  }

  /** One running entry counts suppressed duplicates while nothing else has happened since. */
  private countDuplicates(
    incident: Incident,
    count: number,
    actor: Actor,
    at: number,
  ): TimelineEntry {
    const last = this.store.entry(incident.lastSeq);
    if (last?.kind === 'duplicate_suppressed') {
      const total = Number(last.data?.count ?? 0) + count;
      const entry: TimelineEntry = {
        ...last,
        text: duplicateText(total),
        data: { count: total, lastAt: at },
      };
      this.store.rewrite(entry);
      return entry;
    }
    const [entry] = this.store.append(
      incident.lastSeq,
      [{ kind: 'duplicate_suppressed', text: duplicateText(count), data: { count, lastAt: at } }],
      actor,
      at,
    );
    return entry as TimelineEntry;
  }

  private async afterChange(
    incident: Incident,
    entries: readonly TimelineEntry[],
    updated: TimelineEntry | null = null,
  ): Promise<void> {
    for (const entry of entries)
      this.room.broadcast({ type: 'event', entry, incident } satisfies ServerMessage);
    if (updated)
      this.room.broadcast({
        type: 'entry_updated',
        entry: updated,
        incident,
      } satisfies ServerMessage);
    // Lists update live too; the feed is best-effort (a list reloads over HTTP on reconnect), so it never delays this change.
    this.ctx.waitUntil(
      feedStub(this.env)
        .publish(summaryOf(incident))
        .catch((err: unknown) => console.error('feed publish failed', err)),
    );
    await this.flushIndex(incident);
  }

  /** Push the pending index version to D1; on failure the outbox task retries with backoff until it lands. */
  private async flushIndex(
    incident: Incident,
    opts: { throwOnFailure?: boolean } = {},
  ): Promise<void> {
    const pending = this.store.pendingIndexVersion();
    if (!pending) return;
    try {
      await upsertIndex(this.env.DB, incident, {
        nobodyPaged: incident.nobodyPaged,
        escalationLevel: incident.escalationLevel,
      });
      this.store.indexLanded(incident.lastSeq);
    } catch (err) {
      const attempts = this.store.indexFailed();
      console.error(
        `index write for ${incident.id} failed (attempt ${attempts}); retrying from the outbox`,
        err,
      );
      if (opts.throwOnFailure) throw err;
      await this.scheduler.schedule(
        OUTBOX_TASK,
        OUTBOX_TASK,
        now() + Math.min(60_000, 500 * 2 ** Math.min(attempts, 7)),
      );
    }
  }

  private roleNames(): string[] {
    return (this.env.INCIDENT_ROLES ?? 'incident_commander,incident_manager')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
  }
}

function duplicateText(count: number): string {
  return count === 1 ? '1 duplicate alert suppressed' : `${count} duplicate alerts suppressed`;
}
