import { useState } from 'preact/hooks';
import { createSchedule } from '../../lib/admin-api';
import { useAction } from '../../lib/hooks';
import { rotationText } from '../../lib/rotation';
import type { Schedule, ScheduleLayer, User } from '../../lib/types';
import { Notice } from '../notice';

type Rotation = 'daily' | 'weekly' | 'hours';

const browserZone = () => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

/** Tomorrow 09:00, as a datetime-local value. */
function tomorrowNine(now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T09:00`;
}

/** The one-layer rotation the form describes, as the API takes it. */
export function layerFrom(users: string[], rotation: Rotation, hours: number, start: string): Pick<ScheduleLayer, 'users' | 'rotation' | 'start'> {
  return { users, rotation: rotation === 'hours' ? { type: 'custom', hours } : { type: rotation }, start };
}

/** Schedules: the ones there are, and a simple form for a new one-layer rotation. */
export function SchedulesAdmin({ schedules, users, onChanged }: { schedules: Schedule[]; users: User[]; onChanged: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [zone, setZone] = useState(browserZone);
  const [order, setOrder] = useState<string[]>([]);
  const [rotation, setRotation] = useState<Rotation>('weekly');
  const [hours, setHours] = useState(12);
  const [start, setStart] = useState(tomorrowNine);
  const { pending, outcome, run } = useAction();
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;
  const candidates = users.filter((u) => u.role !== 'viewer' && !order.includes(u.id));

  const move = (i: number) => setOrder((o) => (i === 0 ? o : [...o.slice(0, i - 1), o[i]!, o[i - 1]!, ...o.slice(i + 1)]));
  const submit = (ev: Event) => {
    ev.preventDefault();
    void run('Creating the schedule…', async () => {
      const { schedule } = await createSchedule({ name: name.trim(), timeZone: zone.trim(), layers: [layerFrom(order, rotation, hours, start)] });
      setName('');
      setOrder([]);
      await onChanged();
      return `Schedule “${schedule.name}” created. Add it to an escalation policy to page from it.`;
    });
  };

  return (
    <section aria-labelledby="schedules-admin-heading" class="stack">
      <h2 id="schedules-admin-heading">Schedules</h2>
      {schedules.length === 0 && <p class="empty">No schedules yet.</p>}
      <ul class="card-list">
        {schedules.map((s) => (
          <li key={s.id} class="card">
            <p>
              <strong>{s.name}</strong> <span class="muted small">· {s.timeZone}</span>
            </p>
            {s.layers.map((l) => (
              <p key={l.id} class="muted small">
                {rotationText(l.rotation)} from {l.start.replace('T', ' ')}: {l.users.map(nameOf).join(' → ')}
              </p>
            ))}
          </li>
        ))}
      </ul>
      <form class="card stack admin-form" onSubmit={submit} aria-labelledby="new-schedule-heading">
        <h3 id="new-schedule-heading">New schedule</h3>
        <label class="field">
          <span>Name</span>
          <input value={name} maxLength={120} placeholder="Platform primary" onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Time zone</span>
          <input value={zone} maxLength={64} autocomplete="off" onInput={(e) => setZone(e.currentTarget.value)} />
        </label>
        <fieldset class="fieldset">
          <legend>People, in rotation order</legend>
          {order.length === 0 && <p class="muted">Add the first person on call.</p>}
          <ol class="order-list">
            {order.map((id, i) => (
              <li key={id}>
                <span>{nameOf(id)}</span>
                <button type="button" class="icon-button" aria-label={`Move ${nameOf(id)} up`} disabled={i === 0} onClick={() => move(i)}>
                  ↑
                </button>
                <button type="button" class="icon-button" aria-label={`Remove ${nameOf(id)}`} onClick={() => setOrder((o) => o.filter((u) => u !== id))}>
                  ×
                </button>
              </li>
            ))}
          </ol>
          <label class="field">
            <span>Add a person</span>
            <select
              value=""
              disabled={candidates.length === 0}
              onChange={(e) => {
                const id = e.currentTarget.value;
                if (id) setOrder((o) => [...o, id]);
              }}
            >
              <option value="">Choose…</option>
              {candidates.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <div class="filters">
          <label class="field">
            <span>Hand over</span>
            <select value={rotation} onChange={(e) => setRotation(e.currentTarget.value as Rotation)}>
              <option value="daily">Daily</option>
              <option value="weekly">Weekly</option>
              <option value="hours">Every N hours</option>
            </select>
          </label>
          {rotation === 'hours' ? (
            <label class="field">
              <span>Hours</span>
              <input type="number" min={1} max={8760} value={hours} onInput={(e) => setHours(Number(e.currentTarget.value))} />
            </label>
          ) : (
            <span />
          )}
        </div>
        <label class="field">
          <span>First handover (in that time zone)</span>
          <input type="datetime-local" value={start} onInput={(e) => setStart(e.currentTarget.value)} />
        </label>
        <button type="submit" class="button button-primary" disabled={pending !== null || !name.trim() || order.length === 0 || !start}>
          Create schedule
        </button>
        <Notice outcome={outcome} pending={pending} />
      </form>
    </section>
  );
}
