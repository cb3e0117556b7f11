import { useState } from 'preact/hooks';
import { foldPageRetries } from '../../../schema/timeline';
import { formatTime } from '../lib/format';
import { errorText } from '../lib/hooks';
import { newestRunStart } from '../lib/live-state';
import type { TimelineEntry } from '../lib/types';

/**
 * The incident's timeline, oldest first so new entries arrive at the bottom, next to the actions.
 * Retries of one page to one device are folded into the line of the page they retry (schema/timeline.ts):
 * the timeline itself keeps every attempt, the screen shows one line that says where the page stands.
 */
export function Timeline({ entries, now }: { entries: TimelineEntry[]; now: number }) {
  return (
    <ol class="timeline" aria-live="polite" aria-relevant="additions" aria-label="Timeline">
      {foldPageRetries(entries).map(({ entry: e, retries }) => (
        <li key={e.seq} class={`tl tl-${e.kind}`}>
          <time dateTime={new Date(e.at).toISOString()}>{formatTime(e.at, now)}</time>
          <span class="tl-actor">{e.actor.name}</span>
          <span class="tl-text">{e.text}</span>
          {retries.length > 0 && <Retries first={e} retries={retries} now={now} />}
        </li>
      ))}
    </ol>
  );
}

/** Entries drawn at first and added per "Show earlier": a storm's timeline is tens of thousands long. */
const WINDOW = 500;

/**
 * The newest unbroken run of entries, its newest WINDOW at first. "Show earlier entries" reveals more of what
 * this page holds, and when nothing is left here asks `loadEarlier` for the page before the first one shown
 * (it resolves with how many entries it added).
 */
export function PagedTimeline({
  entries,
  now,
  loadEarlier,
}: {
  entries: TimelineEntry[];
  now: number;
  loadEarlier: (before: number) => Promise<number>;
}) {
  const [shown, setShown] = useState(WINDOW);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = entries.slice(newestRunStart(entries));
  const visible = run.slice(-shown);
  const first = visible[0];

  const showEarlier = async () => {
    if (!first) return;
    setError(null);
    if (run.length > visible.length) return setShown((n) => n + WINDOW);
    setLoading(true);
    try {
      const added = await loadEarlier(first.seq);
      setShown((n) => n + added);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoading(false);
    }
  };

  return (
    <>
      {first && first.seq > 1 && (
        <p class="timeline-earlier">
          <button
            type="button"
            class="button button-small"
            disabled={loading}
            onClick={() => void showEarlier()}
          >
            {loading ? 'Loading earlier entries…' : 'Show earlier entries'}
          </button>
          {error && (
            <span class="muted" role="alert">
              {error}
            </span>
          )}
        </p>
      )}
      <Timeline entries={visible} now={now} />
    </>
  );
}

function Retries({
  first,
  retries,
  now,
}: {
  first: TimelineEntry;
  retries: TimelineEntry[];
  now: number;
}) {
  const last = retries[retries.length - 1]!;
  // "Paged Ana on Pixel: " is already on the line above; the latest attempt's outcome is what is new.
  const prefix = first.text.slice(0, first.text.indexOf(': ') + 2);
  const outcome =
    prefix && last.text.startsWith(prefix) ? last.text.slice(prefix.length) : last.text;
  return (
    <span class={`tl-retries ${last.kind === 'notification_sent' ? 'tl-retries-ok' : ''}`}>
      {retries.length === 1 ? 'Retried once' : `Retried ${retries.length} times`}, latest{' '}
      <time dateTime={new Date(last.at).toISOString()}>{formatTime(last.at, now)}</time>: {outcome}
    </span>
  );
}
