/**
 * An incident's runbook: the snapshot taken when it is attached (links rendered for the alert that opened the
 * incident, only http(s) kept) and the decision on a tick. Both are timeline entries (schema/runbook.ts), so
 * the ledger commits them like any other change and the room broadcasts them live.
 */
import type { AlertEvent } from '../../schema/alert';
import type { Actor, IncidentCommand } from '../../schema/incident';
import { attachedText, foldRunbook, tickText, type RunbookSnapshot } from '../../schema/runbook';
import { bodyLinks, type Runbook } from '../../schema/runbook-schemas';
import type { TimelineEntry } from '../../schema/incident';
import { asText, evaluate, placeholders } from '../mapping/expression';
import { alertView } from '../rules/evaluate';
import { runbookFor } from '../directory/runbooks';
import type { CreateIncidentInput } from './open';
import type { EntryDraft } from './reducer';

/**
 * A link with its `{{ }}` fields filled from the alert, each value URL-encoded so it cannot change the link's
 * host or path; undefined when a field has no value or the result is not an http(s) URL.
 */
export async function renderLink(template: string, item: unknown): Promise<string | undefined> {
  let text = '';
  try {
    const parts = placeholders(template);
    let last = 0;
    for (const part of parts) {
      text += template.slice(last, part.start);
      last = part.end;
      const value = asText(await evaluate(part.expr, item));
      if (value === undefined) return undefined;
      text += encodeURIComponent(value);
    }
    text += template.slice(last);
  } catch {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
}

/** The runbook as the incident keeps it: links rendered for `alert`; a link that does not render is dropped. */
export async function snapshotFor(
  runbook: Runbook,
  alert: AlertEvent | undefined,
): Promise<RunbookSnapshot> {
  const item = alert ? alertView(alert, '') : {};
  const steps = await Promise.all(
    runbook.steps.map(async (step) => {
      const link = step.link ? await renderLink(step.link, item) : undefined;
      return { text: step.text, ...(link ? { link } : {}) };
    }),
  );
  let body = runbook.body;
  for (const target of new Set(bodyLinks(body))) {
    const rendered = (await renderLink(target, item)) ?? '#';
    body = body.split(`](${target}`).join(`](${rendered}`);
  }
  return { runbookId: runbook.id, name: runbook.name, body, steps };
}

/**
 * The runbook a new incident gets, as a snapshot: the one a rule named (the last trigger naming one, if it still
 * exists), else the service's default; null when neither, or when D1 cannot answer.
 */
export async function runbookAtOpening(
  db: D1Database,
  input: Pick<CreateIncidentInput, 'serviceId' | 'events' | 'defaultRunbook'>,
): Promise<RunbookSnapshot | null> {
  const triggers = (input.events ?? []).filter((e) => e.action === 'trigger');
  const named = triggers.findLast((e) => e.runbookId !== undefined);
  try {
    // The router's copy of the default saves the read before the 202; a runbook a rule names is read here.
    const runbook =
      !named && input.defaultRunbook !== undefined
        ? input.defaultRunbook
        : await runbookFor(db, input.serviceId ?? null, named?.runbookId);
    return runbook ? await snapshotFor(runbook, named ?? triggers[0]) : null;
  } catch (err) {
    // A runbook is help, not the page: the incident opens (and pages) without it rather than not at all.
    console.error('runbook lookup failed; opening the incident without one', err);
    return null;
  }
}

export function attachedEntry(snapshot: RunbookSnapshot): EntryDraft {
  return { kind: 'runbook_attached', text: attachedText(snapshot), data: { ...snapshot } };
}

export type TickDecision =
  { ok: true; entry: EntryDraft | null } | { ok: false; status: 400 | 409; detail: string };

/** A tick or untick on the checklist folded from `entries`; ticking what is already ticked changes nothing. */
export function decideTick(
  entries: readonly TimelineEntry[],
  command: Extract<IncidentCommand, { type: 'tick_step' }>,
  actor: Actor,
): TickDecision {
  const runbook = foldRunbook(entries);
  if (!runbook) return { ok: false, status: 409, detail: 'This incident has no runbook attached.' };
  const step = runbook.steps[command.step - 1];
  if (!step)
    return {
      ok: false,
      status: 400,
      detail: `step: the runbook "${runbook.name}" has steps 1 to ${runbook.steps.length}.`,
    };
  if (step.done === command.done) return { ok: true, entry: null };
  const tick = { step: command.step, done: command.done, userId: actor.id, text: step.text };
  return {
    ok: true,
    entry: { kind: 'runbook_step', text: tickText(actor.name, tick), data: tick },
  };
}
