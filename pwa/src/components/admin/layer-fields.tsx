import { DAY_NAMES } from '../../lib/rotation';
import type { Restriction, ScheduleLayer, User } from '../../lib/types';

export type RotationChoice = 'daily' | 'weekly' | 'hours';

let keys = 0;
/** A stable key for list items being edited (ids are made by the server). */
export const nextKey = () => ++keys;

export interface DraftRestriction extends Restriction {
  key: number;
}

/** One layer as the form holds it. */
export interface DraftLayer {
  key: number;
  id?: string;
  name: string;
  users: string[];
  rotation: RotationChoice;
  hours: number;
  /** datetime-local value in the schedule's zone. */
  start: string;
  restrictions: DraftRestriction[];
}

export function draftOf(l: ScheduleLayer): DraftLayer {
  const fixed = l.rotation.type === 'daily' || l.rotation.type === 'weekly';
  return {
    key: nextKey(),
    id: l.id,
    name: l.name,
    users: [...l.users],
    rotation: fixed ? (l.rotation.type as RotationChoice) : 'hours',
    hours: l.rotation.hours ?? 1,
    start: l.start.slice(0, 16),
    restrictions: (l.restrictions ?? []).map((r) => ({ ...r, key: nextKey() })),
  };
}

/** The layer as the API takes it; "every N hours" is a custom rotation (hourly is custom with 1). */
export function layerInput(d: DraftLayer) {
  return {
    ...(d.id ? { id: d.id } : {}),
    ...(d.name.trim() ? { name: d.name.trim() } : {}),
    users: d.users,
    rotation:
      d.rotation === 'hours' ? { type: 'custom' as const, hours: d.hours } : { type: d.rotation },
    start: d.start,
    ...(d.restrictions.length
      ? {
          restrictions: d.restrictions.map(({ days, from, to }) => ({
            days: [...days].sort((a, b) => a - b),
            from,
            to,
          })),
        }
      : {}),
  };
}

interface Props {
  layer: DraftLayer;
  index: number;
  /** Several layers: each gets a name field and a remove button. */
  several: boolean;
  users: User[];
  onChange: (change: Partial<DraftLayer>) => void;
  onRemove: () => void;
}

/** One layer of a schedule: who rotates, how often, from when, and (optionally) only within weekly windows. */
export function LayerFields({ layer, index, several, users, onChange, onRemove }: Props) {
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;
  const candidates = users.filter((u) => u.role !== 'viewer' && !layer.users.includes(u.id));
  const n = index + 1;
  const move = (i: number) =>
    onChange({
      users: [
        ...layer.users.slice(0, i - 1),
        layer.users[i]!,
        layer.users[i - 1]!,
        ...layer.users.slice(i + 1),
      ],
    });
  const setRestriction = (key: number, change: Partial<Restriction>) =>
    onChange({
      restrictions: layer.restrictions.map((r) => (r.key === key ? { ...r, ...change } : r)),
    });

  return (
    <fieldset class="fieldset">
      <legend>{several ? `Layer ${n}` : 'Rotation'}</legend>
      {several && (
        <label class="field">
          <span>Layer {n} name</span>
          <input
            value={layer.name}
            maxLength={80}
            placeholder={`Layer ${n}`}
            onInput={(e) => onChange({ name: e.currentTarget.value })}
          />
        </label>
      )}
      <p class="field-label">People, in rotation order</p>
      {layer.users.length === 0 && <p class="muted small">Add the first person on call.</p>}
      <ol class="order-list">
        {layer.users.map((id, i) => (
          <li key={id}>
            <span>{nameOf(id)}</span>
            <button
              type="button"
              class="icon-button"
              aria-label={`Move ${nameOf(id)} up`}
              disabled={i === 0}
              onClick={() => move(i)}
            >
              ↑
            </button>
            <button
              type="button"
              class="icon-button"
              aria-label={`Remove ${nameOf(id)}`}
              onClick={() => onChange({ users: layer.users.filter((u) => u !== id) })}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <label class="field">
        <span>Add a person{several ? ` to layer ${n}` : ''}</span>
        <select
          value=""
          disabled={candidates.length === 0}
          onChange={(e) =>
            e.currentTarget.value && onChange({ users: [...layer.users, e.currentTarget.value] })
          }
        >
          <option value="">Choose…</option>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <div class="filters">
        <label class="field">
          <span>Hand over</span>
          <select
            value={layer.rotation}
            onChange={(e) => onChange({ rotation: e.currentTarget.value as RotationChoice })}
          >
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
            <option value="hours">Every N hours</option>
          </select>
        </label>
        {layer.rotation === 'hours' ? (
          <label class="field">
            <span>Hours</span>
            <input
              type="number"
              min={1}
              max={8760}
              value={layer.hours}
              onInput={(e) => onChange({ hours: Number(e.currentTarget.value) })}
            />
          </label>
        ) : (
          <span />
        )}
      </div>
      <label class="field">
        <span>First handover (in the schedule’s time zone)</span>
        <input
          type="datetime-local"
          value={layer.start}
          onInput={(e) => onChange({ start: e.currentTarget.value })}
        />
      </label>
      {layer.restrictions.map((r, i) => (
        <fieldset key={r.key} class="fieldset">
          <legend>Only on call: window {i + 1}</legend>
          <div class="day-chips" role="group" aria-label={`Days of window ${i + 1}`}>
            {DAY_NAMES.map((day, d) => (
              <label key={day} class="chip">
                <input
                  type="checkbox"
                  checked={r.days.includes(d + 1)}
                  onChange={(e) =>
                    setRestriction(r.key, {
                      days: e.currentTarget.checked
                        ? [...r.days, d + 1]
                        : r.days.filter((x) => x !== d + 1),
                    })
                  }
                />
                {day}
              </label>
            ))}
          </div>
          <div class="filters">
            <label class="field">
              <span>From</span>
              <input
                type="time"
                value={r.from}
                onInput={(e) => setRestriction(r.key, { from: e.currentTarget.value })}
              />
            </label>
            <label class="field">
              <span>To</span>
              <input
                type="time"
                value={r.to}
                onInput={(e) => setRestriction(r.key, { to: e.currentTarget.value })}
              />
            </label>
          </div>
          <button
            type="button"
            class="button button-danger"
            onClick={() =>
              onChange({ restrictions: layer.restrictions.filter((x) => x.key !== r.key) })
            }
          >
            Remove window {i + 1}
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        class="button"
        onClick={() =>
          onChange({
            restrictions: [
              ...layer.restrictions,
              { key: nextKey(), days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' },
            ],
          })
        }
      >
        {layer.restrictions.length ? 'Add another window' : 'Only at certain times…'}
      </button>
      {several && (
        <button type="button" class="button button-danger" onClick={onRemove}>
          Remove layer {n}
        </button>
      )}
    </fieldset>
  );
}
