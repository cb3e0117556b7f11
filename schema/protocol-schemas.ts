/**
 * The live-room wire protocol as zod shapes, one union each way, with the types derived from them
 * (./protocol re-exports the types without loading zod). The room parses client frames with
 * clientMessageSchema; server sends are checked with `satisfies ServerMessage`.
 */
import { z } from '@hono/zod-openapi';
import { MAX_IDEMPOTENCY_KEY_LENGTH, incidentCommandSchema } from './command-schemas';
import { incidentSchema, summarySchema, timelineEntrySchema } from './incident-schemas';

/** How much of a client's command id is echoed back (longer ids are cut, not refused). */
export const MAX_ECHOED_ID_LENGTH = 200;

/** Every error answer: application/problem+json over HTTP, `problem` in a socket result. */
export const problemBodySchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
  })
  .openapi('Problem');

export const viewerSchema = z.object({ id: z.string(), name: z.string() });

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('command'),
    id: z
      .string()
      .min(1)
      .transform((id) => id.slice(0, MAX_ECHOED_ID_LENGTH)),
    idempotencyKey: z.string().min(1).max(MAX_IDEMPOTENCY_KEY_LENGTH).optional(),
    command: incidentCommandSchema,
  }),
  z.object({ type: z.literal('ping') }),
]);

const timeline = z.array(timelineEntrySchema);

/**
 * Timeline pages: no message or HTTP answer carries more than 500 entries or 256 KB of them (whichever comes
 * first), oldest first within the page; entry seqs are dense (1, 2, 3 …), so a gap is visible to the client.
 */
export const serverMessageSchema = z.union([
  /**
   * First message on connect (`/live?since=N`).
   * since = 0: the newest page of the timeline; `earlier` is the cursor for the page before it (GET
   * /api/incidents/:id?before=<earlier>), null when it starts at the first entry; `more` is false.
   * since > 0 (resuming): the entries after N (and the running-count entry at N, which may have changed), first
   * page only; when `more` is true, `backlog` messages with the rest follow at once, before any `event`.
   * (`earlier` and `more` are absent from servers older than paged timelines, which sent everything at once.)
   */
  z.object({
    type: z.literal('snapshot'),
    incident: incidentSchema,
    timeline,
    since: z.number(),
    earlier: z.number().nullable().optional(),
    more: z.boolean().optional(),
    viewers: z.array(viewerSchema),
  }),
  /** The next page of a resume's entries after `since`, in order; the last one has `more: false`. */
  z.object({ type: z.literal('backlog'), timeline, more: z.boolean() }),
  /** One new timeline entry, with the incident as it is after it. */
  z.object({ type: z.literal('event'), entry: timelineEntrySchema, incident: incidentSchema }),
  /** A running-count entry (suppressed duplicates) changed in place; replace the entry with this seq. */
  z.object({
    type: z.literal('entry_updated'),
    entry: timelineEntrySchema,
    incident: incidentSchema,
  }),
  z.object({ type: z.literal('presence'), viewers: z.array(viewerSchema) }),
  /** Answer to a client command, matched by its `id`. */
  z.object({
    type: z.literal('result'),
    id: z.string(),
    ok: z.literal(true),
    incident: incidentSchema,
  }),
  z.object({
    type: z.literal('result'),
    id: z.string(),
    ok: z.literal(false),
    problem: problemBodySchema,
  }),
  z.object({ type: z.literal('pong') }),
]);

/** The incident list's live feed (/api/feed/live): every change to any incident, as its list row. */
export const feedMessageSchema = z.union([
  z.object({ type: z.literal('incident'), incident: summarySchema }),
  z.object({ type: z.literal('pong') }),
]);

export type ProblemBody = z.infer<typeof problemBodySchema>;
export type Viewer = z.infer<typeof viewerSchema>;
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type FeedMessage = z.infer<typeof feedMessageSchema>;
