/**
 * Opsgenie Alert API writes: create (POST /v2/alerts), close/acknowledge by alias
 * (POST /v2/alerts/{identifier}/{close|acknowledge}?identifierType=…) and the bodies of actions.
 * Failures use Opsgenie's 422 wording (`{"message":"Message can not be empty.",…}`); the route adds took/requestId.
 */
import type { z } from 'zod';
import type { AlertEvent, Severity } from '../../schema/alert';
import {
  ALIAS_MAX,
  opsgenieActionSchema,
  opsgenieCreateSchema,
  type OpsgeniePriority,
} from '../../schema/opsgenie-schemas';
import { fallbackDedupKey, fitKey, normalizeEvent } from './normalize';

export { ALIAS_MAX } from '../../schema/opsgenie-schemas';

export type OpsgenieResult = { ok: true; events: AlertEvent[] } | { ok: false; message: string };
export type OpsgenieAction = 'close' | 'acknowledge';

/** Opsgenie priority → Firebell severity. */
export const PRIORITIES: ReadonlyMap<string, Severity> = new Map<OpsgeniePriority, Severity>([
  ['P1', 'critical'],
  ['P2', 'error'],
  ['P3', 'warning'],
  ['P4', 'info'],
  ['P5', 'info'],
]);
/** Opsgenie's own default priority. */
const DEFAULT_PRIORITY: OpsgeniePriority = 'P3';

class Invalid extends Error {}

/** The body as `schema` reads it, or Invalid with the first problem: Opsgenie answers one sentence. */
function read<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Invalid(parsed.error.issues[0]?.message ?? 'Invalid body.');
  return parsed.data;
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
    const { message, alias, source, details: labels, ...rest } = read(opsgenieCreateSchema, body);
    const priority = rest.priority ?? DEFAULT_PRIORITY;
    const severity = PRIORITIES.get(priority) as Severity;
    const details = defined({
      description: rest.description,
      priority,
      tags: rest.tags,
      entity: rest.entity,
      user: rest.user,
      note: rest.note,
      responders: rest.responders,
      visibleTo: rest.visibleTo,
      actions: rest.actions,
    });
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
  const { note, user, source } = read(opsgenieActionSchema, body === undefined ? {} : body);
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
