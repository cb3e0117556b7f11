import { useState } from 'preact/hooks';
import { useAction, useLoaded } from '../../lib/hooks';
import {
  STATE_LABELS,
  createStatusComponent,
  deleteStatusComponent,
  listStatusComponents,
  updateStatusComponent,
  type ComponentState,
  type StatusComponent,
} from '../../lib/status-api';
import type { Service } from '../../lib/types';
import { Notice } from '../notice';

const STATES = Object.keys(STATE_LABELS) as ComponentState[];

/** The public status page's components: what customers see, each standing for one or more services. */
export function StatusComponentsAdmin({ services }: { services: Service[] }) {
  const [name, setName] = useState('');
  const [group, setGroup] = useState('');
  const [serviceIds, setServiceIds] = useState<string[]>([]);
  const { pending, outcome, run } = useAction();
  const {
    data: components,
    error: loadError,
    reload,
  } = useLoaded(async () => (await listStatusComponents()).components);

  const create = (ev: Event) => {
    ev.preventDefault();
    void run('Adding…', async () => {
      await createStatusComponent({ name: name.trim(), group: group.trim() || null, serviceIds });
      setName('');
      setServiceIds([]);
      await reload();
      return 'Component added to the status page.';
    });
  };
  const override = (c: StatusComponent, value: string) =>
    void run('Saving…', async () => {
      await updateStatusComponent(c.id, {
        overrideState: value === '' ? null : (value as ComponentState),
      });
      await reload();
      return value === ''
        ? `${c.name} follows its incidents again.`
        : `${c.name} published as ${STATE_LABELS[value as ComponentState]}.`;
    });
  const remove = (c: StatusComponent) =>
    void run('Removing…', async () => {
      await deleteStatusComponent(c.id);
      await reload();
      return `${c.name} removed.`;
    });

  return (
    <section aria-labelledby="status-components-heading" class="stack">
      <h2 id="status-components-heading">Status page</h2>
      <p class="muted small">
        Components customers see on <a href="/status">/status</a>. Each stands for one or more
        services; responders publish incidents to it from the incident page.
      </p>
      <form class="card stack admin-form" aria-label="New component" onSubmit={create}>
        <label class="field">
          <span>Component name</span>
          <input
            value={name}
            maxLength={120}
            required
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Group (optional)</span>
          <input value={group} maxLength={120} onInput={(e) => setGroup(e.currentTarget.value)} />
        </label>
        <fieldset class="fieldset">
          <legend>Services</legend>
          {services.map((s) => (
            <label key={s.id} class="check">
              <input
                type="checkbox"
                checked={serviceIds.includes(s.id)}
                onChange={(e) =>
                  setServiceIds(
                    e.currentTarget.checked
                      ? [...serviceIds, s.id]
                      : serviceIds.filter((id) => id !== s.id),
                  )
                }
              />
              <span>{s.name}</span>
            </label>
          ))}
        </fieldset>
        <button
          type="submit"
          class="button button-primary"
          disabled={pending !== null || !name.trim() || serviceIds.length === 0}
        >
          Add component
        </button>
        <Notice outcome={outcome} pending={pending} />
      </form>
      {loadError && (
        <p class="notice notice-error" role="alert">
          {loadError}
        </p>
      )}
      {components?.length === 0 && <p class="empty">No components yet.</p>}
      <ul class="card-list">
        {components?.map((c) => (
          <li key={c.id} class="card stack">
            <strong>
              {c.group ? `${c.group} / ` : ''}
              {c.name}
            </strong>
            <span class="muted small">
              Now: {STATE_LABELS[c.state]} ·{' '}
              {c.serviceIds.map((id) => services.find((s) => s.id === id)?.name ?? id).join(', ')}
            </span>
            <label class="field">
              <span>Publish a state by hand</span>
              <select
                value={c.overrideState ?? ''}
                onChange={(e) => override(c, e.currentTarget.value)}
              >
                <option value="">Follow incidents</option>
                {STATES.map((s) => (
                  <option key={s} value={s}>
                    {STATE_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              class="button"
              onClick={() => remove(c)}
              disabled={pending !== null}
            >
              Remove {c.name}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
