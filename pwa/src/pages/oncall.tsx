import { useEffect, useState } from 'preact/hooks';
import { AppBar } from '../components/app-bar';
import { CopyField } from '../components/copy-field';
import { FailingDrills, TeamDrillsSection } from '../components/drills';
import { MaintenanceLine } from '../components/maintenance-line';
import { Notice } from '../components/notice';
import { ScheduleCard } from '../components/schedule-card';
import { listUsers } from '../lib/api';
import { formatDayTime, formatDuration } from '../lib/format';
import { errorText, useAction, useTitle } from '../lib/hooks';
import { createCalendarFeed, getMyShifts, listSchedules } from '../lib/oncall-api';
import type { MyShifts, Schedule, User } from '../lib/types';

/** /oncall — my shifts over the next two weeks, the schedules I am in, and my calendar feed. Loaded on demand. */
export function OnCallPage({ me }: { me: User }) {
  useTitle('On call');
  const [mine, setMine] = useState<MyShifts | null>(null);
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [people, setPeople] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    const signal = ctrl.signal;
    Promise.all([getMyShifts({ signal }), listSchedules({ signal })]).then(
      ([shifts, all]) => {
        setMine(shifts);
        setSchedules(all.schedules.filter((s) => s.layers.some((l) => l.users.includes(me.id))));
      },
      (err: unknown) => !signal.aborted && setError(errorText(err)),
    );
    listUsers({ signal }).then(
      (r) => setPeople(Object.fromEntries(r.users.map((u) => [u.id, u.name]))),
      () => undefined,
    );
    return () => ctrl.abort();
  }, [me.id]);

  const now = Date.now();
  return (
    <>
      <AppBar title="On call" />
      <main class="page stack">
        <h1 class="visually-hidden">On call</h1>
        <MaintenanceLine version={0} />
        {error && (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <FailingDrills />
        {mine && !mine.reachable && (
          <p class="card secret" role="status">
            You can't be paged: no device has notifications on, and no verified email or phone is in
            your notification rules. <a href="/settings">Turn them on or add one in Settings.</a>
          </p>
        )}
        <section aria-labelledby="shifts-heading">
          <h2 id="shifts-heading">My shifts, next 14 days</h2>
          {!mine ? (
            !error && <div class="skeleton-row" aria-busy="true" />
          ) : mine.shifts.length === 0 ? (
            <p class="empty">No shifts in the next two weeks.</p>
          ) : (
            <ul class="card-list">
              {mine.shifts.map((s) => (
                <li key={`${s.scheduleId}-${s.start}`} class="card shift">
                  <p>
                    <strong>{s.scheduleName}</strong>
                    {s.start <= now && <span class="badge status-triggered">on call now</span>}
                    {s.override && <span class="badge status-acknowledged">override</span>}
                  </p>
                  <p class="muted small">
                    {formatDayTime(s.start)} → {formatDayTime(s.end)} ·{' '}
                    {formatDuration(s.end - s.start)}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="schedules-heading">
          <h2 id="schedules-heading">Schedules I'm in</h2>
          {schedules && schedules.length === 0 && (
            <p class="empty">You are not in any schedule yet.</p>
          )}
          {schedules && schedules.length > 0 && (
            <ul class="card-list">
              {schedules.map((s) => (
                <ScheduleCard
                  key={s.id}
                  schedule={s}
                  now={now}
                  nameOf={(u) => (u === me.id ? 'you' : (people[u] ?? u))}
                />
              ))}
            </ul>
          )}
        </section>
        <TeamDrillsSection me={me} />
        <CalendarFeed />
      </main>
    </>
  );
}

/** A secret URL a calendar app subscribes to; made on request because the server shows it once. */
function CalendarFeed() {
  const [url, setUrl] = useState<string | null>(null);
  const { pending, outcome, run } = useAction();
  const create = () =>
    run('Creating your calendar feed…', async () => {
      setUrl((await createCalendarFeed()).url);
      return 'Subscribe to this URL in your calendar app. Anyone with it can see your shifts.';
    });
  return (
    <section aria-labelledby="calendar-heading">
      <h2 id="calendar-heading">Calendar feed</h2>
      <p class="muted small">
        Your shifts in Google Calendar, Outlook or Apple Calendar, kept up to date.
      </p>
      {url && <CopyField label="Calendar feed URL" value={url} />}
      <button
        type="button"
        class="button"
        disabled={pending !== null}
        onClick={() => void create()}
      >
        {url ? 'Create another link' : 'Create my calendar link'}
      </button>
      <Notice outcome={outcome} pending={pending} />
    </section>
  );
}
