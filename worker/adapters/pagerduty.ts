/**
 * PagerDuty Events API v2: alert events (POST /v2/enqueue) and change events (POST /v2/change/enqueue).
 * Errors are worded like PagerDuty's own `{"status":"invalid event","errors":[…]}` so existing senders
 * log something familiar.
 */
import type { z } from 'zod';
import type { AlertEvent, AlertLink, Severity } from '../../schema/alert';
import { ALERT_ACTIONS, SEVERITIES } from '../../schema/alert';
import {
  pagerDutyChangeSchema,
  pagerDutyEventSchemas,
  unrecognizedField,
  type PagerDutyTriggerPayload,
} from '../../schema/pagerduty-schemas';
import {
  capErrors,
  isRecord,
  normalizeChange,
  normalizeEvent,
  type ChangeDraft,
} from './normalize';

export type PagerDutyResult =
  { ok: true; routingKey: string; events: AlertEvent[] } | { ok: false; errors: string[] };
export type PagerDutyChangeResult =
  { ok: true; routingKey: string; change: ChangeDraft } | { ok: false; errors: string[] };

const SEVERITY_SET: ReadonlySet<string> = new Set(SEVERITIES);
const ACTION_SET: ReadonlySet<string> = new Set(ALERT_ACTIONS);

/** The integration key, read before full validation so the route can answer 401 ahead of 400. */
export function pagerdutyRoutingKey(body: unknown): string | undefined {
  const key = isRecord(body) ? body.routing_key : undefined;
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : undefined;
}

/** PagerDuty's error list: unknown fields first (at most ten named), then each field in the body's order. */
function errorsOf(error: z.ZodError): string[] {
  const unknown = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 10).map(unrecognizedField) : [],
  );
  const rest = error.issues.filter((issue) => issue.code !== 'unrecognized_keys');
  return capErrors([...unknown, ...rest.map((issue) => issue.message)]);
}

/** The link fields of an event (a change event has only `links`). */
type Linked = Partial<
  Pick<z.output<typeof pagerDutyEventSchemas.trigger>, 'links' | 'images' | 'client_url' | 'client'>
>;

/** links, then images (an image's own href beats its src), then the client's link. */
function linksOf(body: Linked): AlertLink[] {
  const links = [
    ...(body.links ?? []).map(({ href, text }) => ({ href, text })),
    ...(body.images ?? []).map(({ src, alt, href }) => ({ href: href ?? src, text: alt })),
  ].map(({ href, text }) => (text ? { href, text } : { href }));
  if (body.client_url) links.push({ href: body.client_url, text: body.client ?? 'Client' });
  return links;
}

/** PagerDuty only validates the payload of triggers; acknowledge/resolve payloads are read leniently. */
function lenientPayload(payload: unknown): {
  summary?: string;
  severity?: Severity;
  source?: string;
} {
  if (!isRecord(payload)) return {};
  const pick = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const severity = pick(payload.severity);
  return {
    summary: pick(payload.summary),
    source: pick(payload.source),
    severity: severity && SEVERITY_SET.has(severity) ? (severity as Severity) : undefined,
  };
}

/**
 * Adapt one Events API v2 event. A trigger without dedup_key gets a random key (crypto.randomUUID),
 * as PagerDuty does; the route must echo event.dedupKey back as `dedup_key` so the sender can resolve it.
 */
export function adaptPagerDuty(body: unknown, _now: number): PagerDutyResult {
  const sent = isRecord(body) ? body.event_action : undefined;
  const schema =
    sent === 'trigger'
      ? pagerDutyEventSchemas.trigger
      : typeof sent === 'string' && ACTION_SET.has(sent)
        ? pagerDutyEventSchemas.acknowledgeOrResolve
        : pagerDutyEventSchemas.unknownAction;
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: errorsOf(parsed.error) };
  const data = parsed.data;
  const action = data.event_action;
  const payload = data.payload;
  // The trigger schema checked this payload in full; the others leave it as sent.
  const checked = action === 'trigger' ? (payload as PagerDutyTriggerPayload) : undefined;
  const { summary, source, severity } = checked ?? lenientPayload(payload);
  const labels = checked
    ? Object.fromEntries(
        (['component', 'group', 'class'] as const).flatMap((k) =>
          checked[k] ? [[k, checked[k]] as const] : [],
        ),
      )
    : {};
  const key = data.dedup_key ?? crypto.randomUUID();
  const event = normalizeEvent({
    action,
    dedupKey: key,
    summary: summary ?? `${action === 'acknowledge' ? 'Acknowledged' : 'Resolved'} ${key}`,
    // Non-trigger events only carry severity as a placeholder; ingestion ignores it.
    severity: severity ?? 'info',
    source,
    occurredAt: checked?.timestamp,
    details: isRecord(payload) ? payload.custom_details : undefined,
    labels: Object.keys(labels).length ? labels : undefined,
    links: linksOf(data),
  });
  return { ok: true, routingKey: data.routing_key, events: [event] };
}

/** Adapt one change event (POST /v2/change/enqueue); payload.timestamp becomes occurredAt. */
export function adaptPagerDutyChange(body: unknown, _now: number): PagerDutyChangeResult {
  const parsed = pagerDutyChangeSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: errorsOf(parsed.error) };
  const { routing_key: routingKey, payload } = parsed.data;
  const { summary, source, timestamp: occurredAt, custom_details: custom } = payload;
  const details = isRecord(custom) && Object.keys(custom).length ? custom : undefined;
  return {
    ok: true,
    routingKey,
    change: normalizeChange({ summary, source, occurredAt, details, links: linksOf(parsed.data) }),
  };
}
