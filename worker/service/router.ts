/**
 * One Durable Object per service: every monitor event for the service passes through here.
 * It owns the dedup key → open incident table, the per-integration rate limit and the recent payloads,
 * and serializes work per dedup key so simultaneous triggers open one incident, not several.
 */
import { DurableObject } from 'cloudflare:workers';
import type { AlertEvent, IntegrationType } from '../../schema/alert';
import type { ChangeEvent } from '../../schema/change';
import type { Actor, IncidentCommand } from '../../schema/incident';
import type { ChangeDraft } from '../adapters/normalize';
import { now } from '../clock';
import type { Env } from '../env';
import { newId } from '../ids';
import { incidentStub } from '../stubs';
import type { CommandResult, IngestResult } from '../incident/object';
import { ChangeStore, type ChangeQuery } from './change-store';
import { KeyQueue } from './key-queue';
import { PayloadRecord } from './payload-record';
import { admit } from './rate-limit';
import { RequestLog, type RequestOutcome } from './request-log';
import type { PayloadInput, RecordedPayload } from '../../schema/directory';
import { RouterStore } from './store';
import type { RuleSet } from '../../schema/rule-schemas';
import { serviceRouter } from '../stubs';
import { judge, RuleCache, type AlertRuleOutcome, type Judgement } from './judge';
import { RuleStore, type DropCounter, type SuppressedAlert } from './rule-store';
import type { MaintenanceHold, QuietSet } from '../../schema/maintenance-schemas';
import { activeAt } from '../oncall/maintenance';
import { QuietStore } from './quiet-store';
import { RouterKeys } from './router-keys';
import { NumberBlock } from './number-block';
import { RouterRunbook } from './router-runbook';
import type { Integration } from '../directory/integrations';

/** The integration a request authenticated as. */
export interface IntakeSource {
  integrationId: string;
  name: string;
  type: IntegrationType;
  ratePerMinute: number;
}

export interface ReceiveInput {
  serviceId: string;
  source: IntakeSource;
  payload: PayloadInput;
  /** The adapted events, or null when the adapter refused the payload (it is still recorded and counted). */
  events: AlertEvent[] | null;
  /** The adapter's complaints, recorded with a refused payload. */
  errors?: string[];
  /** A mapping's fallbacks, recorded with an accepted payload. */
  notes?: string[];
}

/** What happened to the events of one dedup key. */
export interface KeyOutcome {
  dedupKey: string;
  incidentId: string | null;
  result: 'opened' | 'appended' | 'dropped';
}

type Refused =
  | { ok: false; reason: 'rate-limited'; retryAfterSeconds: number }
  | { ok: false; reason: 'rejected' };

/** What the rules did to a request's alerts; present when a service's rules judged them. */
export interface RulesReport {
  /** The rule version of the service that received the request. */
  version: number;
  judged: number;
  passed: number;
  suppressed: number;
  dropped: number;
  routed: number;
  /** Per alert, in order; a storm lists the first ALERT_OUTCOMES_LISTED, the counts cover all. */
  alerts: AlertRuleOutcome[];
}

export const ALERT_OUTCOMES_LISTED = 1000;

export type ReceiveResult = { ok: true; outcomes: KeyOutcome[]; rules?: RulesReport } | Refused;

/** Alerts another service's rules routed here, `hops` services after the one that received them. */
export interface RoutedInput {
  serviceId: string;
  source: IntakeSource;
  events: AlertEvent[];
  hops: number;
}

/** What a service did with some alerts: the incidents they opened or joined, and per alert what its rules did. */
export interface Handled {
  outcomes: KeyOutcome[];
  alerts: AlertRuleOutcome[];
  /** Whether any rule of any service took part (else the 202 says nothing about rules). */
  ruled: boolean;
  version: number;
}

/** One change event (PagerDuty /v2/change/enqueue), or null with the adapter's complaints. */
export interface ChangeInput {
  serviceId: string;
  source: IntakeSource;
  payload: PayloadInput;
  change: ChangeDraft | null;
  errors?: string[];
}

export type ChangeResult = { ok: true; change: ChangeEvent } | Refused;

/** A command an integration runs on one incident it already resolved (an Opsgenie note, or a close by alert id). */
export interface CommandInput {
  serviceId: string;
  source: IntakeSource;
  payload: PayloadInput;
  incidentId: string;
  command: IncidentCommand;
}

export type IntegrationCommandResult = { ok: true; result: CommandResult } | Refused;

export class ServiceRouter extends DurableObject<Env> {
  private readonly store: RouterStore;
  private readonly changes: ChangeStore;
  private readonly requests: RequestLog;
  private readonly queue: KeyQueue<KeyOutcome, PayloadRecord>;
  private readonly ruleStore: RuleStore;
  private readonly rules: RuleCache;
  private readonly quiet: QuietStore;
  private readonly keys: RouterKeys;
  private readonly numbers: NumberBlock;
  private readonly runbook: RouterRunbook;
  private serviceId: string | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RouterStore(ctx.storage.sql);
    this.changes = new ChangeStore(ctx.storage.sql);
    this.requests = new RequestLog(ctx.storage.sql);
    this.queue = new KeyQueue((key, events, actor, records) =>
      this.apply(key, events, actor, records),
    );
    this.ruleStore = new RuleStore(ctx.storage.sql);
    this.rules = new RuleCache(this.ruleStore, env.DB);
    this.quiet = new QuietStore(ctx.storage.sql, env.DB);
    this.keys = new RouterKeys(ctx.storage.sql, env.DB);
    this.numbers = new NumberBlock(ctx.storage.sql, env.DB);
    this.runbook = new RouterRunbook(env.DB);
  }

  /** Check a key that names this service against the integrations held here (D1 only on a key's first use). */
  async authenticate(
    serviceId: string,
    keyHash: string,
    type: IntegrationType,
  ): Promise<Integration | null> {
    this.serviceId = serviceId;
    return this.keys.find(serviceId, keyHash, type);
  }

  /** An integration of this service was revoked, rotated or edited: its next request is checked afresh. */
  async forgetIntegration(integrationId: string): Promise<void> {
    this.keys.forget(integrationId);
  }

  /** The service's default runbook changed (set, cleared, edited or deleted): the next incident reads it afresh. */
  async forgetRunbook(): Promise<void> {
    this.runbook.forget();
  }

  /** Rate-limit, record and route one request's events; resolves when every incident involved has taken them. */
  async receive(input: ReceiveInput): Promise<ReceiveResult> {
    this.serviceId = input.serviceId;
    const at = now();
    const { source } = input;
    const refused = this.gate(
      source,
      input.payload,
      input.events ? null : (input.errors ?? []),
      at,
    );
    if (refused || !input.events) return refused ?? { ok: false, reason: 'rejected' };

    const record = new PayloadRecord(
      this.store,
      source.integrationId,
      at,
      input.payload,
      input.events.length,
      input.notes ?? [],
    );
    try {
      const handled = await this.handle(input.serviceId, source, input.events, 0, record);
      const { outcomes } = handled;
      const report = handled.ruled ? reportOf(handled) : null;
      record.accepted(outcomes, report ? describeRules(report) : null);
      return { ok: true, outcomes, ...(report ? { rules: report } : {}) };
    } catch (error) {
      record.failed();
      throw error;
    }
  }

  /** Alerts another service's rules routed here: judged by this service's rules, then deduplicated here. */
  async receiveRouted(input: RoutedInput): Promise<Handled> {
    this.serviceId = input.serviceId;
    return this.handle(input.serviceId, input.source, input.events, input.hops);
  }

  /** The API pushes each saved rule set here with its D1 version; returns the version now applied. */
  async setRules(serviceId: string, version: number, ruleSet: RuleSet): Promise<number> {
    this.serviceId = serviceId;
    return this.rules.set(version, ruleSet);
  }

  /**
   * The API pushes the service's maintenance windows and silences with their D1 version. Incidents opened in a
   * window that was edited or ended early are told when paging may now start. Returns the version applied.
   */
  async setQuiet(serviceId: string, version: number, set: QuietSet): Promise<number> {
    this.serviceId = serviceId;
    const kept = this.quiet.set(version, set);
    const at = now();
    const windows = new Map(
      (await this.quiet.get(serviceId, at)).set.windows.map((w) => [w.id, w]),
    );
    for (const held of this.quiet.held(at)) {
      const w = windows.get(held.windowId);
      const until = w ? (activeAt(w.schedule, at, w.endedAt)?.end ?? at) : at;
      if (until === held.until) continue;
      await this.incident(held.incidentId).maintenanceMoved(held.windowId, until);
      if (until <= at) this.quiet.release(held.incidentId);
      else
        this.quiet.hold(held.incidentId, { windowId: held.windowId, name: w?.name ?? '', until });
    }
    return kept;
  }

  /** The last suppressed alerts (newest first) and the drop counters, for GET /api/services/{id}/suppressed. */
  async ruleActivity(): Promise<{ suppressed: SuppressedAlert[]; drops: DropCounter[] }> {
    return { suppressed: this.ruleStore.suppressed(), drops: this.ruleStore.drops() };
  }

  /** Rules (each alert judged once), then dedup for what passes, then the services alerts were routed to. */
  private async handle(
    serviceId: string,
    source: IntakeSource,
    events: AlertEvent[],
    hops: number,
    record?: PayloadRecord,
  ): Promise<Handled> {
    const actor = actorOf(source);
    const rules = await this.rules.get(serviceId);
    const judged: Judgement[] = rules.count
      ? await judge(rules.rules, events, { serviceId, integrationType: source.type, hops })
      : events.map((alert) => ({ alert, matched: [], verdict: 'page', notes: [] }));
    const at = now();
    // Silences come after the rules (which may route or rewrite an alert): a silenced alert is suppressed.
    const silencedBy = new Map<number, string>();
    for (const [i, j] of judged.entries()) {
      if (j.verdict !== 'page' || j.alert.action !== 'trigger') continue;
      const silence = await this.quiet.silenceFor(serviceId, j.alert, at);
      if (!silence) continue;
      silencedBy.set(i, silence.id);
      j.verdict = 'suppress';
      j.notes.push(`silenced by ${silence.id}`);
    }
    const alerts: AlertRuleOutcome[] = judged.map((j) => ({
      alertKey: j.alert.alertKey,
      dedupKey: j.alert.dedupKey,
      outcome:
        j.verdict === 'page'
          ? 'passed'
          : j.verdict === 'suppress'
            ? 'suppressed'
            : j.verdict === 'drop'
              ? 'dropped'
              : 'routed',
      serviceId,
      rules: j.alert.rules ?? [],
      ...(j.notes.length ? { notes: j.notes } : {}),
    }));

    const suppressed = judged.flatMap((j, i) =>
      j.verdict === 'suppress' ? [{ alert: j.alert, silence: silencedBy.get(i) }] : [],
    );
    if (suppressed.length)
      this.ruleStore.suppress(
        suppressed.map(({ alert, silence }) => ({
          ...(silence ? { silenceId: silence } : {}),
          at,
          summary: alert.summary,
          severity: alert.severity,
          source: alert.source ?? null,
          dedupKey: alert.dedupKey,
          integrationId: source.integrationId,
          integrationName: source.name,
          rules: alert.rules ?? [],
        })),
      );
    const drops = new Map<string, { rule: { id: string; name: string }; count: number }>();
    for (const j of judged) {
      const rule = j.verdict === 'drop' ? j.matched.at(-1) : undefined;
      if (!rule) continue;
      const counter = drops.get(rule.id) ?? { rule, count: 0 };
      counter.count += 1;
      drops.set(rule.id, counter);
    }
    for (const { rule, count } of drops.values()) this.ruleStore.countDrops(rule, count, at);

    const routes = new Map<string, number[]>();
    judged.forEach((j, i) => {
      if (typeof j.verdict !== 'object') return;
      routes.set(j.verdict.route, [...(routes.get(j.verdict.route) ?? []), i]);
    });
    const passing = judged.filter((j) => j.verdict === 'page').map((j) => j.alert);
    const keys = [...groupByKey(passing)];
    // With nothing routed elsewhere, the payload record's detail is known once each key's outcome is.
    const ruledHere = rules.count > 0 || silencedBy.size > 0;
    if (record && !routes.size)
      record.expect(
        keys.map(([key]) => key),
        ruledHere
          ? describeRules(reportOf({ outcomes: [], alerts, ruled: true, version: rules.version }))
          : null,
      );
    const [outcomes, ...routed] = await Promise.all([
      Promise.all(
        keys.map(async ([key, batch]) => {
          const outcome = await this.queue.submit(key, batch, actor, record);
          record?.settled(outcome);
          return outcome;
        }),
      ),
      ...[...routes].map(async ([target, indexes]) => {
        const handled = (await serviceRouter(this.env, target).receiveRouted({
          serviceId: target,
          source,
          events: indexes.map((i) => (judged[i] as Judgement).alert),
          hops: hops + 1,
        })) as Handled;
        handled.alerts.forEach((there, n) => {
          const i = indexes[n] as number;
          const here = alerts[i] as AlertRuleOutcome;
          alerts[i] = {
            ...there,
            outcome: 'routed',
            then: there.outcome === 'routed' ? (there.then ?? 'passed') : there.outcome,
            notes: [...(here.notes ?? []), ...(there.notes ?? [])],
          };
          if (!alerts[i]?.notes?.length) delete alerts[i]?.notes;
        });
        return handled;
      }),
    ]);
    return {
      outcomes: [...outcomes, ...routed.flatMap((h) => h.outcomes)],
      alerts,
      ruled: ruledHere || routed.some((h) => h.ruled),
      version: rules.version,
    };
  }

  /** Recent payloads per integration, newest first, for the integration listing. */
  async recentPayloads(integrationIds: string[]): Promise<Record<string, RecordedPayload[]>> {
    return this.store.payloads(integrationIds);
  }

  /** Rate-limit, record and keep one change event. It pages no one and opens nothing. */
  async receiveChange(input: ChangeInput): Promise<ChangeResult> {
    const at = now();
    const { source } = input;
    const refused = this.gate(
      source,
      input.payload,
      input.change ? null : (input.errors ?? []),
      at,
    );
    if (refused || !input.change) return refused ?? { ok: false, reason: 'rejected' };
    const { occurredAt, ...draft } = input.change;
    // A change cannot have happened after it arrived; a sender's clock running ahead must not hide it from the incident it caused.
    const change: ChangeEvent = {
      id: newId('chg'),
      serviceId: input.serviceId,
      integrationId: source.integrationId,
      integrationName: source.name,
      ...draft,
      at: Math.min(occurredAt ?? at, at),
      receivedAt: at,
    };
    this.changes.add(change);
    this.store.recordPayload(
      source.integrationId,
      at,
      input.payload,
      'accepted',
      `change event ${change.id} recorded`,
    );
    return { ok: true, change };
  }

  /** This service's change events, newest first. */
  async recentChanges(query: ChangeQuery): Promise<ChangeEvent[]> {
    return this.changes.list(query);
  }

  /** Rate-limit, record and run one command an integration sends to an incident of this service. */
  async receiveCommand(input: CommandInput): Promise<IntegrationCommandResult> {
    const at = now();
    const { source } = input;
    const refused = this.gate(source, input.payload, null, at);
    if (refused) return refused;
    const result = (await this.incident(input.incidentId).command(
      input.command,
      actorOf(source),
    )) as CommandResult;
    const detail = result.ok
      ? `${input.command.type} on ${input.incidentId}`
      : `${input.command.type} on ${input.incidentId} refused: ${result.problem.detail}`;
    this.store.recordPayload(
      source.integrationId,
      at,
      input.payload,
      result.ok ? 'accepted' : 'rejected',
      detail.slice(0, 2000),
    );
    return { ok: true, result };
  }

  /** The incident open for a dedup key (an Opsgenie alias), if any. */
  async openIncidentFor(dedupKey: string): Promise<string | null> {
    return this.store.openIncident(dedupKey);
  }

  /** Keep what an accepted Opsgenie request did, under the request id its answer carried. */
  async recordRequest(outcome: RequestOutcome): Promise<void> {
    this.requests.record(outcome);
  }

  async requestOutcome(integrationId: string, requestId: string): Promise<RequestOutcome | null> {
    return this.requests.find(integrationId, requestId);
  }

  /**
   * Count a request against its integration's rate. Over the rate, or refused by its adapter (`errors`
   * not null), it is recorded and the refusal returned; otherwise null and the caller records the outcome.
   */
  private gate(
    source: IntakeSource,
    payload: PayloadInput,
    errors: string[] | null,
    at: number,
  ): Refused | null {
    const decision = admit(this.store.rateWindow(source.integrationId), source.ratePerMinute, at);
    if (!decision.allowed) {
      this.store.recordPayload(
        source.integrationId,
        at,
        payload,
        'rate_limited',
        `over ${source.ratePerMinute} requests a minute; retry after ${decision.retryAfterSeconds}s`,
      );
      return { ok: false, reason: 'rate-limited', retryAfterSeconds: decision.retryAfterSeconds };
    }
    this.store.saveRateWindow(source.integrationId, decision.next);
    if (errors) {
      this.store.recordPayload(
        source.integrationId,
        at,
        payload,
        'rejected',
        errors.join('; ').slice(0, 2000) || 'invalid payload',
      );
      return { ok: false, reason: 'rejected' };
    }
    return null;
  }

  /** Apply one batch for one dedup key; only ever runs once at a time per key (see KeyQueue). */
  private async apply(
    key: string,
    events: AlertEvent[],
    actor: Actor,
    records: PayloadRecord[],
  ): Promise<KeyOutcome> {
    const triggers = events.filter((e) => e.action === 'trigger');
    const mapped = this.store.openIncident(key);
    if (mapped) {
      const result = (await this.incident(mapped).ingest(events, actor)) as IngestResult;
      if (result.accepted) {
        if (result.incident.status === 'resolved') this.store.unmapKey(key, mapped);
        return { dedupKey: key, incidentId: mapped, result: 'appended' };
      }
      // "missing": the mapping was written but create() never finished (a crash or a failed D1 call);
      // creating again under the same id is safe because create() is idempotent per id.
      if (result.reason === 'missing' && triggers.length)
        return this.open(key, mapped, events, actor, records);
      // "resolved": as in PagerDuty, the key is free again and the next trigger opens a new incident.
      this.store.unmapKey(key, mapped);
    }
    // Acknowledge or resolve for a key with no open incident: accepted and dropped, as PagerDuty does.
    if (!triggers.length) return { dedupKey: key, incidentId: null, result: 'dropped' };
    const id = newId('inc');
    this.store.mapKey(key, id, now());
    return this.open(key, id, events, actor, records);
  }

  private async open(
    key: string,
    id: string,
    events: AlertEvent[],
    actor: Actor,
    records: PayloadRecord[],
  ): Promise<KeyOutcome> {
    const triggers = events.filter((e) => e.action === 'trigger');
    const first = triggers[0] as AlertEvent;
    const hold: MaintenanceHold | null = this.serviceId
      ? await this.quiet.windowAt(this.serviceId, now())
      : null;
    if (hold) this.quiet.hold(id, hold);
    const number = await this.numbers.take();
    const defaultRunbook = this.serviceId ? await this.runbook.get(this.serviceId) : undefined;
    // The requests' payloads go in this commit, with the key's mapping, rather than in one after the create.
    for (const record of records) record.opening(key, id);
    // Title and severity here are fallbacks: create() derives both from the distinct alerts of `events`.
    await this.incident(id).create({
      number,
      id,
      title: first.summary,
      description: first.source ? `From ${first.source}` : '',
      serviceId: this.serviceId,
      severity: first.severity,
      dedupKey: key,
      actor,
      events,
      maintenance: hold,
      ...(defaultRunbook !== undefined ? { defaultRunbook } : {}),
    });
    return { dedupKey: key, incidentId: id, result: 'opened' };
  }

  private incident(id: string) {
    return incidentStub(this.env, id);
  }
}

const actorOf = (source: IntakeSource): Actor => ({
  kind: 'integration',
  id: source.integrationId,
  name: source.name,
});

function groupByKey(events: readonly AlertEvent[]): Map<string, AlertEvent[]> {
  const groups = new Map<string, AlertEvent[]>();
  for (const event of events) {
    const group = groups.get(event.dedupKey);
    if (group) group.push(event);
    else groups.set(event.dedupKey, [event]);
  }
  return groups;
}

function reportOf(handled: Handled): RulesReport {
  const count = (outcome: AlertRuleOutcome['outcome']) =>
    handled.alerts.filter((a) => a.outcome === outcome).length;
  return {
    version: handled.version,
    judged: handled.alerts.length,
    passed: count('passed'),
    suppressed: count('suppressed'),
    dropped: count('dropped'),
    routed: count('routed'),
    alerts: handled.alerts.slice(0, ALERT_OUTCOMES_LISTED),
  };
}

/** "rules v3: 2 suppressed, 1 dropped": what the payload record says the rules did. */
function describeRules(r: RulesReport): string {
  const parts = (['suppressed', 'dropped', 'routed'] as const)
    .filter((k) => r[k])
    .map((k) => `${r[k]} ${k}`);
  return `rules v${r.version}: ${parts.join(', ') || 'nothing suppressed, dropped or routed'}`;
}
