/**
 * The runbook editor's form: steps as lines of text ("Fail over the primary | https://…" puts a link on a step),
 * to and from the RunbookInput the API takes.
 */
import type { RunbookInput, RunbookStep } from '../../../schema/runbook-schemas';

export interface RunbookForm {
  name: string;
  body: string;
  /** One step a line; ` | ` then a link. */
  steps: string;
}

export const blankRunbook = (): RunbookForm => ({ name: '', body: '', steps: '' });

export function toRunbookForm(r: {
  name: string;
  body: string;
  steps: RunbookStep[];
}): RunbookForm {
  return {
    name: r.name,
    body: r.body,
    steps: r.steps.map((s) => (s.link ? `${s.text} | ${s.link}` : s.text)).join('\n'),
  };
}

export function fromRunbookForm(f: RunbookForm): RunbookInput {
  const steps = f.steps
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const bar = line.lastIndexOf(' | ');
      if (bar === -1) return { text: line };
      return { text: line.slice(0, bar).trim(), link: line.slice(bar + 3).trim() };
    });
  return { name: f.name.trim(), body: f.body, steps };
}
