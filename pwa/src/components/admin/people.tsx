import { useState } from 'preact/hooks';
import { createInvite } from '../../lib/admin-api';
import { formatDayTime } from '../../lib/format';
import { useAction } from '../../lib/hooks';
import type { Role, User } from '../../lib/types';
import { CopyField } from '../copy-field';
import { Notice } from '../notice';

const ROLES: { value: Role; label: string; hint: string }[] = [
  { value: 'responder', label: 'Responder', hint: 'gets paged, acknowledges, resolves, writes reviews' },
  { value: 'admin', label: 'Admin', hint: 'everything, plus services, schedules, policies and invites' },
  { value: 'viewer', label: 'Viewer', hint: 'reads incidents and reports, changes nothing' },
];

/** Invite someone: pick a role, get a one-time link to send them; and who is here already. */
export function PeopleAdmin({ users }: { users: User[] }) {
  const [role, setRole] = useState<Role>('responder');
  const [invite, setInvite] = useState<{ url: string; role: Role; expiresAt: number } | null>(null);
  const { pending, outcome, run } = useAction();

  const create = () =>
    void run('Creating an invite link…', async () => {
      const made = await createInvite(role);
      setInvite({ url: made.url, role, expiresAt: made.expiresAt });
      return 'Send this link to one person; it works once.';
    });

  return (
    <section aria-labelledby="people-heading" class="stack">
      <h2 id="people-heading">Invite someone</h2>
      <div class="card stack admin-form">
        <fieldset class="fieldset">
          <legend>Role</legend>
          {ROLES.map((r) => (
            <label key={r.value} class="check">
              <input type="radio" name="invite-role" value={r.value} checked={role === r.value} onChange={() => setRole(r.value)} />
              <span>
                {r.label} <span class="muted small">· {r.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <button type="button" class="button button-primary" disabled={pending !== null} onClick={create}>
          Create invite link
        </button>
        <Notice outcome={outcome} pending={pending} />
        {invite && (
          <div class="secret">
            <p>
              Invite for a <strong>{invite.role}</strong>, valid until {formatDayTime(invite.expiresAt)}:
            </p>
            <CopyField label="Invite link" value={invite.url} />
          </div>
        )}
      </div>
      <h2>People</h2>
      <ul class="plain-list">
        {users.map((u) => (
          <li key={u.id}>
            {u.name} <span class="muted small">· {u.role}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
