import { useState } from 'preact/hooks';
import { formatDayTime } from '../../lib/format';
import { useAction, useLoaded } from '../../lib/hooks';
import {
  createWindow,
  endWindow,
  listWindows,
  type MaintenanceWindow,
  type WindowInput,
} from '../../lib/maintenance-api';
import type { Service } from '../../lib/types';
import { Notice } from '../notice';

type Kind = 'once' | 'rrule' | 'cron';

interface Draft {
  name: string;
  serviceIds: string[];
  kind: Kind;
  /** datetime-local values, in this device's zone. */
  start: string;
  end: string;
  rule: string;
  expression: string;
  timeZone: string;
  durationMinutes: string;
  /** Opt-in: show it on the public status page under `publicName`. */
  publish: boolean;
  publicName: string;
}

const localInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

const blank = (): Draft => ({
  name: '',
  serviceIds: [],
  kind: 'once',
  start: localInput(Date.now()),
  end: localInput(Date.now() + 3_600_000),
  rule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0',
  expression: '0 2 * * 0',
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  durationMinutes: '60',
  publish: false,
  publicName: '',
});

function bodyOf(d: Draft): WindowInput {
  const base = {
    name: d.name.trim(),
    serviceIds: d.serviceIds,
    ...(d.publish ? { statusPage: { publicName: d.publicName.trim() } } : {}),
  };
  if (d.kind === 'once')
    return {
      ...base,
      schedule: {
        type: 'once',
        start: new Date(d.start).getTime(),
        end: new Date(d.end).getTime(),
      },
    };
  const common = { timeZone: d.timeZone, durationMinutes: Number(d.durationMinutes) };
  return {
    ...base,
    schedule:
      d.kind === 'rrule'
        ? { type: 'rrule', rule: d.rule, ...common }
        : { type: 'cron', expression: d.expression, ...common },
  };
}

const scheduleText = (w: MaintenanceWindow) =>
  w.schedule.type === 'once'
    ? 'one-off'
    : `${w.schedule.type === 'rrule' ? w.schedule.rule : w.schedule.expression} in ${w.schedule.timeZone}, ${w.schedule.durationMinutes} min`;

/** Maintenance windows: create one-off or recurring windows for one or several services, list them, end one now. */
export function MaintenanceAdmin({ services }: { services: Service[] }) {
  const [draft, setDraft] = useState<Draft>(blank);
  const { pending, outcome, run } = useAction();
  const {
    data: windows,
    error: loadError,
    reload,
  } = useLoaded(async () => (await listWindows()).windows);

  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));
  const create = (ev: Event) => {
    ev.preventDefault();
    void run('Saving…', async () => {
      await createWindow(bodyOf(draft));
      setDraft(blank());
      await reload();
      return 'Window saved. Alerts in it open incidents but page no one.';
    });
  };
  const end = (w: MaintenanceWindow) =>
    void run('Ending…', async () => {
      await endWindow(w.id);
      await reload();
      return `${w.name} ended: incidents it held page from level 1.`;
    });
  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? id;

  return (
    <section aria-labelledby="maintenance-heading" class="stack">
      <h2 id="maintenance-heading">Maintenance windows</h2>
      <p class="muted small">
        During a window alerts still open and update incidents, but no one is paged. An incident
        still open when the window ends pages from level 1.
      </p>
      <form class="card stack admin-form" aria-label="New maintenance window" onSubmit={create}>
        <label class="field">
          <span>Name</span>
          <input
            value={draft.name}
            maxLength={120}
            placeholder="Postgres 17 upgrade"
            onInput={(e) => set({ name: e.currentTarget.value })}
          />
        </label>
        <fieldset class="fieldset">
          <legend>Services</legend>
          {services.map((s) => (
            <label key={s.id} class="check">
              <input
                type="checkbox"
                checked={draft.serviceIds.includes(s.id)}
                onChange={(e) =>
                  set({
                    serviceIds: e.currentTarget.checked
                      ? [...draft.serviceIds, s.id]
                      : draft.serviceIds.filter((id) => id !== s.id),
                  })
                }
              />
              <span>{s.name}</span>
            </label>
          ))}
        </fieldset>
        <label class="field">
          <span>Repeats</span>
          <select value={draft.kind} onChange={(e) => set({ kind: e.currentTarget.value as Kind })}>
            <option value="once">Once</option>
            <option value="rrule">Recurring (RRULE)</option>
            <option value="cron">Recurring (cron)</option>
          </select>
        </label>
        {draft.kind === 'once' ? (
          <>
            <label class="field">
              <span>Starts</span>
              <input
                type="datetime-local"
                value={draft.start}
                onInput={(e) => set({ start: e.currentTarget.value })}
              />
            </label>
            <label class="field">
              <span>Ends</span>
              <input
                type="datetime-local"
                value={draft.end}
                onInput={(e) => set({ end: e.currentTarget.value })}
              />
            </label>
          </>
        ) : (
          <>
            {draft.kind === 'rrule' ? (
              <label class="field">
                <span>RRULE</span>
                <input
                  value={draft.rule}
                  maxLength={500}
                  onInput={(e) => set({ rule: e.currentTarget.value })}
                />
              </label>
            ) : (
              <label class="field">
                <span>Cron</span>
                <input
                  value={draft.expression}
                  maxLength={200}
                  onInput={(e) => set({ expression: e.currentTarget.value })}
                />
              </label>
            )}
            <label class="field">
              <span>Time zone</span>
              <input
                value={draft.timeZone}
                maxLength={64}
                onInput={(e) => set({ timeZone: e.currentTarget.value })}
              />
            </label>
            <label class="field">
              <span>Minutes each time</span>
              <input
                type="number"
                min={1}
                value={draft.durationMinutes}
                onInput={(e) => set({ durationMinutes: e.currentTarget.value })}
              />
            </label>
          </>
        )}
        <label class="check">
          <input
            type="checkbox"
            checked={draft.publish}
            onChange={(e) => set({ publish: e.currentTarget.checked })}
          />
          <span>Publish to status page</span>
        </label>
        {draft.publish && (
          <label class="field">
            <span>Public name</span>
            <input
              value={draft.publicName}
              maxLength={120}
              required
              placeholder="Database upgrade"
              onInput={(e) => set({ publicName: e.currentTarget.value })}
            />
          </label>
        )}
        <button
          type="submit"
          class="button button-primary"
          disabled={
            pending !== null ||
            !draft.name.trim() ||
            draft.serviceIds.length === 0 ||
            (draft.publish && !draft.publicName.trim())
          }
        >
          Save window
        </button>
        <Notice outcome={outcome} pending={pending} />
      </form>
      {loadError && (
        <p class="notice notice-error" role="alert">
          {loadError}
        </p>
      )}
      {windows?.length === 0 && <p class="empty">No maintenance windows.</p>}
      <ul class="card-list" aria-label="Maintenance windows">
        {windows?.map((w) => (
          <li key={w.id} class="card stack">
            <strong>{w.name}</strong>
            <span class="muted small">
              {w.serviceIds.map(serviceName).join(', ')} · {scheduleText(w)}
            </span>
            {w.statusPage && (
              <span class="muted small">On the status page as “{w.statusPage.publicName}”</span>
            )}
            {w.current ? (
              <span>
                In progress until {formatDayTime(w.current.end)}{' '}
                <button type="button" class="button" onClick={() => end(w)}>
                  End now
                </button>
              </span>
            ) : w.next ? (
              <span class="muted">
                Next: {formatDayTime(w.next.start)} – {formatDayTime(w.next.end)}
              </span>
            ) : (
              <span class="muted">Over</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
