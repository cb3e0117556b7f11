/**
 * Opsgenie Alert API subset: create (POST /v2/alerts) and close/acknowledge
 * (POST /v2/alerts/{identifier}/{close|acknowledge}?identifierType=…). Failures use Opsgenie's
 * 422 wording (`{"message":"Message can not be empty.",…}`); the route adds took/requestId.
 */
import type { AlertEvent, Severity } from '../../schema/alert';
import { fallbackDedupKey, fitKey, isRecord, normalizeEvent } from './normalize';

export type OpsgenieResult = { ok: true; events: AlertEvent[] } | { ok: false; message: string };
export type OpsgenieAction = 'close' | 'acknowledge';

const PRIORITIES = new Map<string, Severity>([
  ['P1', 'critical'],
  ['P2', 'error'],
  ['P3', 'warning'],
  ['P4', 'info'],
  ['P5', 'info'],
]);
/** Opsgenie's own default priority. */
const DEFAULT_PRIORITY = 'P3';
/** Opsgenie's alias limit; accepted aliases over KEY_MAX are hashed by fitKey. */
const ALIAS_MAX = 512;

class Invalid extends Error {}

function text(obj: Record<string, unknown>, key: string, label: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Invalid(`${label} should be a string.`);
  return value.trim() === '' ? undefined : value;
}

function stringList(obj: Record<string, unknown>, key: string, label: string): string[] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((item: unknown) => typeof item === 'string');
  if (!isStrings(value)) throw new Invalid(`${label} should be a list of strings.`);
  return value.length ? value : undefined;
}

function list(obj: Record<string, unknown>, key: string, label: string): unknown[] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new Invalid(`${label} should be a list.`);
  return value.length ? value : undefined;
}

function stringMap(obj: Record<string, unknown>, key: string): Record<string, string> | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) throw new Invalid('Details should be a map of string keys to string values.');
  return Object.keys(value).length ? (value as Record<string, string>) : undefined;
}

/** Only values the sender actually set, so details stay small. */
function defined(entries: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept = Object.entries(entries).filter(([, v]) => v !== undefined);
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/** Validation throws Invalid internally and is caught here, so callers only ever see a result. */
async function guard(run: () => Promise<AlertEvent[]>): Promise<OpsgenieResult> {
  try {
    return { ok: true, events: await run() };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, message: error.message };
    throw error;
  }
}

/**
 * Create an alert. Opsgenie's `details` map becomes labels (it is a flat string map, as labels are);
 * description, tags and the routing fields go to details. Unknown fields are ignored: senders such as
 * Alertmanager add fields across versions. dedupKey = alias, or fallbackDedupKey(message, source).
 */
export function adaptOpsgenieCreate(body: unknown, _now: number): Promise<OpsgenieResult> {
  return guard(async () => {
    if (!isRecord(body)) throw new Invalid('Request body should be a JSON object.');
    const message = text(body, 'message', 'Message');
    if (!message) throw new Invalid('Message can not be empty.');
    const alias = text(body, 'alias', 'Alias');
    if (alias && alias.length > ALIAS_MAX) throw new Invalid(`Alias can not be longer than ${ALIAS_MAX} characters.`);
    const priority = text(body, 'priority', 'Priority') ?? DEFAULT_PRIORITY;
    const severity = PRIORITIES.get(priority);
    if (!severity) throw new Invalid('Priority should be one of P1, P2, P3, P4, P5.');
    const source = text(body, 'source', 'Source');
    const details = defined({
      description: text(body, 'description', 'Description'),
      priority,
      tags: stringList(body, 'tags', 'Tags'),
      entity: text(body, 'entity', 'Entity'),
      user: text(body, 'user', 'User'),
      note: text(body, 'note', 'Note'),
      responders: list(body, 'responders', 'Responders'),
      visibleTo: list(body, 'visibleTo', 'VisibleTo'),
      actions: stringList(body, 'actions', 'Actions'),
    });
    const labels = stringMap(body, 'details');
    const dedupKey = alias ? await fitKey(alias) : await fallbackDedupKey(message, source);
    return [normalizeEvent({ action: 'trigger', dedupKey, summary: message, severity, source, details, labels, links: [] })];
  });
}

/**
 * Close or acknowledge by identifier. Firebell keys incidents by alias, so identifierType "alias"
 * and "id" (Opsgenie's default when omitted) both mean the alias/dedup key; "tiny" ids do not exist here.
 * An absent body (undefined) is allowed, as Opsgenie allows it.
 */
export function adaptOpsgenieAction(
  action: OpsgenieAction,
  identifier: string,
  identifierType: string | null | undefined,
  body: unknown,
  _now: number,
): Promise<OpsgenieResult> {
  return guard(async () => {
    const type = identifierType ?? 'id';
    if (type === 'tiny') throw new Invalid('IdentifierType tiny is not supported; use alias or id.');
    if (type !== 'alias' && type !== 'id') throw new Invalid('IdentifierType should be one of id, alias, tiny.');
    if (!identifier.trim()) throw new Invalid('Identifier can not be empty.');
    if (identifier.length > ALIAS_MAX) throw new Invalid(`Identifier can not be longer than ${ALIAS_MAX} characters.`);
    const fields = body === undefined ? {} : body;
    if (!isRecord(fields)) throw new Invalid('Request body should be a JSON object.');
    const note = text(fields, 'note', 'Note');
    const user = text(fields, 'user', 'User');
    return [
      normalizeEvent({
        action: action === 'close' ? 'resolve' : 'acknowledge',
        dedupKey: await fitKey(identifier),
        summary: note ?? (action === 'close' ? 'Closed via the Opsgenie API' : 'Acknowledged via the Opsgenie API'),
        // Placeholder: ingestion ignores severity on acknowledge/resolve.
        severity: 'info',
        source: text(fields, 'source', 'Source'),
        details: defined({ note, user }),
        links: [],
      }),
    ];
  });
}
