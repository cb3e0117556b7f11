/**
 * Runbooks on the wire: per service, Markdown with a checklist of steps. A rule's attach_runbook or the service's
 * default attaches one when an incident opens; the incident keeps a snapshot (later edits do not rewrite what a
 * responder saw), and each tick of a step is a timeline entry (schema/runbook.ts folds them).
 * Links (step links and Markdown links in the body) must be http(s); they may hold `{{ expression }}` placeholders
 * over the alert that opened the incident, rendered when the runbook is attached.
 */
import { z } from '@hono/zod-openapi';

export const RUNBOOK_BODY_MAX = 20_000;
export const RUNBOOK_STEPS_MAX = 50;
export const STEP_TEXT_MAX = 500;
export const LINK_MAX = 2_000;
/** Runbooks per service: a list an admin can still read through. */
export const RUNBOOKS_PER_SERVICE_MAX = 100;

export const RUNBOOK_ID = /^rb_[A-Za-z0-9_-]{1,60}$/;

/** Why a link may not be saved, or undefined: only http(s), written out before any placeholder. */
export function linkProblem(link: string): string | undefined {
  if (link.length > LINK_MAX) return `a link has at most ${LINK_MAX} characters`;
  if (!/^https?:\/\/[^\s{}/]/i.test(link))
    return 'a link starts with http:// or https:// and a host (placeholders may follow, e.g. https://grafana/d?var-host={{ labels.host }})';
  if (/\s/.test(link.replace(/\{\{[\s\S]*?\}\}/g, ''))) return 'a link has no spaces';
  return undefined;
}

/** The Markdown link targets in a body: `[text](target)` and `<scheme:…>` autolinks. */
export function bodyLinks(body: string): string[] {
  const found: string[] = [];
  for (const m of body.matchAll(/\]\(\s*<?((?:\{\{[^}]*\}\}|[^\s)>])+)/g))
    found.push(m[1] as string);
  for (const m of body.matchAll(/<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>/g)) found.push(m[1] as string);
  return found;
}

const link = z
  .string()
  .max(LINK_MAX)
  .superRefine((value, ctx) => {
    const problem = linkProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const runbookStepSchema = z
  .object({
    text: z.string().trim().min(1).max(STEP_TEXT_MAX).openapi({ example: 'Fail over the primary' }),
    link: link.optional().openapi({
      description: 'http(s), may use {{ }} fields of the alert',
      example: 'https://grafana.example/d/db?var-host={{ labels.host }}',
    }),
  })
  .strict()
  .openapi('RunbookStep');

export const runbookInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ example: 'Database failover' }),
    body: z
      .string()
      .max(RUNBOOK_BODY_MAX)
      .default('')
      .superRefine((value, ctx) => {
        for (const target of bodyLinks(value)) {
          const problem = linkProblem(target);
          if (problem)
            ctx.addIssue({ code: 'custom', message: `link ${JSON.stringify(target)}: ${problem}` });
        }
      })
      .openapi({ description: 'Markdown (no raw HTML is rendered); links http(s) only' }),
    steps: z
      .array(runbookStepSchema)
      .min(1, 'a runbook has at least one step')
      .max(RUNBOOK_STEPS_MAX),
  })
  .strict()
  .openapi('RunbookInput');

export const runbookSchema = runbookInputSchema
  .extend({
    id: z.string(),
    serviceId: z.string(),
    body: z.string(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Runbook');

export const defaultRunbookSchema = z
  .object({
    runbookId: z.string().max(64).nullable().openapi({
      description:
        'The runbook every incident of the service gets, unless a rule attaches another; null for none',
    }),
  })
  .strict()
  .openapi('DefaultRunbook');

/** The runbook as the incident holds it: links rendered for its alert, bad ones dropped. */
export const incidentRunbookSchema = z
  .object({
    runbookId: z.string(),
    name: z.string(),
    body: z.string(),
    attachedAt: z.number(),
    steps: z.array(
      z.object({
        number: z.number().int(),
        text: z.string(),
        link: z.string().optional(),
        done: z.boolean(),
        by: z.object({ id: z.string(), name: z.string() }).nullable(),
        at: z.number().nullable(),
      }),
    ),
  })
  .openapi('IncidentRunbook');

export type RunbookStep = z.infer<typeof runbookStepSchema>;
export type RunbookInput = z.input<typeof runbookInputSchema>;
export type Runbook = z.infer<typeof runbookSchema>;
export type IncidentRunbook = z.infer<typeof incidentRunbookSchema>;
