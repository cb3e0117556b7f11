import { formatTime } from '../lib/format';
import type { ChangeEvent } from '../lib/types';
import { LinkButtons } from './alerts';

interface Props {
  changes: ChangeEvent[];
  now: number;
  /** Unique on the page: the heading's id labels the section. */
  id: string;
  heading: string;
  level: 2 | 3;
  /** One line under the heading saying which changes these are. */
  hint: string;
}

/** Change events (deploys, config pushes): the first suspects when something breaks. Newest first. */
export function RecentChanges({ changes, now, id, heading, level, hint }: Props) {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby={id} class="changes">
      <Heading id={id}>{heading}</Heading>
      <p class="muted small change-hint">{hint}</p>
      <ul class="alert-list">
        {changes.map((c) => (
          <ChangeItem key={c.id} change={c} now={now} />
        ))}
      </ul>
    </section>
  );
}

function ChangeItem({ change, now }: { change: ChangeEvent; now: number }) {
  return (
    <li class="alert change">
      <p class="alert-summary">{change.summary}</p>
      <p class="incident-row-meta">
        <time dateTime={new Date(change.at).toISOString()}>{formatTime(change.at, now)}</time>
        {change.source && <span>{change.source}</span>}
        <span>via {change.integrationName}</span>
      </p>
      <LinkButtons links={change.links} />
    </li>
  );
}
