import { useState } from 'preact/hooks';
import { deleteSchedule } from '../../lib/admin-api';
import { useAction } from '../../lib/hooks';
import type { Schedule, Team, User } from '../../lib/types';
import { ConfirmButton } from '../confirm-button';
import { Notice } from '../notice';
import { ScheduleCard } from '../schedule-card';
import { OverridesEditor } from './overrides';
import { ScheduleForm } from './schedule-form';
import { TeamsAdmin } from './teams';

interface Props {
  schedules: Schedule[];
  users: User[];
  teams: Team[];
  onChanged: () => Promise<void>;
}

/** Schedules: each with its gaps, change its layers, overrides, delete; a form for a new one; and the teams they belong to. */
export function SchedulesAdmin({ schedules, users, teams, onChanged }: Props) {
  return (
    <>
      <section aria-labelledby="schedules-admin-heading" class="stack">
        <h2 id="schedules-admin-heading">Schedules</h2>
        {schedules.length === 0 && <p class="empty">No schedules yet.</p>}
        <ul class="card-list">
          {schedules.map((s) => (
            <ScheduleAdminCard
              key={s.id}
              schedule={s}
              users={users}
              teams={teams}
              onChanged={onChanged}
            />
          ))}
        </ul>
        <ScheduleForm users={users} teams={teams} onSaved={() => onChanged()} />
      </section>
      <TeamsAdmin teams={teams} users={users} onChanged={onChanged} />
    </>
  );
}

type Open = 'edit' | 'overrides' | null;

function ScheduleAdminCard({
  schedule,
  users,
  teams,
  onChanged,
}: {
  schedule: Schedule;
  users: User[];
  teams: Team[];
  onChanged: () => Promise<void>;
}) {
  const [open, setOpen] = useState<Open>(null);
  const { pending, outcome, run, report } = useAction();
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;
  const team = teams.find((t) => t.id === schedule.teamId);
  const toggle = (which: Open) => setOpen((o) => (o === which ? null : which));

  const remove = () =>
    void run('Deleting the schedule…', async () => {
      await deleteSchedule(schedule.id);
      await onChanged();
      return `Schedule “${schedule.name}” deleted.`;
    });

  return (
    <ScheduleCard schedule={schedule} nameOf={nameOf} now={Date.now()}>
      {team && <p class="muted small">Team {team.name}</p>}
      {open === 'edit' ? (
        <ScheduleForm
          schedule={schedule}
          users={users}
          teams={teams}
          onCancel={() => setOpen(null)}
          onSaved={async (_saved, message) => {
            setOpen(null);
            report({ ok: true, text: message });
            await onChanged();
          }}
        />
      ) : (
        <div class="row-buttons">
          <button type="button" class="button" aria-expanded={false} onClick={() => toggle('edit')}>
            Change
          </button>
          <button
            type="button"
            class="button"
            aria-expanded={open === 'overrides'}
            onClick={() => toggle('overrides')}
          >
            Overrides{schedule.overrides?.length ? ` (${schedule.overrides.length})` : ''}
          </button>
          <ConfirmButton
            label="Delete"
            confirm="Tap again to delete"
            disabled={pending !== null}
            onConfirm={remove}
          />
        </div>
      )}
      {open === 'overrides' && (
        <OverridesEditor schedule={schedule} users={users} onChanged={onChanged} />
      )}
      <Notice outcome={outcome} pending={pending} />
    </ScheduleCard>
  );
}
