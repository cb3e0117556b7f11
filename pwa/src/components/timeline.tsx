import { formatTime } from '../lib/format';
import type { TimelineEntry } from '../lib/types';

/** The incident's timeline, oldest first so new entries arrive at the bottom, next to the actions. */
export function Timeline({ entries, now }: { entries: TimelineEntry[]; now: number }) {
  return (
    <ol class="timeline" aria-live="polite" aria-relevant="additions" aria-label="Timeline">
      {entries.map((e) => (
        <li key={e.seq} class={`tl tl-${e.kind}`}>
          <time dateTime={new Date(e.at).toISOString()}>{formatTime(e.at, now)}</time>
          <span class="tl-actor">{e.actor.name}</span>
          <span class="tl-text">{e.text}</span>
        </li>
      ))}
    </ol>
  );
}
