/**
 * One subscription's outgoing queue: a SQLite-backed Durable Object (one per subscription, named by its id)
 * that delivers events at least once, in the order they were enqueued (so per incident too), signed per
 * Standard Webhooks. Everything lives in its SQLite and the alarm, so a restart resumes where it stopped.
 *
 * The queue is strictly first in, first out: while the head event waits for a retry, later ones wait behind it.
 * Retries (5xx, 408, 429, connection errors) back off exponentially with jitter; other answers are final.
 * An endpoint failing for 24 h is disabled in D1 with the reason; its queue is kept and resumes on re-enable.
 */
import { DurableObject } from 'cloudflare:workers';
import type {
  WebhookDelivery,
  WebhookEvent,
  WebhookSubscription,
} from '../../schema/webhook-schemas';
import { now } from '../clock';
import type { Env } from '../env';
import { newId } from '../ids';
import { checkOutboundUrl } from '../net/outbound';
import { Meta, sql } from '../sql';
import { deliveryTarget, updateSubscription } from './directory';
import { inLane, pageOnItsWay } from './lane';
import { signWebhook } from './sign';

/** How long an endpoint may keep failing before it is disabled (and the longest an event is retried). */
export const FAILING_LIMIT_MS = 24 * 3600_000;
export const FIRST_RETRY_MS = 10_000;
export const MAX_RETRY_MS = 3600_000;
export const LOG_SIZE = 100;
export const EXCERPT_BYTES = 1024;
const REQUEST_TIMEOUT_MS = 15_000;
/**
 * The incident's hand-over (deliverMany) sends at once while the queue is idle, waiting this long for an answer
 * and starting no new send after it: the incident is waiting. A receiver slower than that gets the event again
 * from the queue's alarm, with the full REQUEST_TIMEOUT_MS.
 */
const HAND_OVER_SEND_MS = 3_000;
/** A subscriber down for a day must not grow the queue without bound: the oldest pending events go first. */
const MAX_PENDING = 10_000;
const SEEN_SIZE = 1_000;
/**
 * A first-try delivery is written (queue row gone, log row in) with the queue's next storage write, or after
 * this long at most. Locally each storage commit is a disk sync on workerd's one thread, which the pages wait
 * behind; a queue fed a steady stream so makes one commit per event instead of two. A restart before the write
 * sends those events again, with their ids: at least once, as promised.
 */
const SETTLE_MS = 1_000;
/** Deliveries per alarm run before yielding to a fresh alarm. */
const BATCH = 25;
/**
 * How long the subscription and its secrets read from D1 are trusted. The queue keeps them in its own storage
 * (meta 'target'), so a queue that is new or was evicted sends without a D1 read: fifty of those at once,
 * when an incident reaches fifty cold queues, held the next pages back. Every edit through the API hands the
 * queue the new version at once (configure, resume, purge), so this only bounds an edit made behind the API's
 * back.
 */
const TARGET_TTL_MS = 3600_000;

interface Target {
  subscription: WebhookSubscription;
  secrets: { secret: string; expiresAt: number | null }[];
  loadedAt: number;
  /** The URL's outbound check, made once per load (it parses and classifies the host every time). */
  checked?: ReturnType<typeof checkOutboundUrl>;
}

interface Pending extends Record<string, string | number | null> {
  seq: number;
  id: string;
  type: string;
  body: string;
  attempts: number;
  next_at: number;
}

interface LogRow extends Record<string, string | number | null> {
  id: string;
  event_id: string;
  type: string;
  attempt: number;
  at: number;
  status: number | null;
  latency_ms: number;
  outcome: string;
  next_at: number | null;
  response: string;
}

/** The delay before retry number `attempts` (1-based): 10 s doubling to 1 h, each 50–100 % of that (jitter). */
export function backoffMs(attempts: number, random = Math.random()): number {
  const full = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(full * (0.5 + random / 2));
}

/** Whether an HTTP answer is worth retrying: 5xx, 408 and 429. */
export function retryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export function parseRetryAfter(value: string | null, at: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - at);
}

/** The queue stub of a subscription. */
export function webhookQueue(env: Env, subscriptionId: string) {
  return env.WEBHOOK_QUEUE.get(env.WEBHOOK_QUEUE.idFromName(subscriptionId));
}

/** Enqueue an event for one subscription. */
export async function enqueueWebhook(
  env: Env,
  subscriptionId: string,
  event: WebhookEvent,
): Promise<void> {
  await webhookQueue(env, subscriptionId).enqueue(event, subscriptionId);
}

/**
 * Hand events, oldest first, to one subscription in one call (the incident's hand-over): delivered at once when
 * the queue is idle, else queued. True once each event is delivered or held by the queue; false (with
 * `yieldToPages`) when a page came on its way first and the queue took only some, or none: hand them again.
 */
export async function enqueueWebhooks(
  env: Env,
  subscriptionId: string,
  events: readonly WebhookEvent[],
  yieldToPages = false,
): Promise<boolean> {
  return webhookQueue(env, subscriptionId).deliverMany(events, subscriptionId, yieldToPages);
}

type Attempt =
  | { kind: 'delivered'; status: number; response: string }
  /** No answer within the hand-over's HAND_OVER_SEND_MS: the queue sends it again from its alarm, at once. */
  | { kind: 'slow'; status: null; response: string }
  | { kind: 'retry'; status: number | null; response: string; retryAfterMs?: number }
  | { kind: 'final'; status: number | null; response: string };

export class WebhookQueue extends DurableObject<Env> {
  private readonly meta: Meta;
  /** The subscription this queue delivers for (meta 'subscription'), once read. */
  private subscriptionId: string | null = null;
  /** The subscription and secrets as last read from D1 (see TARGET_TTL_MS). */
  private target: Target | null = null;
  /** The alarm time this instance last set, so an enqueue behind a waiting head does not set it again. */
  private armedAt: number | null = null;
  /**
   * An alarm run is delivering: events enqueued meanwhile are its to send, and it arms the alarm as it ends.
   * Arming from enqueue then would only add an alarm write and a second run (each alarm write is a disk sync
   * on workerd's one thread locally, which the pages wait behind).
   */
  private inRun = false;
  /**
   * First-try deliveries made but not yet written, oldest first: see SETTLE_MS. `seq` is the queue row the
   * alarm sent (always the head rows), or 0 for one the hand-over sent before it was ever written (its id
   * goes into `seen` with the write).
   */
  private unsettled: { seq: number; eventId: string; log: (string | number | null)[] }[] = [];
  private settleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const db = ctx.storage.sql;
    this.meta = new Meta(db);
    sql(
      db,
      `CREATE TABLE IF NOT EXISTS queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL,
        type TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL)`,
    );
    sql(db, 'CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, at INTEGER NOT NULL)');
    sql(
      db,
      `CREATE TABLE IF NOT EXISTS log (n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
        event_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL, attempt INTEGER NOT NULL,
        at INTEGER NOT NULL, status INTEGER, latency_ms INTEGER NOT NULL, outcome TEXT NOT NULL,
        next_at INTEGER, response TEXT NOT NULL)`,
    );
  }

  /** Add an event at the tail; an event id already queued or delivered is ignored (at-least-once, not twice). */
  async enqueue(event: WebhookEvent, subscriptionId?: string): Promise<void> {
    await this.enqueueMany([event], subscriptionId);
  }

  /** Add events at the tail in the order given, as enqueue does each; the alarm is armed once for all. */
  async enqueueMany(events: readonly WebhookEvent[], subscriptionId?: string): Promise<void> {
    this.remember(subscriptionId);
    this.settle();
    for (const event of events)
      if (this.markSeen(event.id)) this.push(event.id, event.type, JSON.stringify(event));
    if (!this.inRun) await this.arm();
  }

  /**
   * The incident's hand-over: events, oldest first, sent at once while the queue is idle (nothing waiting, no
   * alarm run, not failing) and no page is on its way in this isolate; the rest are enqueued as by enqueueMany.
   * A first-try delivery writes nothing until SETTLE_MS (no commit, no alarm: locally each is a disk sync on
   * workerd's one thread, which pages wait behind), and the incident lets an event go only once every queue
   * has answered, so a restart before that sends it again: at least once, in order. Other calls to this queue
   * wait meanwhile (blockConcurrencyWhile), so nothing overtakes an event on its way.
   * With `yieldToPages`, a page on its way stops the sends and the rest are not taken (false): the incident
   * still owes them and hands them again after the page, which costs this queue no write at all.
   */
  async deliverMany(
    events: readonly WebhookEvent[],
    subscriptionId?: string,
    yieldToPages = false,
  ): Promise<boolean> {
    this.remember(subscriptionId);
    const id = this.remembered();
    const fresh = events.filter(
      (e, i) => !this.known(e.id) && events.findIndex((x) => x.id === e.id) === i,
    );
    if (!fresh.length) return true;
    if (!id) {
      await this.enqueueMany(fresh);
      return true;
    }
    let failed: unknown = null;
    let took = true;
    await this.ctx.blockConcurrencyWhile(async () => {
      // A throw here would reset the object: keep it, and hand it to the caller (who hands over again).
      try {
        const deadline = Date.now() + HAND_OVER_SEND_MS;
        let sent = 0;
        while (sent < fresh.length && !this.inRun && !pageOnItsWay() && Date.now() < deadline) {
          if (this.head() || this.meta.get('failing_since') !== null) break;
          const target = await this.load(id);
          if (!target?.subscription.enabled) break;
          const event = fresh[sent]!;
          const head: Pending = {
            seq: 0, // not written: deliver() writes a row only when the event must wait
            id: event.id,
            type: event.type,
            body: JSON.stringify(event),
            attempts: 0,
            next_at: now(),
          };
          sent += 1;
          await this.deliver(id, target, head, deadline - Date.now());
        }
        if (sent === fresh.length) return;
        // Behind a page: leave the rest with the incident, unless something here waits already (then order
        // says they go behind it).
        if (yieldToPages && pageOnItsWay() && !this.head() && !this.inRun) took = false;
        else await this.enqueueMany(fresh.slice(sent));
      } catch (err) {
        failed = err;
      }
    });
    if (failed) throw failed;
    return took;
  }

  /** Whether an event id is already queued, delivered or on its way here. */
  private known(eventId: string): boolean {
    if (this.unsettled.some((u) => u.eventId === eventId)) return true;
    return sql(this.ctx.storage.sql, 'SELECT 1 FROM seen WHERE id = ?', eventId).length > 0;
  }

  /** Record an event id as seen; false when it already was. Rows past the newest SEEN_SIZE go by rowid. */
  private markSeen(eventId: string): boolean {
    const db = this.ctx.storage.sql;
    // One statement both checks and records the id.
    const [added] = sql<{ n: number }>(
      db,
      'INSERT INTO seen (id, at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING rowid AS n',
      eventId,
      now(),
    );
    if (!added) return false;
    if (added.n > SEEN_SIZE) sql(db, 'DELETE FROM seen WHERE rowid <= ?', added.n - SEEN_SIZE);
    return true;
  }

  /** The first queue row not yet sent, if any. */
  private head(): Pending | undefined {
    return sql<Pending>(
      this.ctx.storage.sql,
      'SELECT * FROM queue WHERE seq > ? ORDER BY seq LIMIT 1',
      this.sentThrough(),
    )[0];
  }

  /**
   * The subscription was created or edited (URL, events, secrets, enabled): read it now and keep it, so the
   * next send needs no D1 read. Called by the API, never on the page path; it also creates the queue's
   * storage, which costs more than a send.
   */
  async configure(subscriptionId: string): Promise<void> {
    this.remember(subscriptionId);
    await this.reload(subscriptionId);
  }

  /** Drop the kept subscription: the next send reads it from D1. */
  async forget(): Promise<void> {
    this.target = null;
    this.meta.set('target', null);
  }

  /** Send a logged attempt's event again, at the tail, with its original id. False when it is no longer logged. */
  async redeliver(deliveryId: string): Promise<boolean> {
    this.settle();
    const [row] = sql<{ event_id: string; type: string; body: string }>(
      this.ctx.storage.sql,
      'SELECT event_id, type, body FROM log WHERE id = ?',
      deliveryId,
    );
    if (!row) return false;
    this.push(row.event_id, row.type, row.body);
    await this.arm();
    return true;
  }

  /** The last 100 attempts, newest first. */
  async deliveries(): Promise<WebhookDelivery[]> {
    this.settle();
    return sql<LogRow>(
      this.ctx.storage.sql,
      'SELECT id, event_id, type, attempt, at, status, latency_ms, outcome, next_at, response FROM log ORDER BY n DESC',
    ).map((r) => ({
      id: r.id,
      eventId: r.event_id,
      type: r.type,
      attempt: r.attempt,
      at: r.at,
      status: r.status,
      latencyMs: r.latency_ms,
      outcome: r.outcome as WebhookDelivery['outcome'],
      nextAt: r.next_at,
      response: r.response,
    }));
  }

  /** Events waiting, oldest first (for the API and tests). */
  async pending(): Promise<{ id: string; type: string; attempts: number; nextAt: number }[]> {
    this.settle();
    return sql<Pending>(this.ctx.storage.sql, 'SELECT * FROM queue ORDER BY seq').map((r) => ({
      id: r.id,
      type: r.type,
      attempts: r.attempts,
      nextAt: r.next_at,
    }));
  }

  /** After a re-enable: deliver the waiting events now, with a fresh 24 h allowance. */
  async resume(subscriptionId?: string): Promise<void> {
    this.remember(subscriptionId);
    const id = this.remembered();
    if (id) await this.reload(id);
    this.settle();
    const db = this.ctx.storage.sql;
    this.meta.set('failing_since', null);
    sql(db, 'UPDATE queue SET next_at = ? WHERE seq = (SELECT min(seq) FROM queue)', now());
    await this.arm();
  }

  /** The subscription was deleted: forget everything. */
  async purge(): Promise<void> {
    this.unsettled = [];
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.armedAt = null;
    this.target = null;
    this.subscriptionId = null;
  }

  override async alarm(): Promise<void> {
    this.armedAt = null;
    const subscriptionId = this.remembered();
    if (!subscriptionId) return;
    this.inRun = true;
    try {
      for (let i = 0; i < BATCH; i++) {
        // Each send takes its turn in the isolate's lane: after any page on its way (lane.ts).
        const step = await inLane(() => this.step(subscriptionId));
        if (step === 'stop') return;
        if (step === 'wait') break;
      }
    } finally {
      this.inRun = false;
    }
    await this.arm();
  }

  /** Send the head event if it is due: 'next' to go on, 'wait' to re-arm, 'stop' to leave the alarm unset. */
  private async step(subscriptionId: string): Promise<'next' | 'wait' | 'stop'> {
    const head = this.head();
    if (!head || head.next_at > now()) return 'wait';
    const target = await this.load(subscriptionId);
    if (!target) {
      await this.purge();
      return 'stop';
    }
    if (!target.subscription.enabled) return 'stop'; // kept; resume() re-arms on re-enable
    const next = await this.deliver(subscriptionId, target, head);
    if (next === 'disabled') {
      await this.ctx.storage.deleteAlarm();
      return 'stop';
    }
    return next;
  }

  /** The subscription and its secrets: kept (memory, then storage) for TARGET_TTL_MS, else from D1 (null: deleted). */
  private async load(subscriptionId: string): Promise<Target | null> {
    this.target ??= this.stored();
    if (this.target && Date.now() - this.target.loadedAt < TARGET_TTL_MS) return this.target;
    return this.reload(subscriptionId);
  }

  /** Read the subscription and its secrets from D1 and keep them (in storage too). */
  private async reload(subscriptionId: string): Promise<Target | null> {
    const found = await deliveryTarget(this.env.DB, subscriptionId);
    this.target = found && { ...found, loadedAt: Date.now() };
    if (found) this.meta.set('target', JSON.stringify(this.target));
    else this.meta.set('target', null);
    return this.target;
  }

  private stored(): Target | null {
    const kept = this.meta.get('target');
    return kept ? (JSON.parse(kept) as Target) : null;
  }

  /**
   * One attempt at the head event, and what the queue does next. A head with seq 0 is the hand-over's, not yet
   * written: it gets a row only if it must wait (a retry); `timeoutMs` is then the hand-over's allowance.
   */
  private async deliver(
    subscriptionId: string,
    target: Target,
    head: Pending,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<'next' | 'wait' | 'disabled'> {
    const db = this.ctx.storage.sql;
    const started = now();
    const perf = Date.now();
    const result = await this.attempt(target, head, started, timeoutMs);
    const latency = Date.now() - perf;
    const at = now();
    const attempt = head.attempts + 1;
    let outcome: WebhookDelivery['outcome'];
    let nextAt: number | null = null;
    const logRow = (outcome: string, nextAt: number | null) => [
      newId('dlv'),
      head.id,
      head.type,
      head.body,
      attempt,
      started,
      result.status,
      latency,
      outcome,
      nextAt,
      result.response,
    ];
    if (result.kind === 'delivered' && attempt === 1 && this.meta.get('failing_since') === null) {
      // The common case waits for the queue's next write (SETTLE_MS): no commit of its own.
      this.unsettled.push({ seq: head.seq, eventId: head.id, log: logRow('delivered', null) });
      this.settleTimer ??= setTimeout(() => this.settle(), SETTLE_MS);
      return 'next';
    }
    this.settle(); // the log stays in attempt order
    if (!head.seq) {
      // The hand-over's send: the event is written now, as enqueueMany would have.
      this.markSeen(head.id);
      head = { ...head, seq: this.push(head.id, head.type, head.body) };
    }
    if (result.kind === 'slow') {
      // Not a failure of the endpoint: the alarm sends it again at once, allowing the full timeout.
      outcome = 'retrying';
      nextAt = at;
      sql(db, 'UPDATE queue SET attempts = ?, next_at = ? WHERE seq = ?', attempt, at, head.seq);
      this.log(logRow(outcome, nextAt));
      await this.arm();
      return 'wait';
    }
    if (result.kind === 'delivered') {
      outcome = 'delivered';
      sql(db, 'DELETE FROM queue WHERE seq = ?', head.seq);
      if (head.attempts > 0 || this.meta.get('failing_since') !== null)
        this.meta.set('failing_since', null);
    } else if (result.kind === 'final') {
      outcome = 'failed';
      sql(db, 'DELETE FROM queue WHERE seq = ?', head.seq);
    } else {
      const since = Number(this.meta.get('failing_since') ?? started);
      this.meta.set('failing_since', String(since));
      const wait = Math.max(result.retryAfterMs ?? 0, backoffMs(attempt));
      if (at + wait - since > FAILING_LIMIT_MS) {
        outcome = 'failed';
        sql(db, 'UPDATE queue SET attempts = ?, next_at = ? WHERE seq = ?', attempt, at, head.seq);
        const last = result.status === null ? result.response : `HTTP ${result.status}`;
        await updateSubscription(this.env.DB, subscriptionId, {
          enabled: false,
          disabledReason: `Failing since ${new Date(since).toISOString()} for over 24 h (last: ${last.slice(0, 200)}); re-enable it once the endpoint answers 2xx.`,
        });
        await this.forget();
      } else {
        outcome = 'retrying';
        nextAt = at + wait;
        sql(
          db,
          'UPDATE queue SET attempts = ?, next_at = ? WHERE seq = ?',
          attempt,
          nextAt,
          head.seq,
        );
      }
    }
    this.log(logRow(outcome, nextAt));
    if (outcome === 'retrying') {
      if (!this.inRun) await this.arm(); // the hand-over's send (an alarm run arms as it ends)
      return 'wait';
    }
    return outcome === 'failed' && result.kind === 'retry' ? 'disabled' : 'next';
  }

  private async attempt(
    sendTo: Target,
    head: Pending,
    at: number,
    timeoutMs: number,
  ): Promise<Attempt> {
    const target = (sendTo.checked ??= checkOutboundUrl(sendTo.subscription.url, this.env));
    if (!target.ok)
      return { kind: 'final', status: null, response: `Refused: the URL ${target.problem}.` };
    const secrets = sendTo.secrets
      .filter((s) => s.expiresAt === null || s.expiresAt > at)
      .map((s) => s.secret);
    const signature = await signWebhook(secrets, head.id, Math.floor(at / 1000), head.body);
    let res: Response;
    try {
      res = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Firebell-Webhooks/1',
          'webhook-id': head.id,
          'webhook-timestamp': String(Math.floor(at / 1000)),
          'webhook-signature': signature,
        },
        body: head.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
      });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (timeoutMs < REQUEST_TIMEOUT_MS && error instanceof Error && error.name === 'TimeoutError')
        return {
          kind: 'slow',
          status: null,
          response: `No answer within ${timeoutMs} ms on the hand-over; sent again with the full ${REQUEST_TIMEOUT_MS / 1000} s allowance.`,
        };
      return {
        kind: 'retry',
        status: null,
        response: `Connection failed: ${text}`.slice(0, EXCERPT_BYTES),
      };
    }
    const response = await excerpt(res);
    if (res.status >= 200 && res.status < 300)
      return { kind: 'delivered', status: res.status, response };
    if (retryable(res.status))
      return {
        kind: 'retry',
        status: res.status,
        response,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now()),
      };
    return { kind: 'final', status: res.status, response };
  }

  /** Append an attempt to the log, which keeps the newest LOG_SIZE (n only grows, so older rows go by key). */
  private log(row: (string | number | null)[]): void {
    const db = this.ctx.storage.sql;
    const [logged] = sql<{ n: number }>(
      db,
      `INSERT INTO log (id, event_id, type, body, attempt, at, status, latency_ms, outcome, next_at, response)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING n`,
      ...row,
    );
    if (logged && logged.n > LOG_SIZE) sql(db, 'DELETE FROM log WHERE n <= ?', logged.n - LOG_SIZE);
  }

  /** Write the deliveries made since the last write (SETTLE_MS): their rows leave the queue, the log gets them. */
  private settle(): void {
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    const done = this.unsettled;
    if (!done.length) return;
    this.unsettled = [];
    const through = this.sentThrough(done);
    if (through) sql(this.ctx.storage.sql, 'DELETE FROM queue WHERE seq <= ?', through);
    for (const d of done) {
      if (!d.seq) this.markSeen(d.eventId);
      this.log(d.log);
    }
  }

  /** The last queue row already delivered but not yet written (0: none): head reads skip up to it. */
  private sentThrough(unsettled = this.unsettled): number {
    let through = 0;
    for (const u of unsettled) through = Math.max(through, u.seq);
    return through;
  }

  /** Append an event at the tail; its seq. */
  private push(id: string, type: string, body: string): number {
    const db = this.ctx.storage.sql;
    const [pushed] = sql<{ seq: number }>(
      db,
      'INSERT INTO queue (id, type, body, next_at) VALUES (?, ?, ?, ?) RETURNING seq',
      id,
      type,
      body,
      now(),
    );
    // Strictly first in, first out: an event MAX_PENDING pushes old is still here only if all after it are.
    if (pushed && pushed.seq > MAX_PENDING)
      sql(db, 'DELETE FROM queue WHERE seq <= ?', pushed.seq - MAX_PENDING);
    return pushed!.seq;
  }

  /** Point the alarm at the head event's due time, or clear it. */
  private async arm(): Promise<void> {
    const head = this.head();
    if (!head) {
      if (this.armedAt !== null) await this.ctx.storage.deleteAlarm();
      this.armedAt = null;
    } else if (head.next_at !== this.armedAt) {
      await this.ctx.storage.setAlarm(head.next_at);
      this.armedAt = head.next_at;
    }
  }

  private remember(subscriptionId: string | undefined): void {
    const id = subscriptionId ?? this.ctx.id.name;
    if (!id || this.remembered() === id) return;
    this.meta.set('subscription', id);
    this.subscriptionId = id;
  }

  private remembered(): string | null {
    this.subscriptionId ??= this.meta.get('subscription');
    return this.subscriptionId;
  }
}

/** The first EXCERPT_BYTES of a response body, as text; the rest is never read. */
async function excerpt(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still leaves what arrived.
  } finally {
    reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(Math.min(size, EXCERPT_BYTES));
  let off = 0;
  for (const c of chunks) {
    const part = c.subarray(0, all.byteLength - off);
    all.set(part, off);
    off += part.byteLength;
    if (off >= all.byteLength) break;
  }
  return new TextDecoder().decode(all).replace(/\uFFFD$/, '');
}
