/**
 * The escalation engine inside the incident object: timers are rows in the scheduler table,
 * targets are resolved when a level fires (whoever is on call then), pages go through the notifier seam.
 */
import type { Actor, Incident } from '../../schema/incident';
import { getService } from '../directory/services';
import { adminIds, userNames } from '../directory/users';
import { policyForService } from '../directory/policies';
import { recordPages } from '../directory/reports';
import type { Env } from '../env';
import { resolveTargets, type EmptyTarget } from '../oncall/targets';
import { pageUser, retryPage, type PageAttempt, type PagedIncident } from '../push/notifier';
import { describeOutcome } from '../push/sender';
import {
  MAX_PUSH_ATTEMPTS,
  levelDelayMs,
  levelLabel,
  nextStep,
  pushRetryDelayMs,
  startState,
  type EscalationState,
} from './escalation';
import type { EntryDraft } from './reducer';
import type { Scheduler, Task } from './scheduler';

export const FIREBELL: Actor = { kind: 'system', id: 'firebell', name: 'Firebell' };

const ESCALATE = 'escalate';
const START = 'escalation-start';
const RENOTIFY = 'renotify';
const PUSH_RETRY = 'push-retry';

/** What the engine needs from its object. */
export interface PagingHost {
  env: Env;
  scheduler: Scheduler;
  incident(): Incident | null;
  state(): EscalationState | null;
  saveState(state: EscalationState | null): void;
  /** A device was sent a page: its next delivery receipt is news. */
  markPaged(subscriptionId: string, at: number): void;
  /** Commit timeline entries (and an optional incident patch, or one computed from the incident as written), broadcast them, update the index. */
  record(
    drafts: EntryDraft[],
    actor: Actor,
    patch?: Partial<Incident> | ((current: Incident) => Partial<Incident>),
  ): Promise<void>;
}

export class Paging {
  constructor(private readonly host: PagingHost) {}

  /**
   * A new incident (or a reopened one) starts at level 1. Everything else, even finding the policy,
   * happens in the alarm set for now: the webhook that opened the incident is answered without waiting on paging.
   */
  async start(incident: Incident, now: number): Promise<void> {
    if (!incident.serviceId) return this.unrouted(incident);
    this.host.saveState(null);
    await this.host.scheduler.schedule(ESCALATE, START, now);
  }

  /**
   * Opened by hand without a service: no policy applies, so nobody is paged. Flag it and say so on the timeline;
   * the admins are not woken, since the person who opened it is already there. A reopen is already flagged.
   */
  private async unrouted(incident: Incident): Promise<void> {
    if (incident.nobodyPaged) return;
    await this.host.record(
      [
        {
          kind: 'nobody_paged',
          text: 'Nobody paged: opened by hand without a service, so no escalation policy applies',
        },
      ],
      FIREBELL,
      { nobodyPaged: true },
    );
  }

  /** Look up the service's policy when the first page is due; no policy means nobody would be paged. */
  private async begin(now: number): Promise<void> {
    const incident = this.host.incident();
    if (!incident?.serviceId || incident.status !== 'triggered') return;
    const found = await policyForService(this.host.env.DB, incident.serviceId);
    // Acknowledged or resolved while D1 answered: stop() found no state to stop, so check here.
    if (this.host.incident()?.status !== 'triggered' || this.host.state()) return;
    if (!found) return this.nobodyPaged(incident, now, 'its service has no escalation policy');
    const { serviceName, ...policy } = found;
    this.host.saveState(startState(policy, serviceName));
    await this.advance(now);
  }

  /**
   * The escalation state as stored, to compare across an await: D1 reads and pushes let commands run
   * meanwhile, and a step must not write back a state an acknowledgement (or reopen, or manual
   * escalation) has replaced, nor schedule the next level after one.
   */
  private course(): string {
    return JSON.stringify(this.host.state());
  }

  /** Acknowledged or resolved: stop every timer at once. */
  async stop(): Promise<void> {
    const state = this.host.state();
    if (state && !state.stopped) this.host.saveState({ ...state, stopped: true });
    await this.host.scheduler.cancel(ESCALATE, RENOTIFY);
  }

  /** "Escalate now": page the next level without waiting for the delay. */
  async escalateNow(actor: Actor, now: number): Promise<string | null> {
    if (!this.host.state()) return 'This incident has no escalation policy to escalate through.';
    await this.host.record(
      [{ kind: 'escalated', text: `${actor.name} escalated the incident by hand` }],
      actor,
    );
    const state = this.host.state(); // as it is now: a task may have moved it while the entry was written
    if (state) this.host.saveState({ ...state, stopped: false });
    await this.advance(now);
    return null;
  }

  /** Run a due task; returns false when the task is not the engine's. */
  async run(task: Task, now: number): Promise<boolean> {
    if (task.kind === START) await this.begin(now);
    else if (task.kind === ESCALATE) await this.advance(now);
    else if (task.kind === RENOTIFY) await this.renotify(now);
    else if (task.kind === PUSH_RETRY) await this.retry(task, now);
    else return false;
    return true;
  }

  /** Page the next level that reaches someone; empty levels are skipped at once and said so. */
  private async advance(now: number): Promise<void> {
    let state = this.host.state();
    const incident = this.host.incident();
    if (!state || !incident || state.stopped) return;
    let course = this.course();
    if (incident.status === 'resolved') return this.stop();
    for (;;) {
      const step = nextStep(state);
      if (step.kind === 'exhausted') {
        this.host.saveState({ ...state, stopped: true });
        await this.host.scheduler.cancel(RENOTIFY);
        if (!state.reachedSomeone)
          return this.nobodyPaged(
            incident,
            now,
            `nobody on escalation policy “${state.policy.name}” could be reached`,
          );
        return this.host.record(
          [
            {
              kind: 'escalated',
              text: `Escalation policy “${state.policy.name}” ran out with nobody acknowledging`,
            },
          ],
          FIREBELL,
        );
      }
      state = { ...state, level: step.level, round: step.round };
      const level = state.policy.levels[step.level];
      const resolved = await resolveTargets(this.host.env.DB, level?.targets ?? [], now);
      if (this.course() !== course) return;
      const label = levelLabel(step, state.policy.repeat);
      if (!resolved.userIds.length) {
        const why = resolved.empty.map(emptyReason).join('; ') || 'it has no targets';
        this.host.saveState(state);
        course = this.course();
        await this.host.record(
          [
            {
              kind: 'escalation_skipped',
              text: `Skipped ${label}: ${why}`,
              data: { level: step.level + 1, round: step.round + 1 },
            },
          ],
          FIREBELL,
        );
        if (this.course() !== course) return;
        continue;
      }
      state = { ...state, reachedSomeone: true };
      this.host.saveState(state);
      course = this.course();
      const who = resolved.userIds.map((id) => resolved.names[id] ?? id).join(', ');
      // Page first, then write "Escalated to …" and the attempts in one transaction (one index write after the push, not two before it).
      await this.page(
        resolved.userIds.map((id) => ({ id, name: resolved.names[id] ?? id })),
        now,
        [
          {
            kind: 'escalated',
            text: `Escalated to ${label}: ${who}`,
            data: { level: step.level + 1, round: step.round + 1, userIds: resolved.userIds },
          },
        ],
        { escalationLevel: step.level + 1 },
      );
      // Acknowledged (or resolved, or escalated by hand) while the push went out: that stopped the timers.
      if (this.course() !== course) return;
      await this.host.scheduler.schedule(ESCALATE, ESCALATE, now + levelDelayMs(state, step.level));
      if (state.policy.renotifyMinutes)
        await this.host.scheduler.schedule(
          RENOTIFY,
          RENOTIFY,
          now + state.policy.renotifyMinutes * 60_000,
        );
      return;
    }
  }

  /** Still unacknowledged: page the current level's targets again. */
  private async renotify(now: number): Promise<void> {
    const state = this.host.state();
    const incident = this.host.incident();
    if (
      !state ||
      state.stopped ||
      !incident ||
      incident.status !== 'triggered' ||
      !state.policy.renotifyMinutes
    )
      return;
    const course = this.course();
    const resolved = await resolveTargets(
      this.host.env.DB,
      state.policy.levels[state.level]?.targets ?? [],
      now,
    );
    if (this.course() !== course) return;
    if (resolved.userIds.length) {
      await this.page(
        resolved.userIds.map((id) => ({ id, name: resolved.names[id] ?? id })),
        now,
        [
          {
            kind: 'escalated',
            text: `Still unacknowledged: paging ${resolved.userIds.map((id) => resolved.names[id] ?? id).join(', ')} again`,
          },
        ],
      );
      if (this.course() !== course) return;
    }
    await this.host.scheduler.schedule(
      RENOTIFY,
      RENOTIFY,
      now + state.policy.renotifyMinutes * 60_000,
    );
  }

  /** Never silence: flag the incident and page the admins instead. */
  private async nobodyPaged(incident: Incident, now: number, why: string): Promise<void> {
    const admins = await adminIds(this.host.env.DB);
    const names = await userNames(this.host.env.DB, admins);
    await this.page(
      admins.map((id) => ({ id, name: names[id] ?? id })),
      now,
      [
        {
          kind: 'nobody_paged',
          text: `Nobody paged: ${why}. Paging admins instead: ${admins.map((id) => names[id] ?? id).join(', ') || 'none exist'}`,
        },
      ],
      { nobodyPaged: true },
    );
  }

  /**
   * Page each user on all their devices; every attempt is a timeline entry, retryable ones get a timer.
   * Everyone targeted joins the incident's `paged`, device or not: it is them the incident now waits on.
   */
  private async page(
    users: { id: string; name: string }[],
    now: number,
    lead: EntryDraft[] = [],
    patch: Partial<Incident> = {},
  ): Promise<void> {
    const incident = this.host.incident();
    if (!incident) return;
    const paged = await this.pagedIncident(incident);
    const results = await Promise.all(
      users.map(async (user) => ({ user, attempts: await this.safePage(user, paged, now) })),
    );
    await this.countPages(incident.id, users, now);
    const drafts: EntryDraft[] = [...lead];
    for (const { user, attempts } of results) {
      if (!attempts.length)
        drafts.push({
          kind: 'notification_failed',
          text: `Could not page ${user.name}: no device registered for push`,
          data: { userId: user.id },
        });
      for (const attempt of attempts) {
        if (attempt.outcome.kind === 'sent') this.host.markPaged(attempt.subscriptionId, now);
        drafts.push(attemptEntry(user, attempt, 1));
        if (attempt.outcome.kind === 'retry') await this.scheduleRetry(user, attempt, 1, now);
      }
    }
    const ids = users.map((u) => u.id);
    if (drafts.length)
      await this.host.record(drafts, FIREBELL, (current) => ({
        ...patch,
        paged: [...new Set([...current.paged, ...ids])],
      }));
  }

  private async retry(task: Task, now: number): Promise<void> {
    const incident = this.host.incident();
    const userId = String(task.data.userId);
    const name = String(task.data.userName);
    const attemptNo = Number(task.data.attempt);
    if (!incident || incident.status !== 'triggered') return;
    const attempt = await retryPage(
      this.host.env,
      userId,
      String(task.data.subscriptionId),
      await this.pagedIncident(incident),
      now,
    );
    if (!attempt) return;
    if (attempt.outcome.kind === 'sent') this.host.markPaged(attempt.subscriptionId, now);
    await this.host.record([attemptEntry({ id: userId, name }, attempt, attemptNo)], FIREBELL);
    if (attempt.outcome.kind === 'retry')
      await this.scheduleRetry({ id: userId, name }, attempt, attemptNo, now);
  }

  private async scheduleRetry(
    user: { id: string; name: string },
    attempt: PageAttempt,
    attemptNo: number,
    now: number,
  ): Promise<void> {
    if (attemptNo >= MAX_PUSH_ATTEMPTS || attempt.outcome.kind !== 'retry') return;
    const due = now + pushRetryDelayMs(attemptNo, attempt.outcome.retryAfterMs);
    await this.host.scheduler.schedule(`${PUSH_RETRY}:${attempt.subscriptionId}`, PUSH_RETRY, due, {
      userId: user.id,
      userName: user.name,
      subscriptionId: attempt.subscriptionId,
      attempt: attemptNo + 1,
    });
  }

  /** Pages per responder feed on-call health reports; losing a count must never stop a page. */
  private async countPages(
    incidentId: string,
    users: { id: string }[],
    now: number,
  ): Promise<void> {
    try {
      await recordPages(
        this.host.env.DB,
        users.map((u) => ({ incidentId, userId: u.id, at: now })),
      );
    } catch (err) {
      console.error(`could not count pages for ${incidentId}`, err);
    }
  }

  /** A push failure must never stop escalation: it becomes an attempt the timeline can show. */
  private async safePage(
    user: { id: string; name: string },
    paged: PagedIncident,
    now: number,
  ): Promise<PageAttempt[]> {
    try {
      return await pageUser(this.host.env, user, paged, now);
    } catch (err) {
      console.error(`paging ${user.id} failed`, err);
      return [];
    }
  }

  /** What a page says. The service name comes with the policy; only a page without one (admins paged instead) reads it. */
  private async pagedIncident(incident: Incident): Promise<PagedIncident> {
    const serviceName =
      this.host.state()?.serviceName ??
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

/** Why a target reached nobody, as the timeline says it. */
function emptyReason(e: EmptyTarget): string {
  if (e.reason === 'inactive')
    return e.type === 'schedule'
      ? `everyone on shift on ${e.name} is disabled or removed`
      : `${e.name} is disabled or removed`;
  return e.type === 'schedule' ? `${e.name} has nobody on shift` : `user ${e.name} does not exist`;
}

/**
 * One attempt as a timeline entry. Retries of one page to one device carry the same subscriptionId and
 * the next attempt number, which is how the PWA and the review fold them into one line (schema/timeline.ts).
 */
function attemptEntry(
  user: { id: string; name: string },
  attempt: PageAttempt,
  attemptNo: number,
): EntryDraft {
  const sent = attempt.outcome.kind === 'sent';
  const retry = attemptNo > 1 ? ` (attempt ${attemptNo})` : '';
  return {
    kind: sent ? 'notification_sent' : 'notification_failed',
    text: `Paged ${user.name} on ${attempt.deviceLabel}: ${describeOutcome(attempt.outcome, attemptNo < MAX_PUSH_ATTEMPTS)}${retry}`,
    data: {
      userId: user.id,
      subscriptionId: attempt.subscriptionId,
      outcome: attempt.outcome.kind,
      status: attempt.outcome.status,
      attempt: attemptNo,
    },
  };
}
