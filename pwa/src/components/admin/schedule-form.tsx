import { useState } from 'preact/hooks';
import { createSchedule, updateSchedule } from '../../lib/admin-api';
import { browserZone, currentShiftStart, gapNow, wallNow, whenShort } from '../../lib/coverage';
import { useAction } from '../../lib/hooks';
import type { Schedule, Team, User } from '../../lib/types';
import { FormButtons } from '../form-buttons';
import { Notice } from '../notice';
import { LayerFields, draftOf, layerInput, nextKey, type DraftLayer } from './layer-fields';

/** A new layer whose first handover is the start of the shift under way, so someone is on call from the moment it is saved. */
const newLayer = (zone: string, index: number): DraftLayer => ({
  key: nextKey(),
  name: index ? `Layer ${index + 1}` : '',
  users: [],
  rotation: 'weekly',
  hours: 12,
  start: currentShiftStart(zone, Date.now()),
  restrictions: [],
});

interface Props {
  /** The schedule to change; absent for a new one. */
  schedule?: Schedule;
  users: User[];
  teams: Team[];
  /** After a save, with what to tell the admin. */
  onSaved: (schedule: Schedule, message: string) => Promise<void>;
  onCancel?: () => void;
}

/** What the admin should hear after saving: above all, whether anyone is on call yet. */
function savedMessage(schedule: Schedule, verb: string): string {
  const now = Date.now();
  const gap = gapNow(schedule.coverage?.gaps, now);
  if (gap)
    return `Schedule “${schedule.name}” ${verb}. Nobody is on call until ${gap.end >= (schedule.coverage?.to ?? 0) ? 'at least next week' : whenShort(gap.end, now)}: move the first handover earlier or add an override.`;
  return `Schedule “${schedule.name}” ${verb}.${verb === 'created' ? ' Add it to an escalation policy to page from it.' : ''}`;
}

/** Create or change a schedule: name, zone, team, and its layers (people, handovers, weekly windows). */
export function ScheduleForm({ schedule, users, teams, onSaved, onCancel }: Props) {
  const [name, setName] = useState(schedule?.name ?? '');
  const [zone, setZone] = useState(schedule?.timeZone ?? browserZone);
  const [teamId, setTeamId] = useState(schedule?.teamId ?? '');
  const [layers, setLayers] = useState<DraftLayer[]>(() =>
    schedule ? schedule.layers.map(draftOf) : [newLayer(zone, 0)],
  );
  // A new schedule's first handover follows the zone until the admin picks one.
  const [startTouched, setStartTouched] = useState(schedule !== undefined);
  const { pending, outcome, run } = useAction();
  const prefix = schedule ? `edit-${schedule.id}` : 'new-schedule';
  const ready =
    name.trim() &&
    zone.trim() &&
    layers.every(
      (l) =>
        l.users.length > 0 &&
        l.start &&
        (l.rotation !== 'hours' || l.hours >= 1) &&
        l.restrictions.every((r) => r.days.length && r.from && r.to),
    );

  const change = (key: number, patch: Partial<DraftLayer>) => {
    if (patch.start !== undefined) setStartTouched(true);
    setLayers((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  };
  const changeZone = (value: string) => {
    setZone(value);
    if (!startTouched)
      setLayers((ls) =>
        ls.map((l) => ({ ...l, start: currentShiftStart(value.trim(), Date.now()) })),
      );
  };
  // Compared as wall-clock strings in the schedule's zone: no conversion, no DST guesswork.
  const earliest = layers
    .map((l) => l.start)
    .filter(Boolean)
    .sort()[0];
  const startsLater = earliest !== undefined && earliest > wallNow(zone.trim(), Date.now());

  const submit = (ev: Event) => {
    ev.preventDefault();
    void run(schedule ? 'Saving the schedule…' : 'Creating the schedule…', async () => {
      const body = {
        name: name.trim(),
        timeZone: zone.trim(),
        teamId: teamId || null,
        layers: layers.map(layerInput),
      };
      const saved = schedule
        ? (await updateSchedule(schedule.id, body)).schedule
        : (await createSchedule(body)).schedule;
      const message = savedMessage(saved, schedule ? 'saved' : 'created');
      if (!schedule) {
        setName('');
        setLayers([newLayer(zone, 0)]);
        setStartTouched(false);
      }
      await onSaved(saved, message);
      return message;
    });
  };

  return (
    // A new schedule's form is a card of its own; a change happens inside the schedule's card.
    <form
      class={schedule ? 'stack' : 'card stack admin-form'}
      onSubmit={submit}
      aria-labelledby={`${prefix}-heading`}
    >
      <h3 id={`${prefix}-heading`}>{schedule ? `Change ${schedule.name}` : 'New schedule'}</h3>
      <label class="field">
        <span>Name</span>
        <input
          value={name}
          maxLength={120}
          placeholder="Platform primary"
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <div class="filters">
        <label class="field">
          <span>Time zone</span>
          <input
            value={zone}
            maxLength={64}
            autocomplete="off"
            onInput={(e) => changeZone(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Team</span>
          <select value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)}>
            <option value="">None</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {layers.map((l, i) => (
        <LayerFields
          key={l.key}
          layer={l}
          index={i}
          several={layers.length > 1}
          users={users}
          onChange={(patch) => change(l.key, patch)}
          onRemove={() => setLayers((ls) => ls.filter((x) => x.key !== l.key))}
        />
      ))}
      <button
        type="button"
        class="button"
        onClick={() => setLayers((ls) => [...ls, newLayer(zone, ls.length)])}
      >
        Add a layer on top
      </button>
      {layers.length > 1 && (
        <p class="muted small">
          A higher layer wins wherever it has someone on call; below it, the layer under it fills
          in.
        </p>
      )}
      {startsLater && (
        <p class="warn" role="status">
          Nobody will be on call until {earliest!.replace('T', ' ')} ({zone.trim()}). Set the first
          handover to now or earlier, or add an override once saved.
        </p>
      )}
      <FormButtons
        save={schedule ? 'Save schedule' : 'Create schedule'}
        disabled={pending !== null || !ready}
        onCancel={onCancel}
      />
      <Notice outcome={outcome} pending={pending} />
    </form>
  );
}
