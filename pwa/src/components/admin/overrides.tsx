import { useState } from 'preact/hooks';
import { addOverride, deleteOverride } from '../../lib/admin-api';
import { browserZone, wallNow, whenShort } from '../../lib/coverage';
import { useAction } from '../../lib/hooks';
import type { Schedule, User } from '../../lib/types';
import { ConfirmButton } from '../confirm-button';
import { Notice } from '../notice';

const HOUR = 3_600_000;

/** A datetime-local value, read in the phone's own time zone, as epoch milliseconds (NaN when empty). */
const instantOf = (local: string) => (local ? new Date(local).getTime() : NaN);

interface Props {
  schedule: Schedule;
  users: User[];
  onChanged: () => Promise<void>;
}

/** Someone on call instead of the rotation for a while: the ones not over yet, and a form for another. */
export function OverridesEditor({ schedule, users, onChanged }: Props) {
  const here = browserZone();
  const [userId, setUserId] = useState('');
  const [from, setFrom] = useState(() => wallNow(here, Date.now()));
  const [to, setTo] = useState(() => wallNow(here, Date.now() + 8 * HOUR));
  const { pending, outcome, run } = useAction();
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;
  const now = Date.now();
  const overrides = schedule.overrides ?? [];
  const start = instantOf(from);
  const end = instantOf(to);
  const ready = userId && start < end;

  const add = (ev: Event) => {
    ev.preventDefault();
    void run('Adding the override…', async () => {
      await addOverride(schedule.id, { userId, start, end });
      await onChanged();
      return `${nameOf(userId)} is on call for ${schedule.name} ${whenShort(start, Date.now())} → ${whenShort(end, Date.now())}.`;
    });
  };
  const remove = (id: string) =>
    void run('Removing the override…', async () => {
      await deleteOverride(schedule.id, id);
      await onChanged();
      return 'Override removed: the rotation decides again.';
    });

  return (
    <section class="stack" aria-label={`Overrides for ${schedule.name}`}>
      <h4>Overrides</h4>
      {overrides.length === 0 ? (
        <p class="muted small">None coming up.</p>
      ) : (
        <ul class="plain-list">
          {overrides.map((o) => (
            <li key={o.id} class="override-row">
              <span>
                {nameOf(o.userId)}{' '}
                <span class="muted small">
                  · {whenShort(o.start, now)} → {whenShort(o.end, now)}
                </span>
              </span>
              <ConfirmButton
                label="Remove"
                confirm="Tap again to remove"
                disabled={pending !== null}
                onConfirm={() => remove(o.id)}
              />
            </li>
          ))}
        </ul>
      )}
      <form class="stack" onSubmit={add}>
        <label class="field">
          <span>Put on call instead</span>
          <select value={userId} onChange={(e) => setUserId(e.currentTarget.value)}>
            <option value="">Choose…</option>
            {users
              .filter((u) => u.role !== 'viewer')
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </select>
        </label>
        <div class="filters filters-1">
          <label class="field">
            <span>From (your time)</span>
            <input
              type="datetime-local"
              value={from}
              onInput={(e) => setFrom(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>Until (your time)</span>
            <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
        </div>
        <button type="submit" class="button" disabled={pending !== null || !ready}>
          Add override
        </button>
      </form>
      <Notice outcome={outcome} pending={pending} />
    </section>
  );
}
