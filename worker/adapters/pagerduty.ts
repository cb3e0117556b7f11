/**
 * PagerDuty Events API v2: alert events (POST /v2/enqueue) and change events (POST /v2/change/enqueue).
 * Errors are worded like PagerDuty's own `{"status":"invalid event","errors":[…]}` so existing senders
 * log something familiar.
 */
import type { AlertAction, AlertEvent, AlertLink, Severity } from '../../schema/alert';
import { ALERT_ACTIONS, SEVERITIES } from '../../schema/alert';
import {
  KEY_MAX,
  capErrors,
  clip,
  isRecord,
  normalizeChange,
  normalizeEvent,
  parseTimestamp,
  unknownKeys,
  type ChangeDraft,
} from './normalize';

export type PagerDutyResult =
  { ok: true; routingKey: string; events: AlertEvent[] } | { ok: false; errors: string[] };
export type PagerDutyChangeResult =
  { ok: true; routingKey: string; change: ChangeDraft } | { ok: false; errors: string[] };

const TOP_LEVEL = new Set([
  'routing_key',
  'event_action',
  'dedup_key',
  'payload',
  'links',
  'images',
  'client',
  'client_url',
]);
const CHANGE_TOP_LEVEL = new Set(['routing_key', 'payload', 'links']);
const SEVERITY_SET: ReadonlySet<string> = new Set(SEVERITIES);
const ACTION_SET: ReadonlySet<string> = new Set(ALERT_ACTIONS);

/** The integration key, read before full validation so the route can answer 401 ahead of 400. */
export function pagerdutyRoutingKey(body: unknown): string | undefined {
  const key = isRecord(body) ? body.routing_key : undefined;
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : undefined;
}

function missingKey(body: Record<string, unknown>): string {
  return typeof body.routing_key === 'string' || body.routing_key == null
    ? "'routing_key' is missing"
    : "'routing_key' is invalid (must be a string)";
}

/** Optional string field: undefined when absent, an error when present with the wrong type. */
function optionalText(
  errors: string[],
  obj: Record<string, unknown>,
  key: string,
  label: string,
): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    errors.push(`'${label}' is invalid (must be a string)`);
    return undefined;
  }
  return value.trim() === '' ? undefined : value;
}

function requiredText(
  errors: string[],
  obj: Record<string, unknown>,
  key: string,
  label: string,
): string | undefined {
  const before = errors.length;
  const value = optionalText(errors, obj, key, label);
  if (value === undefined && errors.length === before)
    errors.push(`'${label}' is missing or blank`);
  return value;
}

function readLinks(errors: string[], body: Record<string, unknown>): AlertLink[] {
  const links: AlertLink[] = [];
  const read = (field: 'links' | 'images', hrefKey: 'href' | 'src', textKey: 'text' | 'alt') => {
    const list = body[field];
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) {
      errors.push(`'${field}' is invalid (must be an array)`);
      return;
    }
    list.forEach((item: unknown, i) => {
      if (!isRecord(item)) {
        errors.push(`'${field}[${i}]' is invalid (must be an object)`);
        return;
      }
      const href = requiredText(errors, item, hrefKey, `${field}[${i}].${hrefKey}`);
      const text = optionalText(errors, item, textKey, `${field}[${i}].${textKey}`);
      // An image's own link (href) beats its source: that is where PagerDuty sends a tap.
      const target =
        field === 'images'
          ? (optionalText(errors, item, 'href', `${field}[${i}].href`) ?? href)
          : href;
      if (target) links.push(text ? { href: target, text } : { href: target });
    });
  };
  read('links', 'href', 'text');
  read('images', 'src', 'alt');
  const clientUrl = optionalText(errors, body, 'client_url', 'client_url');
  const client = optionalText(errors, body, 'client', 'client');
  if (clientUrl) links.push({ href: clientUrl, text: client ?? 'Client' });
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
  if (!isRecord(body)) return { ok: false, errors: ["'event' is invalid (must be a JSON object)"] };
  const errors: string[] = unknownKeys(body, TOP_LEVEL)
    .slice(0, 10)
    .map((key) => `'${clip(key, 64)}' is not a recognized field`);

  const routingKey = pagerdutyRoutingKey(body);
  if (!routingKey) errors.push(missingKey(body));

  const actionValue = requiredText(errors, body, 'event_action', 'event_action');
  const action =
    actionValue && ACTION_SET.has(actionValue) ? (actionValue as AlertAction) : undefined;
  if (actionValue && !action)
    errors.push("'event_action' is invalid (must be one of trigger, acknowledge, resolve)");

  const dedupKey =
    action && action !== 'trigger'
      ? requiredText(errors, body, 'dedup_key', 'dedup_key')
      : optionalText(errors, body, 'dedup_key', 'dedup_key');
  if (dedupKey && dedupKey.length > KEY_MAX)
    errors.push(`'dedup_key' is too long (must be at most ${KEY_MAX} characters)`);

  let summary: string | undefined;
  let source: string | undefined;
  let severity: Severity | undefined;
  let occurredAt: number | undefined;
  let labels: Record<string, string> | undefined;
  const payload = body.payload;
  if (action === 'trigger') {
    if (payload === undefined || payload === null) errors.push("'payload' is missing");
    else if (!isRecord(payload)) errors.push("'payload' is invalid (must be an object)");
    else {
      summary = requiredText(errors, payload, 'summary', 'payload.summary');
      source = requiredText(errors, payload, 'source', 'payload.source');
      const sev = requiredText(errors, payload, 'severity', 'payload.severity');
      if (sev && !SEVERITY_SET.has(sev))
        errors.push(
          "'payload.severity' is invalid (must be one of critical, error, warning, info)",
        );
      else severity = sev as Severity | undefined;
      const timestamp = optionalText(errors, payload, 'timestamp', 'payload.timestamp');
      occurredAt = parseTimestamp(timestamp);
      if (timestamp && occurredAt === undefined)
        errors.push("'payload.timestamp' is invalid (must be an ISO 8601 timestamp)");
      const entries = (['component', 'group', 'class'] as const).flatMap((k) => {
        const v = optionalText(errors, payload, k, `payload.${k}`);
        return v ? [[k, v] as const] : [];
      });
      if (entries.length) labels = Object.fromEntries(entries);
    }
  } else {
    ({ summary, source, severity } = lenientPayload(payload));
  }
  const links = readLinks(errors, body);

  if (errors.length || !routingKey || !action) return { ok: false, errors: capErrors(errors) };
  const key = dedupKey ?? crypto.randomUUID();
  const event = normalizeEvent({
    action,
    dedupKey: key,
    summary: summary ?? `${action === 'acknowledge' ? 'Acknowledged' : 'Resolved'} ${key}`,
    // Non-trigger events only carry severity as a placeholder; ingestion ignores it.
    severity: severity ?? 'info',
    source,
    occurredAt,
    details: isRecord(payload) ? payload.custom_details : undefined,
    labels,
    links,
  });
  return { ok: true, routingKey, events: [event] };
}

/** Adapt one change event (POST /v2/change/enqueue); payload.timestamp becomes occurredAt. */
export function adaptPagerDutyChange(body: unknown, _now: number): PagerDutyChangeResult {
  if (!isRecord(body)) return { ok: false, errors: ["'event' is invalid (must be a JSON object)"] };
  const errors: string[] = unknownKeys(body, CHANGE_TOP_LEVEL)
    .slice(0, 10)
    .map((key) => `'${clip(key, 64)}' is not a recognized field`);
  const routingKey = pagerdutyRoutingKey(body);
  if (!routingKey) errors.push(missingKey(body));

  let summary: string | undefined;
  let source: string | undefined;
  let occurredAt: number | undefined;
  const payload = body.payload;
  if (payload === undefined || payload === null) errors.push("'payload' is missing");
  else if (!isRecord(payload)) errors.push("'payload' is invalid (must be an object)");
  else {
    summary = requiredText(errors, payload, 'summary', 'payload.summary');
    source = optionalText(errors, payload, 'source', 'payload.source');
    const timestamp = optionalText(errors, payload, 'timestamp', 'payload.timestamp');
    occurredAt = parseTimestamp(timestamp);
    if (timestamp && occurredAt === undefined)
      errors.push("'payload.timestamp' is invalid (must be an ISO 8601 timestamp)");
    if (payload.custom_details != null && !isRecord(payload.custom_details))
      errors.push("'payload.custom_details' is invalid (must be an object)");
  }
  const links = readLinks(errors, body);

  if (errors.length || !routingKey || !summary || !isRecord(payload))
    return { ok: false, errors: capErrors(errors) };
  const details =
    isRecord(payload.custom_details) && Object.keys(payload.custom_details).length
      ? payload.custom_details
      : undefined;
  return {
    ok: true,
    routingKey,
    change: normalizeChange({ summary, source, occurredAt, details, links }),
  };
}
