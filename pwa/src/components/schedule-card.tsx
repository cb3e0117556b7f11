import type { ComponentChildren } from 'preact';
import { gapNow, gapText } from '../lib/coverage';
import { rotationText, restrictionText } from '../lib/rotation';
import type { Coverage, Schedule } from '../lib/types';

const SHOWN_GAPS = 3;

interface Props {
  schedule: Schedule;
  /** How to show a user id ("you" for me on the on-call screen). */
  nameOf: (userId: string) => string;
  now: number;
  /** Actions and editors below the summary (the Admin screen's). */
  children?: ComponentChildren;
}

/** One schedule, the same on the On call and Admin screens: its layers in words and when nobody is on call. */
export function ScheduleCard({ schedule, nameOf, now, children }: Props) {
  const several = schedule.layers.length > 1;
  return (
    <li class="card schedule-card">
      <p>
        <strong>{schedule.name}</strong> <span class="muted small">· {schedule.timeZone}</span>
      </p>
      {schedule.layers.map((l) => (
        <p key={l.id} class="muted small">
          {several ? `${l.name}: ` : ''}
          {rotationText(l.rotation)} from {l.start.replace('T', ' ')}:{' '}
          {l.users.map(nameOf).join(' → ')}
          {l.restrictions?.length
            ? ` · only ${l.restrictions.map(restrictionText).join(', ')}`
            : ''}
        </p>
      ))}
      <CoverageNote
        coverage={schedule.coverage}
        title="Nobody on call"
        label={`Coverage gaps in ${schedule.name}`}
        now={now}
      />
      {children}
    </li>
  );
}

/** "Nobody on call: now → Wed 09:00", then the next few; silence when every hour of the coming days is covered. */
export function CoverageNote({
  coverage,
  title,
  label,
  now,
}: {
  coverage: Coverage | undefined;
  title: string;
  label: string;
  now: number;
}) {
  if (!coverage?.gaps.length) return null;
  const shown = coverage.gaps.slice(0, SHOWN_GAPS);
  const more = coverage.gaps.length - shown.length;
  const days = Math.round((coverage.to - coverage.from) / 86_400_000);
  return (
    <div
      class={`gaps ${gapNow(coverage.gaps, now) ? 'gaps-now' : ''}`}
      role="note"
      aria-label={label}
    >
      <p class="gaps-title">{title}</p>
      <ul class="plain-list small">
        {shown.map((g) => (
          <li key={g.start}>{gapText(g, coverage.to, now)}</li>
        ))}
        {more > 0 && (
          <li class="muted">
            and {more} more in the next {days} days
          </li>
        )}
      </ul>
    </div>
  );
}
