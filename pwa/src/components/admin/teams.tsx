import { useState } from 'preact/hooks';
import { createTeam, deleteTeam, renameTeam, setTeamMembers } from '../../lib/admin-api';
import { useAction } from '../../lib/hooks';
import type { Team, User } from '../../lib/types';
import { ConfirmButton } from '../confirm-button';
import { FormButtons } from '../form-buttons';
import { Notice } from '../notice';

interface Props {
  teams: Team[];
  users: User[];
  onChanged: () => Promise<void>;
}

/** Teams own schedules and filter reports: create, rename, change who is in them, delete. */
export function TeamsAdmin({ teams, users, onChanged }: Props) {
  const [name, setName] = useState('');
  const { pending, outcome, run } = useAction();

  const create = (ev: Event) => {
    ev.preventDefault();
    void run('Creating the team…', async () => {
      const { team } = await createTeam({ name: name.trim() });
      setName('');
      await onChanged();
      return `Team “${team.name}” created. Pick its people below, and give it schedules.`;
    });
  };

  return (
    <section aria-labelledby="teams-heading" class="stack">
      <h2 id="teams-heading">Teams</h2>
      {teams.length === 0 && <p class="empty">No teams yet.</p>}
      <ul class="card-list">
        {teams.map((t) => (
          <TeamCard key={t.id} team={t} users={users} onChanged={onChanged} />
        ))}
      </ul>
      <form class="card inline-form admin-form" onSubmit={create}>
        <label class="field">
          <span>New team name</span>
          <input
            value={name}
            maxLength={120}
            placeholder="Payments"
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <button
          type="submit"
          class="button button-primary"
          disabled={pending !== null || !name.trim()}
        >
          Create team
        </button>
      </form>
      <Notice outcome={outcome} pending={pending} />
    </section>
  );
}

function TeamCard({
  team,
  users,
  onChanged,
}: {
  team: Team;
  users: User[];
  onChanged: () => Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(team.name);
  const [members, setMembers] = useState(() => team.members.map((m) => m.id));
  const { pending, outcome, run } = useAction();

  const save = (ev: Event) => {
    ev.preventDefault();
    void run('Saving the team…', async () => {
      if (name.trim() !== team.name) await renameTeam(team.id, name.trim());
      await setTeamMembers(team.id, members);
      setEditing(false);
      await onChanged();
      return `Team “${name.trim()}” saved.`;
    });
  };
  const remove = () =>
    void run('Deleting the team…', async () => {
      await deleteTeam(team.id);
      await onChanged();
      return `Team “${team.name}” deleted.`;
    });

  return (
    <li class="card">
      <p>
        <strong>{team.name}</strong>{' '}
        <span class="muted small">
          · {team.members.length ? team.members.map((m) => m.name).join(', ') : 'nobody yet'}
        </span>
      </p>
      {editing ? (
        <form class="stack" onSubmit={save}>
          <label class="field">
            <span>Team name</span>
            <input value={name} maxLength={120} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <fieldset class="fieldset">
            <legend>People in {team.name}</legend>
            {users.map((u) => (
              <label key={u.id} class="check">
                <input
                  type="checkbox"
                  checked={members.includes(u.id)}
                  onChange={(e) =>
                    setMembers((m) =>
                      e.currentTarget.checked ? [...m, u.id] : m.filter((x) => x !== u.id),
                    )
                  }
                />
                {u.name}
              </label>
            ))}
          </fieldset>
          <FormButtons
            save="Save team"
            disabled={pending !== null || !name.trim()}
            onCancel={() => setEditing(false)}
          />
        </form>
      ) : (
        <div class="row-buttons">
          <button
            type="button"
            class="button"
            disabled={pending !== null}
            onClick={() => setEditing(true)}
          >
            Change
          </button>
          <ConfirmButton
            label="Delete"
            confirm="Tap again to delete the team"
            disabled={pending !== null}
            onConfirm={remove}
          />
        </div>
      )}
      <Notice outcome={outcome} pending={pending} />
    </li>
  );
}
