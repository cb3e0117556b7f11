/**
 * What a responder can ask an incident to do, as zod shapes with the types derived from them. The HTTP
 * command routes and the live room's socket validate with these, so a command is checked the same way
 * whichever door it comes through.
 */
import { z } from '@hono/zod-openapi';
import { SEVERITIES } from './alert';
import { TITLE_MAX_CHARS } from './incident';
import { RUNBOOK_STEPS_MAX } from './runbook-schemas';

/** An Idempotency-Key (HTTP header, socket field) is 1 to this many characters. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

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
  /** Page the next escalation level now instead of waiting. */
  escalate: z.object({}).strict(),
  /** Tick (done: true) or untick a step of the incident's runbook, numbered from 1. */
  tick_step: z
    .object({ step: z.number().int().min(1).max(RUNBOOK_STEPS_MAX), done: z.boolean() })
    .strict(),
} as const;

/** A whole command, as the socket carries it: a route's body plus its `type`. */
export const incidentCommandSchema = z.discriminatedUnion('type', [
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
  commandBodies.tick_step.extend({ type: z.literal('tick_step') }),
]);

/** What a responder can ask an incident to do. */
export type IncidentCommand = z.infer<typeof incidentCommandSchema>;
