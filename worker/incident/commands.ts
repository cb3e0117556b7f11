/**
 * Parsing the live room's socket frames with the protocol's one schema (schema/protocol-schemas.ts), and
 * turning what does not validate into the reason the client is answered with.
 */
import { MAX_IDEMPOTENCY_KEY_LENGTH, incidentCommandSchema } from '../../schema/command-schemas';
import type { IncidentCommand } from '../../schema/incident';
import type { ClientMessage } from '../../schema/protocol';
import { MAX_ECHOED_ID_LENGTH, clientMessageSchema } from '../../schema/protocol-schemas';

/** A command from the socket, or null when it does not validate. */
export function parseCommand(value: unknown): IncidentCommand | null {
  const result = incidentCommandSchema.safeParse(value);
  return result.success ? result.data : null;
}

/** A frame from the live room's socket: a ping, a command, or why it is not one (answered with that reason). */
export type ParsedMessage = ClientMessage | { type: 'invalid'; id: string; detail: string };

const SHAPE =
  'Messages must be JSON: {"type":"command","id":…,"command":{…},"idempotencyKey"?:…} or {"type":"ping"}.';
const BAD_COMMAND =
  'That command does not validate: check its type and fields against the HTTP route of the same name.';
const BAD_KEY = `idempotencyKey must be a string of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`;

/** Parse one socket frame; never throws. */
export function parseClientMessage(raw: string | ArrayBuffer): ParsedMessage {
  if (typeof raw !== 'string') return { type: 'invalid', id: '', detail: SHAPE };
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch {
    return { type: 'invalid', id: '', detail: SHAPE };
  }
  const result = clientMessageSchema.safeParse(value);
  if (result.success) return result.data;
  return { type: 'invalid', id: echoedId(value), detail: reason(value, result.error.issues) };
}

/** The frame's id, if it has a usable one, so the client can match the refusal to what it sent. */
function echoedId(value: unknown): string {
  return typeof value === 'object' &&
    value !== null &&
    'id' in value &&
    typeof value.id === 'string'
    ? value.id.slice(0, MAX_ECHOED_ID_LENGTH)
    : '';
}

/**
 * Why a frame is refused, most basic first: not a command frame at all (no type, id or command), then a
 * command that does not validate, then a bad idempotency key.
 */
function reason(value: unknown, issues: readonly { path: readonly PropertyKey[] }[]): string {
  const hasCommand = typeof value === 'object' && value !== null && 'command' in value;
  const fields = issues.map((issue) => issue.path[0]);
  const known = (field: PropertyKey | undefined) =>
    (field === 'command' && hasCommand) || field === 'idempotencyKey';
  if (!fields.every(known)) return SHAPE;
  return fields.includes('command') ? BAD_COMMAND : BAD_KEY;
}
