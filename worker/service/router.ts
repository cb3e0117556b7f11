/**
 * One Durable Object per service: every monitor event for the service passes through here.
 * It owns the dedup key → open incident table, the per-integration rate limit and the recent payloads,
 * and serializes work per dedup key so simultaneous triggers open one incident, not several.
 */
import { DurableObject } from 'cloudflare:workers';
import type { AlertEvent, IntegrationType } from '../../schema/alert';
import type { Actor } from '../../schema/incident';
import { now } from '../clock';
import type { Env } from '../env';
import { newId } from '../ids';
import type { IngestResult } from '../incident/object';
import { KeyQueue } from './key-queue';
import { admit } from './rate-limit';
import type { PayloadInput, RecordedPayload } from '../../schema/directory';
import { RouterStore } from './store';

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
}

/** What happened to the events of one dedup key. */
export interface KeyOutcome {
  dedupKey: string;
  incidentId: string | null;
  result: 'opened' | 'appended' | 'dropped';
}

export type ReceiveResult =
  | { ok: true; outcomes: KeyOutcome[] }
  | { ok: false; reason: 'rate-limited'; retryAfterSeconds: number }
  | { ok: false; reason: 'rejected' };

export class ServiceRouter extends DurableObject<Env> {
  private readonly store: RouterStore;
  private readonly queue: KeyQueue<KeyOutcome>;
  private serviceId: string | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RouterStore(ctx.storage.sql);
    this.queue = new KeyQueue((key, events, actor) => this.apply(key, events, actor));
  }

  /** Rate-limit, record and route one request's events; resolves when every incident involved has taken them. */
  async receive(input: ReceiveInput): Promise<ReceiveResult> {
    this.serviceId = input.serviceId;
    const at = now();
    const { source } = input;
    const decision = admit(this.store.rateWindow(source.integrationId), source.ratePerMinute, at);
    if (!decision.allowed) {
      this.store.recordPayload(source.integrationId, at, input.payload, 'rate_limited', `over ${source.ratePerMinute} requests a minute; retry after ${decision.retryAfterSeconds}s`);
      return { ok: false, reason: 'rate-limited', retryAfterSeconds: decision.retryAfterSeconds };
    }
    this.store.saveRateWindow(source.integrationId, decision.next);
    if (!input.events) {
      this.store.recordPayload(source.integrationId, at, input.payload, 'rejected', (input.errors ?? []).join('; ').slice(0, 2000) || 'invalid payload');
      return { ok: false, reason: 'rejected' };
    }

    const actor: Actor = { kind: 'integration', id: source.integrationId, name: source.name };
    try {
      const outcomes = await Promise.all([...groupByKey(input.events)].map(([key, events]) => this.queue.submit(key, events, actor)));
      this.store.recordPayload(source.integrationId, at, input.payload, 'accepted', outcomes.map(describe).join('; ') || 'no events');
      return { ok: true, outcomes };
    } catch (error) {
      this.store.recordPayload(source.integrationId, at, input.payload, 'failed', 'could not be applied; the sender should retry');
      throw error;
    }
  }

  /** Recent payloads per integration, newest first, for the integration listing. */
  async recentPayloads(integrationIds: string[]): Promise<Record<string, RecordedPayload[]>> {
    return this.store.payloads(integrationIds);
  }

  /** Apply one batch for one dedup key; only ever runs once at a time per key (see KeyQueue). */
  private async apply(key: string, events: AlertEvent[], actor: Actor): Promise<KeyOutcome> {
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
      if (result.reason === 'missing' && triggers.length) return this.open(key, mapped, events, actor);
      // "resolved": as in PagerDuty, the key is free again and the next trigger opens a new incident.
      this.store.unmapKey(key, mapped);
    }
    // Acknowledge or resolve for a key with no open incident: accepted and dropped, as PagerDuty does.
    if (!triggers.length) return { dedupKey: key, incidentId: null, result: 'dropped' };
    const id = newId('inc');
    this.store.mapKey(key, id, now());
    return this.open(key, id, events, actor);
  }

  private async open(key: string, id: string, events: AlertEvent[], actor: Actor): Promise<KeyOutcome> {
    const triggers = events.filter((e) => e.action === 'trigger');
    const first = triggers[0] as AlertEvent;
    // Title and severity here are fallbacks: create() derives both from the distinct alerts of `events`.
    await this.incident(id).create({
      id,
      title: first.summary,
      description: first.source ? `From ${first.source}` : '',
      serviceId: this.serviceId,
      severity: first.severity,
      dedupKey: key,
      actor,
      events,
    });
    return { dedupKey: key, incidentId: id, result: 'opened' };
  }

  private incident(id: string) {
    return this.env.INCIDENT.get(this.env.INCIDENT.idFromName(id));
  }
}

function groupByKey(events: readonly AlertEvent[]): Map<string, AlertEvent[]> {
  const groups = new Map<string, AlertEvent[]>();
  for (const event of events) {
    const group = groups.get(event.dedupKey);
    if (group) group.push(event);
    else groups.set(event.dedupKey, [event]);
  }
  return groups;
}

function describe(o: KeyOutcome): string {
  if (o.result === 'dropped') return `dropped: no open incident for ${o.dedupKey}`;
  return `${o.result === 'opened' ? 'opened' : 'appended to'} ${o.incidentId}`;
}
