/**
 * Validation for incident commands, shared by the HTTP routes and the live room,
 * so a command is checked the same way whichever door it comes through.
 */
import { z } from '@hono/zod-openapi';
import { SEVERITIES } from '../../schema/alert';
import { TITLE_MAX_CHARS, type IncidentCommand } from '../../schema/incident';
import type { ClientMessage } from '../../schema/protocol';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency';

const text = (max: number) => z.string().trim().min(1).max(max);
const userId = z.string().min(1).max(64);

export const severitySchema = z.enum(SEVERITIES).openapi({ example: 'critical' });

/** Request bodies per command route (the `type` comes from the route). */
export const commandBodies = {
  acknowledge: z.object({}).strict(),
  resolve: z.object({ note: text(4000).optional() }).strict(),
  reopen: z.object({ reason: text(4000).optional() }).strict(),
  reassign: z.object({ assignees: z.array(userId).max(20) }).strict(),
  assign_role: z.object({ role: z.string().min(1).max(64), userId }).strict(),
  unassign_role: z.object({ role: z.string().min(1).max(64) }).strict(),
  set_severity: z.object({ severity: severitySchema }).strict(),
  add_note: z.object({ text: text(8000) }).strict(),
  post_status_update: z.object({ text: text(8000) }).strict(),
  change_title: z.object({ title: text(TITLE_MAX_CHARS) }).strict(),
  escalate: z.object({}).strict(),
} as const;

const commandSchema = z.discriminatedUnion('type', [
  commandBodies.acknowledge.extend({ type: z.literal('acknowledge') }),
  commandBodies.resolve.extend({ type: z.literal('resolve') }),
  commandBodies.reopen.extend({ type: z.literal('reopen') }),
  commandBodies.reassign.extend({ type: z.literal('reassign') }),
  commandBodies.assign_role.extend({ type: z.literal('assign_role') }),
  commandBodies.unassign_role.extend({ type: z.literal('unassign_role') }),
  commandBodies.set_severity.extend({ type: z.literal('set_severity') }),
  commandBodies.add_note.extend({ type: z.literal('add_note') }),
  commandBodies.post_status_update.extend({ type: z.literal('post_status_update') }),
  commandBodies.change_title.extend({ type: z.literal('change_title') }),
  commandBodies.escalate.extend({ type: z.literal('escalate') }),
]);

/** A command from the socket, or null when it does not validate. */
export function parseCommand(value: unknown): IncidentCommand | null {
  const result = commandSchema.safeParse(value);
  return result.success ? (result.data as IncidentCommand) : null;
}

/** A frame from the live room's socket: a ping, a command, or why it is not one (answered with that reason). */
export type ParsedMessage =
  | Exclude<ClientMessage, { type: 'command' }>
  | Extract<ClientMessage, { type: 'command' }>
  | { type: 'invalid'; id: string; detail: string };

const SHAPE =
  'Messages must be JSON: {"type":"command","id":…,"command":{…},"idempotencyKey"?:…} or {"type":"ping"}.';

/** Parse one socket frame; never throws. */
export function parseClientMessage(raw: string | ArrayBuffer): ParsedMessage {
  if (typeof raw !== 'string') return { type: 'invalid', id: '', detail: SHAPE };
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch {
    return { type: 'invalid', id: '', detail: SHAPE };
  }
  if (typeof value !== 'object' || value === null || !('type' in value))
    return { type: 'invalid', id: '', detail: SHAPE };
  if (value.type === 'ping') return { type: 'ping' };
  const id = 'id' in value && typeof value.id === 'string' ? value.id.slice(0, 200) : '';
  if (value.type !== 'command' || !id || !('command' in value))
    return { type: 'invalid', id, detail: SHAPE };
  const parsed = parseCommand(value.command);
  if (!parsed)
    return {
      type: 'invalid',
      id,
      detail:
        'That command does not validate: check its type and fields against the HTTP route of the same name.',
    };
  if (!('idempotencyKey' in value) || value.idempotencyKey === undefined)
    return { type: 'command', id, command: parsed };
  const key = value.idempotencyKey;
  if (typeof key !== 'string' || !key || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    return {
      type: 'invalid',
      id,
      detail: `idempotencyKey must be a string of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
    };
  }
  return { type: 'command', id, command: parsed, idempotencyKey: key };
}
