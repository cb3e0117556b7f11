/**
 * An incident's runbook lives in its timeline: the `runbook_attached` entry carries the snapshot (steps as they
 * were when the incident opened) and each `runbook_step` entry a tick or an untick. Folding those entries gives
 * the checklist as it stands; the incident object, the review and the PWA all fold the same way.
 */
import type { TimelineEntry } from './incident';
import type { IncidentRunbook } from './runbook-schemas';

/** The snapshot an attached entry carries (links already rendered for the alert). */
export interface RunbookSnapshot {
  runbookId: string;
  name: string;
  body: string;
  steps: { text: string; link?: string }[];
}

/** What a tick entry carries: the step by its number (from 1), done or not, and who. */
export interface StepTick {
  step: number;
  done: boolean;
  userId: string;
  text: string;
}

export function attachedText(snapshot: RunbookSnapshot): string {
  return `Runbook attached: ${snapshot.name} (${snapshot.steps.length} step${snapshot.steps.length === 1 ? '' : 's'})`;
}

/** The timeline sentence for a tick: "Ada completed step 3: Fail over the primary". */
export function tickText(who: string, tick: Pick<StepTick, 'step' | 'done' | 'text'>): string {
  return `${who} ${tick.done ? 'completed' : 'unticked'} step ${tick.step}: ${tick.text}`;
}

function snapshotOf(entry: TimelineEntry): RunbookSnapshot | null {
  const d = entry.data;
  if (!d || typeof d.runbookId !== 'string' || !Array.isArray(d.steps)) return null;
  return d as unknown as RunbookSnapshot;
}

/** The incident's checklist from its timeline entries (any order of reading, folded by seq), or null. */
export function foldRunbook(entries: readonly TimelineEntry[]): IncidentRunbook | null {
  let runbook: IncidentRunbook | null = null;
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (entry.kind === 'runbook_attached') {
      const snapshot = snapshotOf(entry);
      if (!snapshot || runbook) continue; // the first attachment is the incident's runbook
      runbook = {
        runbookId: snapshot.runbookId,
        name: snapshot.name,
        body: snapshot.body,
        attachedAt: entry.at,
        steps: snapshot.steps.map((s, i) => ({
          number: i + 1,
          text: s.text,
          ...(s.link ? { link: s.link } : {}),
          done: false,
          by: null,
          at: null,
        })),
      };
    } else if (entry.kind === 'runbook_step' && runbook) applyTick(runbook, entry);
  }
  return runbook;
}

/** One tick entry on the checklist: it says the step's whole state, so applying it again changes nothing. */
function applyTick(runbook: IncidentRunbook, entry: TimelineEntry): void {
  const step = runbook.steps[Number(entry.data?.step) - 1];
  if (!step) return;
  step.done = entry.data?.done === true;
  step.by = step.done ? { id: entry.actor.id, name: entry.actor.name } : null;
  step.at = step.done ? entry.at : null;
}

/**
 * A checklist read earlier, brought up to date by the tick entries a live view holds (its newest entries, in
 * any order): the last tick of each step among them is the newest there is.
 */
export function withTicks(
  runbook: IncidentRunbook,
  entries: readonly TimelineEntry[],
): IncidentRunbook {
  const ticks = entries.filter((e) => e.kind === 'runbook_step').sort((a, b) => a.seq - b.seq);
  if (!ticks.length) return runbook;
  const copy = { ...runbook, steps: runbook.steps.map((s) => ({ ...s })) };
  for (const entry of ticks) applyTick(copy, entry);
  return copy;
}
