/**
 * The escalation runner inside the incident object: load the facts a decision needs (the policy, who is
 * on call now), call the pure decision (escalate.ts), commit its state and entries in one transaction,
 * then carry out its effects. Timers are rows in the scheduler table; pages go out through worker/notify/.
 */
import { CHANNELS } from '../../schema/contact-schemas';
import type { Actor, Incident } from '../../schema/incident';
import { resolveLevels } from '../directory/on-call';
import { policyForService } from '../directory/policies';
import {
  notePagingVersion,
  onCallAt,
  pagingSnapshot,
  takeNotedVersion,
  UNKEPT,
  type PagingSnapshot,
  type PagingVersion,
} from '../directory/paging-snapshot';
import { resolveIn } from '../oncall/targets';
import { recordPages, type PageRecord } from '../directory/reports';
import { rulesFor } from '../directory/contact-methods';
import { reachOf, unreachableText } from '../directory/reachability';
import { getService } from '../directory/services';
import { adminIds, userNames } from '../directory/users';
import type { Env } from '../env';
import {
  notifierFor,
  notifyAll,
  type Delivery,
  type NotifyRequest,
  type PagedIncident,
} from '../notify';
import { DEFAULT_RULES, planSteps, stillOwed, urgencyOf } from '../notify/rules';
import {
  FIREBELL,
  decide,
  type Decision,
  nobodyPagedEntry,
  type Effect,
  type EscalationEvent,
  type Person,
  type Timer,
  type WrittenEntry,
} from './escalate';
import type { EscalationState } from './escalation';
import type { EntryDraft } from './reducer';
import type { Scheduler, Task } from './scheduler';

/** Scheduler rows per timer: the start and the level delay share one row, so either replaces the other. */
const TASKS: Record<Timer, { id: string; kind: string }> = {
  start: { id: 'escalate', kind: 'escalation-start' },
  escalate: { id: 'escalate', kind: 'escalate' },
  renotify: { id: 'renotify', kind: 'renotify' },
};

/** The scheduler row of the first page (START): create runs it at once, its alarm is the backstop. */
export const START_TASK_ID = TASKS.start.id;
export const START_TASK_KIND = TASKS.start.kind;

/**
 * A timer that pages (the next level, a renotify) is warmed WARM_LEAD_MS before it is due: a row of its own
 * reads D1's paging version then (building the snapshot if it moved), so that at the due time the push
 * leaves with no D1 round trip in front of it (one is about 6 ms on an idle machine and 40+ under load,
 * and it queues behind every other D1 write). The price is a bounded staleness: the page decides on a
 * directory read at most WARM_FRESH_MS before it; an older note (the alarm ran late) is read afresh. The
 * first page from create reads the version itself, one point read just before the push.
 * The alarm itself is not set early: workerd fires it on time (p50 1 ms late when idle, bench section 4).
 */
const WARM_LEAD_MS = 100;
const WARM_FRESH_MS = 250;
const WARM_TASK = 'paging-warm';
const warmId = (timer: Timer) => `${WARM_TASK}:${TASKS[timer].id}`;

/** A later step of one person's notification rules ("at 3 min email"): one row per person and step. */
const STEP_TASK = 'notify-step';

/** What the runner needs from its object. */
export interface PagingHost {
  env: Env;
  scheduler: Scheduler;
  incident(): Incident | null;
  state(): EscalationState | null;
  /** Commit a decision: its state, entries and incident patch in one transaction; broadcast, update the index. */
  commit(
    state: EscalationState | null,
    entries: WrittenEntry[],
    patch: Partial<Incident>,
  ): Promise<void>;
  /** A device was sent a page: its next delivery receipt is news. */
  markPaged(subscriptionId: string, at: number): void;
  /** Owe pages counted for reports to the next index write (a record follows, and it carries them). */
  owePages(rows: PageRecord[]): void;
  /** Commit timeline entries (and an incident patch computed from the incident as written), broadcast them, update the index. */
  record(
    drafts: EntryDraft[],
    actor: Actor,
    patch?: Partial<Incident> | ((current: Incident) => Partial<Incident>),
  ): Promise<void>;
}

export class Paging {
  /**
   * A decision that pages, with nothing to commit before the page but its state: the state is written with the
   * page's record, after the push, in one commit (a write before the push would hold it until that commit is on
   * disk). Meanwhile every decision here reads it (state()), and one that commits on top of it takes its place,
   * so the older one is not written over it. A crash before the record loses nothing: the START or timer row is
   * still there, and its run decides again.
   */
  private unwritten: { state: EscalationState | null } | null = null;

  constructor(private readonly host: PagingHost) {}

  /** The escalation state as decided: the one waiting for its page's record, else the stored one. */
  private state(): EscalationState | null {
    return this.unwritten ? this.unwritten.state : this.host.state();
  }

  /** Write `decided`'s state unless a later decision took its place (then that one is the state). */
  private async writeState(decided: { state: EscalationState | null }): Promise<void> {
    if (this.unwritten !== decided) return;
    this.unwritten = null;
    await this.host.commit(decided.state, [], {});
  }

  /** A new incident (or a reopened one) starts at level 1. */
  async opened(now: number): Promise<void> {
    await this.handle({ type: 'opened' }, now);
  }

  /** Acknowledged or resolved: stop every timer at once. */
  async stopped(status: 'acknowledged' | 'resolved', now: number): Promise<void> {
    await this.handle({ type: status }, now);
    // Everyone's rules stop too; a step that slips through checks stillOwed before it sends.
    const steps = this.host.scheduler.pending().filter((t) => t.kind === STEP_TASK);
    if (steps.length) await this.host.scheduler.cancel(...steps.map((t) => t.id));
  }

  /** "Escalate now": page the next level without waiting for the delay. A refusal comes back as its reason. */
  async escalateNow(actor: Actor, now: number): Promise<string | null> {
    return (await this.handle({ type: 'escalate', actor }, now))?.refused ?? null;
  }

  /** Run a due task; returns false when the task is not the runner's. */
  async run(task: Task, now: number): Promise<boolean> {
    if (task.kind === TASKS.start.kind) {
      // One START per opening: once its page is out its row became the level timer (or is gone), so a
      // second run (create's and the alarm's, or a retry) finds nothing owed and pages no one.
      if (!this.startOwed()) return true;
      // A version read moments ago (a hand opening's index write) saves the read; else one point read of D1.
      const snapshot = await this.snapshot(now, takeNotedVersion(this.host.incident()?.id ?? ''));
      // A copy: the escalation state keeps it, and the snapshot is shared by every incident in the isolate.
      const serviceId = this.host.incident()?.serviceId;
      const found = snapshot
        ? snapshot.policy && structuredClone(snapshot.policy)
        : serviceId
          ? await policyForService(this.host.env.DB, serviceId)
          : null;
      await this.handle({ type: 'policy-due', found }, now, snapshot);
    } else if (task.kind === TASKS.escalate.kind)
      await this.handle({ type: 'timer', dueAt: task.dueAt }, now, undefined, this.warmed());
    else if (task.kind === TASKS.renotify.kind)
      await this.handle({ type: 'renotify' }, now, undefined, this.warmed());
    else if (task.kind === WARM_TASK) await this.warm(now);
    else if (task.kind === STEP_TASK) await this.step(task, now);
    else {
      const notifier = notifierFor(task.kind);
      if (!notifier) return false;
      const incident = this.host.incident();
      if (!incident || incident.status !== 'triggered') return true;
      const deliveries = await notifier.retry(
        this.host.env,
        task.data,
        await this.pagedIncident(incident),
        now,
      );
      await this.host.record(await this.settle(deliveries, now), FIREBELL);
    }
    return true;
  }

  /** Read the paging version (and build the snapshot if it moved) for a timer due in WARM_LEAD_MS. */
  private async warm(now: number): Promise<void> {
    const incident = this.host.incident();
    if (!incident || incident.status !== 'triggered' || this.state()?.stopped) return;
    const snapshot = await this.snapshot(now);
    if (snapshot && snapshot.version !== UNKEPT) notePagingVersion(incident.id, snapshot.version);
  }

  /** The version the warm-up read for this incident, when recent enough to page on. */
  private warmed(): PagingVersion | undefined {
    return takeNotedVersion(this.host.incident()?.id ?? '', WARM_FRESH_MS);
  }

  private startOwed(): boolean {
    return this.host.scheduler
      .pending()
      .some((t) => t.id === TASKS.start.id && t.kind === TASKS.start.kind);
  }

  /** The service's paging snapshot (one D1 point read while it is current); null for an incident with no service. */
  private async snapshot(now: number, known?: PagingVersion): Promise<PagingSnapshot | null> {
    const serviceId = this.host.incident()?.serviceId;
    if (!serviceId) return null;
    try {
      return await pagingSnapshot(this.host.env.DB, serviceId, now, known);
    } catch (err) {
      // Without it each fact is read on its own, each with its own fallback: a snapshot must never stop a page.
      console.error(`paging snapshot of ${serviceId} unavailable; reading D1 per fact`, err);
      return null;
    }
  }

  /** Who each level reaches now: resolved over the snapshot's inputs, or read from D1 when it does not cover them. */
  private async levels(
    levels: EscalationState['policy']['levels'],
    snapshot: PagingSnapshot | null,
    now: number,
  ) {
    const onCall =
      snapshot &&
      onCallAt(
        snapshot,
        levels.flatMap((l) => l.targets),
        now,
      );
    if (onCall) return levels.map((l) => resolveIn(onCall, l.targets));
    return resolveLevels(this.host.env.DB, levels, now);
  }

  /** Load the facts, decide, commit the decision, then carry out its effects in order. */
  private async handle(
    event: EscalationEvent,
    now: number,
    given?: PagingSnapshot | null,
    known?: PagingVersion,
  ): Promise<Decision | null> {
    let incident = this.host.incident();
    if (!incident) return null;
    let state = this.state();
    const policy = event.type === 'policy-due' ? event.found : state?.policy;
    // Who is on call is worked out only when the decision may page someone from the policy.
    const paging = Boolean(policy && mayPage(event, state, incident));
    const snapshot =
      given !== undefined || !paging ? (given ?? null) : await this.snapshot(now, known);
    const levels = policy && paging ? await this.levels(policy.levels, snapshot, now) : undefined;
    if (levels) {
      // Commands ran while D1 answered: decide on the state and status as they are now, or an
      // acknowledgement that stopped the escalation meanwhile would be overwritten by a stale one.
      const [before, status] = [JSON.stringify(state), incident.status];
      incident = this.host.incident();
      state = this.state();
      if (!incident) return null;
      if (JSON.stringify(state) !== before || incident.status !== status)
        return this.handle(event, now, snapshot);
    }
    const decision = decide(state, event, now, { incident, levels });
    if (decision.refused) return decision;
    const pages = decision.effects.some((e) => e.kind === 'page' || e.kind === 'page-admins');
    if (pages && !decision.entries.length && !Object.keys(decision.patch).length) {
      const decided = (this.unwritten = { state: decision.state });
      try {
        for (const effect of decision.effects) await this.carryOut(effect, now, snapshot, decided);
      } finally {
        await this.writeState(decided); // a page that recorded nothing (or failed) still leaves its state
      }
      return decision;
    }
    this.unwritten = null; // this decision builds on it and commits its own state
    await this.host.commit(decision.state, decision.entries, decision.patch);
    for (const effect of decision.effects) await this.carryOut(effect, now, snapshot);
    return decision;
  }

  private async carryOut(
    effect: Effect,
    now: number,
    snapshot: PagingSnapshot | null,
    decided?: { state: EscalationState | null },
  ): Promise<void> {
    const { scheduler } = this.host;
    if (effect.kind === 'schedule') {
      const task = TASKS[effect.timer];
      if (effect.timer !== 'start' && effect.at - WARM_LEAD_MS > now)
        scheduler.put(warmId(effect.timer), WARM_TASK, effect.at - WARM_LEAD_MS);
      await scheduler.schedule(task.id, task.kind, effect.at);
    } else if (effect.kind === 'cancel') {
      const ids = effect.timers.flatMap((t) => [TASKS[t].id, warmId(t)]);
      await scheduler.cancel(...new Set(ids));
    } else if (effect.kind === 'page') {
      await this.page(effect.users, now, effect.entries, effect.patch, snapshot, decided);
    } else {
      const admins = snapshot
        ? snapshot.admins.map((id) => ({ id, name: snapshot.people.get(id)?.name ?? id }))
        : await this.admins();
      await this.page(
        admins,
        now,
        [nobodyPagedEntry(effect.why, admins)],
        effect.patch,
        snapshot,
        decided,
      );
    }
  }

  private async admins(): Promise<Person[]> {
    const ids = await adminIds(this.host.env.DB);
    const names = await userNames(this.host.env.DB, ids);
    return ids.map((id) => ({ id, name: names[id] ?? id }));
  }

  /**
   * Page each person through every notifier; each outcome is a timeline entry, written after the sending
   * with the entries that led to it (one index write after the push, not two before it).
   * Everyone targeted joins the incident's `paged`, reachable or not: it is them the incident now waits on.
   */
  private async page(
    users: Person[],
    now: number,
    lead: EntryDraft[],
    patch: Partial<Incident>,
    snapshot: PagingSnapshot | null,
    decided?: { state: EscalationState | null },
  ): Promise<void> {
    const incident = this.host.incident();
    if (!incident) return;
    const paged = await this.pagedIncident(incident, snapshot);
    const outcomes = await Promise.all(
      users.map((recipient) =>
        this.startRules(recipient, incident, paged, now, snapshot, Boolean(decided)),
      ),
    );
    const drafts = [...lead, ...(await this.settle(outcomes.flat(), now))];
    // The decision's state, in the record's commit (no await between them).
    if (decided) await this.writeState(decided);
    const counted = users.map((u) => ({ incidentId: incident.id, userId: u.id, at: now }));
    // The pages counted for reports ride on the record's index write: one D1 round trip, not two.
    if (drafts.length) this.host.owePages(counted);
    else await this.countPages(incident.id, counted);
    const ids = users.map((u) => u.id);
    if (drafts.length)
      await this.host.record(drafts, FIREBELL, (current) => ({
        ...patch,
        paged: [...new Set([...current.paged, ...ids])],
      }));
  }

  /**
   * Start one person's notification rules: the steps due now go out at once, the later ones become
   * scheduler rows. A step already pending (paged again by a repeat or a renotify) keeps its time, so being
   * paged again never pushes their email further away. `afterPush`: the rows are written after the push, with
   * its record (a deferred decision: a crash before that commit runs the whole page again).
   */
  private async startRules(
    recipient: Person,
    incident: Incident,
    paged: PagedIncident,
    now: number,
    snapshot: PagingSnapshot | null,
    afterPush = false,
  ): Promise<Delivery[]> {
    const { env, scheduler } = this.host;
    const facts = snapshot?.people.get(recipient.id);
    const [rules, reach] = facts
      ? [facts.rules, facts.reach]
      : await Promise.all([
          rulesFor(env.DB, recipient.id).catch((err: unknown) => {
            console.error(
              `could not load notification rules for ${recipient.id}; using the default`,
              err,
            );
            return DEFAULT_RULES;
          }),
          // Whether anything can reach them at all: said by name, as the devices' outcomes alone do not.
          reachOf(env.DB, [recipient.id]).then(
            (r) => r.get(recipient.id),
            () => null,
          ),
        ]);
    const unreachable = reach === null ? null : unreachableText(recipient.name, reach);
    const flag: Delivery[] = unreachable
      ? [
          {
            status: 'skipped',
            entry: {
              kind: 'notification_failed',
              text: unreachable,
              data: { userId: recipient.id, unreachable: true },
            },
          },
        ]
      : [];
    const plan = planSteps(rules, urgencyOf(incident.severity), now);
    const scheduleLater = async () => {
      const pending = new Set(scheduler.pending().map((t) => t.id));
      for (const step of plan.filter((s) => s.at > now)) {
        const id = `${STEP_TASK}:${recipient.id}:${step.index}`;
        if (!pending.has(id))
          await scheduler.schedule(id, STEP_TASK, step.at, {
            userId: recipient.id,
            userName: recipient.name,
            channel: step.channel,
            deferred: step.deferred,
          });
      }
    };
    if (!afterPush) await scheduleLater();
    // Nobody to reach: the one line by name says it, instead of one "could not" per channel.
    const channels = unreachable ? [] : plan.filter((s) => s.at <= now).map((s) => s.channel);
    const sent = channels.length
      ? await notifyAll(env, this.request(recipient, paged, now, snapshot), channels)
      : null;
    if (afterPush) await scheduleLater();
    if (sent) return [...flag, ...sent];
    const first = plan[0];
    if (!first || (unreachable && first.at <= now)) return flag;
    const when = new Date(first.at).toISOString().slice(0, 16).replace('T', ' ');
    return [
      ...flag,
      {
        status: 'skipped',
        entry: {
          kind: 'notification_sent',
          text: `${recipient.name} is outside working hours: low-urgency notifications wait until ${when} UTC`,
          data: { userId: recipient.id, deferredUntil: first.at },
        },
      },
    ];
  }

  /** A later step of someone's rules: sent only while they are still owed it. */
  private async step(task: Task, now: number): Promise<void> {
    const incident = this.host.incident();
    const userId = String(task.data.userId);
    if (!incident || !stillOwed(incident, userId)) return;
    const recipient = { id: userId, name: String(task.data.userName) };
    const channel = CHANNELS.find((c) => c === task.data.channel) ?? 'push';
    const snapshot = await this.snapshot(now);
    const deliveries = await notifyAll(
      this.host.env,
      this.request(recipient, await this.pagedIncident(incident, snapshot), now, snapshot),
      [channel],
    );
    // An address they never set up is not news at every later step: the page itself said so.
    const sent = deliveries.filter((d) => d.status !== 'skipped' || task.data.deferred);
    await this.host.record(await this.settle(sent, now), FIREBELL);
  }

  /** What one notifier is handed: the person's devices and addresses come from the snapshot when it knows them. */
  private request(
    recipient: Person,
    incident: PagedIncident,
    now: number,
    snapshot: PagingSnapshot | null,
  ): NotifyRequest {
    const facts = snapshot?.people.get(recipient.id);
    return {
      recipient,
      incident,
      now,
      ...(facts ? { known: { devices: facts.devices, methods: facts.methods } } : {}),
    };
  }

  /** Note devices now paged and arm the retries the notifiers asked for; returns the timeline entries. */
  private async settle(deliveries: Delivery[], now: number): Promise<EntryDraft[]> {
    for (const d of deliveries) {
      if (d.status === 'delivered' && d.address) this.host.markPaged(d.address, now);
      if (d.retry)
        await this.host.scheduler.schedule(d.retry.id, d.retry.kind, d.retry.at, d.retry.data);
    }
    return deliveries.map((d) => d.entry);
  }

  /** Pages per responder feed on-call health reports; losing a count must never stop a page. */
  private async countPages(incidentId: string, rows: PageRecord[]): Promise<void> {
    try {
      await recordPages(this.host.env.DB, rows);
    } catch (err) {
      console.error(`could not count pages for ${incidentId}`, err);
    }
  }

  /** What a page says. The service name comes with the policy; only a page without one (admins paged instead) reads it. */
  private async pagedIncident(
    incident: Incident,
    snapshot: PagingSnapshot | null = null,
  ): Promise<PagedIncident> {
    const serviceName =
      this.state()?.serviceName ??
      snapshot?.serviceName ??
      (incident.serviceId
        ? ((await getService(this.host.env.DB, incident.serviceId))?.name ?? null)
        : null);
    return {
      id: incident.id,
      number: incident.number,
      title: incident.title,
      serviceName,
      severity: incident.severity,
      alertCount: incident.alertCount,
    };
  }
}

/** Whether this event can page from the policy, so who is on call must be read first. */
function mayPage(
  event: EscalationEvent,
  state: EscalationState | null,
  incident: Incident,
): boolean {
  if (incident.status === 'resolved') return false;
  if (event.type === 'policy-due') return incident.status === 'triggered';
  if (event.type === 'escalate') return true;
  if (event.type === 'timer') return !state?.stopped;
  if (event.type === 'renotify') return !state?.stopped && incident.status === 'triggered';
  return false;
}
