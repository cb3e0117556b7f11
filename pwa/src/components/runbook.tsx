/**
 * The incident's runbook: its notes rendered safely (runbook-markdown.ts) and its steps as tick boxes. The
 * checklist is read once, then kept current by the `runbook_step` entries the live room brings (schema/runbook.ts),
 * so a tick by anyone shows here at once; a tick is an incident command, recorded on the timeline.
 */
import { useEffect, useState } from 'preact/hooks';
import { withTicks } from '../../../schema/runbook';
import { errorText } from '../lib/hooks';
import { runbookHtml } from '../lib/runbook-markdown';
import { getIncidentRunbook, tickStep, type IncidentRunbook } from '../lib/runbooks-api';
import type { TimelineEntry } from '../lib/types';

export function RunbookPanel(props: {
  incidentId: string;
  timeline: readonly TimelineEntry[];
  canAct: boolean;
}) {
  const [base, setBase] = useState<IncidentRunbook | null>(null);
  const [html, setHtml] = useState('');
  const [busy, setBusy] = useState<number | null>(null);
  // A tick shows at once; it stays until the live room brings the same state (or the command fails).
  const [ticking, setTicking] = useState<Record<number, boolean>>({});
  const [error, setError] = useState<string | null>(null);
  // Read again when the live room says a runbook was attached (it is not in the socket's snapshot).
  const attached = props.timeline.some((e) => e.kind === 'runbook_attached');

  useEffect(() => {
    const ctrl = new AbortController();
    getIncidentRunbook(props.incidentId, { signal: ctrl.signal }).then(
      (r) => setBase(r.runbook),
      (err: unknown) => !ctrl.signal.aborted && setError(errorText(err)),
    );
    return () => ctrl.abort();
  }, [props.incidentId, attached]);

  useEffect(() => {
    let live = true;
    if (base?.body) void runbookHtml(base.body).then((h) => live && setHtml(h));
    return () => {
      live = false;
    };
  }, [base?.body]);

  const runbook = base ? withTicks(base, props.timeline) : null;
  const settled = runbook?.steps.filter((s) => ticking[s.number] === s.done).map((s) => s.number);
  useEffect(() => {
    if (settled?.length)
      setTicking((t) =>
        Object.fromEntries(Object.entries(t).filter(([n]) => !settled.includes(+n))),
      );
  }, [settled?.join()]);

  if (!runbook) return null;
  const done = runbook.steps.filter((s) => s.done).length;

  const tick = async (step: number, value: boolean) => {
    setBusy(step);
    setError(null);
    setTicking((t) => ({ ...t, [step]: value }));
    try {
      await tickStep(props.incidentId, step, value);
    } catch (err) {
      setError(errorText(err));
      setTicking(({ [step]: _, ...rest }) => rest);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="runbook card" aria-labelledby="runbook-heading">
      <h2 id="runbook-heading">
        Runbook: {runbook.name}{' '}
        <span class="muted">
          ({done} of {runbook.steps.length} done)
        </span>
      </h2>
      {/* Rendered by CommonMark in safe mode: raw HTML omitted, only http(s) links, no images. */}
      {html && <div class="runbook-notes" dangerouslySetInnerHTML={{ __html: html }} />}
      <ol class="runbook-steps">
        {runbook.steps.map((s) => (
          <li key={s.number}>
            <label>
              <input
                type="checkbox"
                checked={ticking[s.number] ?? s.done}
                disabled={!props.canAct || busy !== null}
                onChange={(e) => void tick(s.number, e.currentTarget.checked)}
              />{' '}
              {s.text}
            </label>
            {s.link && (
              <>
                {' '}
                <a href={s.link} target="_blank" rel="noopener noreferrer">
                  open
                </a>
              </>
            )}
            {s.done && s.by && (
              <span class="muted">
                {' '}
                · {s.by.name}, {new Date(s.at ?? 0).toLocaleTimeString()}
              </span>
            )}
          </li>
        ))}
      </ol>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
