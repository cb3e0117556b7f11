/**
 * Opsgenie Alert API writes: create (POST /v2/alerts), close/acknowledge by alias
 * (POST /v2/alerts/{identifier}/{close|acknowledge}?identifierType=…) and the bodies of actions.
 * Failures use Opsgenie's 422 wording (`{"message":"Message can not be empty.",…}`); the route adds took/requestId.
 */
import type { AlertEvent, Severity } from '../../schema/alert';
import { fallbackDedupKey, fitKey, isRecord, normalizeEvent } from './normalize';

export type OpsgenieResult = { ok: true; events: AlertEvent[] } | { ok: false; message: string };
export type OpsgenieAction = 'close' | 'acknowledge';

/** Opsgenie priority → Firebell severity. */
export const PRIORITIES: ReadonlyMap<string, Severity> = new Map<string, Severity>([
  ['P1', 'critical'],
  ['P2', 'error'],
  ['P3', 'warning'],
  ['P4', 'info'],
  ['P5', 'info'],
]);
/** Opsgenie's own default priority. */
const DEFAULT_PRIORITY = 'P3';
/** Opsgenie's alias and identifier limit; accepted aliases over KEY_MAX are hashed by fitKey. */
export const ALIAS_MAX = 512;

class Invalid extends Error {}

function text(obj: Record<string, unknown>, key: string, label: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Invalid(`${label} should be a string.`);
  return value.trim() === '' ? undefined : value;
}

function stringList(
  obj: Record<string, unknown>,
  key: string,
  label: string,
): string[] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  const isStrings = (v: unknown): v is string[] =>
    Array.isArray(v) && v.every((item: unknown) => typeof item === 'string');
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
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string'))
    throw new Invalid('Details should be a map of string keys to string values.');
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
    if (alias && alias.length > ALIAS_MAX)
      throw new Invalid(`Alias can not be longer than ${ALIAS_MAX} characters.`);
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
    return [
      normalizeEvent({
        action: 'trigger',
        dedupKey,
        summary: message,
        severity,
        source,
        details,
        labels,
        links: [],
      }),
    ];
  });
}

/** Opsgenie's check of an identifier and its type, in Opsgenie's words; null when both are fine. */
export function identifierProblem(
  identifier: string,
  identifierType: string | null | undefined,
): string | null {
  const type = identifierType ?? 'id';
  if (type !== 'id' && type !== 'alias' && type !== 'tiny')
    return 'IdentifierType should be one of id, alias, tiny.';
  if (!identifier.trim()) return 'Identifier can not be empty.';
  if (identifier.length > ALIAS_MAX)
    return `Identifier can not be longer than ${ALIAS_MAX} characters.`;
  return null;
}

/** What an action's body may carry (close, acknowledge, add note). */
export interface ActionFields {
  note?: string;
  user?: string;
  source?: string;
}

function actionFields(body: unknown): ActionFields {
  const fields = body === undefined ? {} : body;
  if (!isRecord(fields)) throw new Invalid('Request body should be a JSON object.');
  const note = text(fields, 'note', 'Note');
  const user = text(fields, 'user', 'User');
  const source = text(fields, 'source', 'Source');
  return { ...(note ? { note } : {}), ...(user ? { user } : {}), ...(source ? { source } : {}) };
}

/** Read an action's body; an absent body (undefined) is allowed, as Opsgenie allows it. */
export function readActionFields(
  body: unknown,
): { ok: true; fields: ActionFields } | { ok: false; message: string } {
  try {
    return { ok: true, fields: actionFields(body) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, message: error.message };
    throw error;
  }
}

/**
 * Close or acknowledge by alias: the event goes to whatever incident is open for that dedup key.
 * The route sends actions by incident id or tiny id straight to the incident; an identifierType "id"
 * that names no incident is read as an alias, so senders that omit identifierType keep working.
 */
export function adaptOpsgenieAction(
  action: OpsgenieAction,
  identifier: string,
  identifierType: string | null | undefined,
  body: unknown,
  _now: number,
): Promise<OpsgenieResult> {
  return guard(async () => {
    const problem = identifierProblem(identifier, identifierType);
    if (problem) throw new Invalid(problem);
    if (identifierType === 'tiny')
      throw new Invalid('A tiny id names an incident, not an alias; look it up before adapting.');
    const { note, user, source } = actionFields(body);
    return [
      normalizeEvent({
        action: action === 'close' ? 'resolve' : 'acknowledge',
        dedupKey: await fitKey(identifier),
        summary:
          note ??
          (action === 'close'
            ? 'Closed via the Opsgenie API'
            : 'Acknowledged via the Opsgenie API'),
        // Placeholder: ingestion ignores severity on acknowledge/resolve.
        severity: 'info',
        source,
        details: defined({ note, user }),
        links: [],
      }),
    ];
  });
}
