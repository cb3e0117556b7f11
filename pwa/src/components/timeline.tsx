import { foldPageRetries } from '../../../schema/timeline';
import { formatTime } from '../lib/format';
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

function Retries({ first, retries, now }: { first: TimelineEntry; retries: TimelineEntry[]; now: number }) {
  const last = retries[retries.length - 1]!;
  // "Paged Ana on Pixel: " is already on the line above; the latest attempt's outcome is what is new.
  const prefix = first.text.slice(0, first.text.indexOf(': ') + 2);
  const outcome = prefix && last.text.startsWith(prefix) ? last.text.slice(prefix.length) : last.text;
  return (
    <span class={`tl-retries ${last.kind === 'notification_sent' ? 'tl-retries-ok' : ''}`}>
      {retries.length === 1 ? 'Retried once' : `Retried ${retries.length} times`}, latest <time dateTime={new Date(last.at).toISOString()}>{formatTime(last.at, now)}</time>: {outcome}
    </span>
  );
}
