import { useCallback, useEffect, useState } from 'preact/hooks';
import { createInvite } from '../../lib/admin-api';
import { getSession } from '../../lib/api';
import { formatDayTime } from '../../lib/format';
import { errorText, useAction } from '../../lib/hooks';
import {
  changeAccess,
  endAllSessions,
  endSession,
  getPerson,
  removePerson,
  revokeCalendarFeed,
  revokePersonToken,
  type Person,
  type PersonDetail,
  type StillNamedBy,
} from '../../lib/people-api';
import { deviceLabel } from '../../lib/push';
import type { Role } from '../../lib/types';
import { CopyField } from '../copy-field';
import { Notice } from '../notice';

const ROLES: { value: Role; label: string; hint: string }[] = [
  {
    value: 'responder',
    label: 'Responder',
    hint: 'gets paged, acknowledges, resolves, writes reviews',
  },
  {
    value: 'admin',
    label: 'Admin',
    hint: 'everything, plus services, schedules, policies and invites',
  },
  { value: 'viewer', label: 'Viewer', hint: 'reads incidents and reports, changes nothing' },
];

/** The account behind ADMIN_TOKEN: the server refuses to change it. */
const TOKEN_ADMIN_ID = 'usr_admin';

/** Invite someone: pick a role, get a one-time link to send them; and manage who is here already. */
export function PeopleAdmin({
  users,
  onChanged,
}: {
  users: Person[];
  onChanged?: () => Promise<void>;
}) {
  const [role, setRole] = useState<Role>('responder');
  const [invite, setInvite] = useState<{ url: string; role: Role; expiresAt: number } | null>(null);
  const [me, setMe] = useState<string | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  const { pending, outcome, run } = useAction();
  // A removed person's card leaves the list, so what came of it is said above the list.
  const listed = useAction();

  useEffect(() => {
    getSession().then(
      (s) => setMe(s.user?.id ?? null),
      () => setMe(null),
    );
  }, []);

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
              <input
                type="radio"
                name="invite-role"
                value={r.value}
                checked={role === r.value}
                onChange={() => setRole(r.value)}
              />
              <span>
                {r.label} <span class="muted small">· {r.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <button
          type="button"
          class="button button-primary"
          disabled={pending !== null}
          onClick={create}
        >
          Create invite link
        </button>
        <Notice outcome={outcome} pending={pending} />
        {invite && (
          <div class="secret">
            <p>
              Invite for a <strong>{invite.role}</strong>, valid until{' '}
              {formatDayTime(invite.expiresAt)}:
            </p>
            <CopyField label="Invite link" value={invite.url} />
          </div>
        )}
      </div>
      <h2>People</h2>
      {listed.outcome && <Notice outcome={listed.outcome} />}
      <ul class="card-list">
        {users.map((u) => (
          <PersonCard
            key={u.id}
            person={u}
            locked={
              u.id === TOKEN_ADMIN_ID
                ? 'The ADMIN_TOKEN’s account: rotate ADMIN_TOKEN to withdraw it.'
                : u.id === me
                  ? 'This is you: another admin can change your access.'
                  : null
            }
            open={opened === u.id}
            onToggle={(open) => setOpened(open ? u.id : opened === u.id ? null : opened)}
            onChanged={onChanged}
            onRemoved={(text) => listed.report({ ok: true, text })}
          />
        ))}
      </ul>
    </section>
  );
}

interface CardProps {
  person: Person;
  /** Why this person's access cannot be changed here, or null. */
  locked: string | null;
  open: boolean;
  onToggle: (open: boolean) => void;
  onChanged?: () => Promise<void>;
  onRemoved: (said: string) => void;
}

/** One person: role, suspension, removal, and every way they are signed in, each withdrawable. */
function PersonCard({ person, locked, open, onToggle, onChanged, onRemoved }: CardProps) {
  const [detail, setDetail] = useState<PersonDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [role, setRole] = useState<Role>(person.role);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const { pending, outcome, run } = useAction();

  const load = useCallback(async () => {
    try {
      const loaded = await getPerson(person.id);
      setDetail(loaded);
      setRole(loaded.user.role);
      setLoadError(null);
    } catch (err) {
      setLoadError(errorText(err));
    }
  }, [person.id]);

  const act = (label: string, work: () => Promise<string>) =>
    void run(label, async () => {
      const said = await work();
      await Promise.all([load(), onChanged?.()]);
      return said;
    });

  const saveRole = () =>
    act(
      'Changing the role…',
      async () =>
        `${person.name} is now a ${(await changeAccess(person.id, { role })).user.role}. Their open screens reconnect with it.`,
    );
  const setDisabled = (disabled: boolean) =>
    act(disabled ? 'Disabling…' : 'Re-enabling…', async () => {
      const { stillNamedBy } = await changeAccess(person.id, { disabled });
      return disabled
        ? `${person.name} is disabled: every sign-in refused, open screens closed, never paged, no acknowledging.${gaps(stillNamedBy)}`
        : `${person.name} can sign in and be paged again.`;
    });
  const remove = () =>
    void run('Removing…', async () => {
      const named = detail?.stillNamedBy;
      await removePerson(person.id);
      const said = `${person.name} was removed.${named ? gaps(named) : ''}`;
      onRemoved(said);
      await onChanged?.();
      return said;
    });

  const disabled = detail?.user.disabled ?? person.disabled ?? false;
  const liveTokens = detail?.tokens.filter((t) => t.revokedAt === null) ?? [];

  return (
    <li class="card">
      <details
        open={open}
        onToggle={(e) => {
          const isOpen = e.currentTarget.open;
          if (isOpen && !detail) void load();
          if (isOpen !== open) onToggle(isOpen);
        }}
      >
        <summary class="service-summary">
          <strong>{person.name}</strong>
          <span class="muted small">
            {person.role}
            {disabled ? ' · disabled' : ''}
          </span>
          {!disabled && person.reachable === false && (
            <span class="warn small"> · can't be paged</span>
          )}
        </summary>
        <div class="stack">
          {loadError && (
            <p class="notice notice-error" role="alert">
              {loadError}
            </p>
          )}
          {locked ? (
            <p class="muted small">{locked}</p>
          ) : (
            <>
              <div class="inline-form">
                <label class="field">
                  <span>Role of {person.name}</span>
                  <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                    {ROLES.map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                </label>
                <button
                  type="button"
                  class="button"
                  disabled={pending !== null || role === (detail?.user.role ?? person.role)}
                  onClick={saveRole}
                >
                  Save role
                </button>
              </div>
              <div class="row-buttons">
                <button
                  type="button"
                  class="button"
                  disabled={pending !== null}
                  onClick={() => setDisabled(!disabled)}
                >
                  {disabled ? 'Re-enable' : 'Disable'}
                </button>
                {!confirmRemove ? (
                  <button
                    type="button"
                    class="button button-danger"
                    disabled={pending !== null}
                    onClick={() => setConfirmRemove(true)}
                  >
                    Remove…
                  </button>
                ) : (
                  <>
                    <button
                      type="button"
                      class="button button-danger"
                      disabled={pending !== null}
                      onClick={remove}
                    >
                      Remove {person.name} for good
                    </button>
                    <button type="button" class="button" onClick={() => setConfirmRemove(false)}>
                      Keep
                    </button>
                  </>
                )}
              </div>
            </>
          )}
          <Notice outcome={outcome} pending={pending} />
          {disabled && detail && gaps(detail.stillNamedBy) && (
            <p class="warn small">{gaps(detail.stillNamedBy).trim()}</p>
          )}
          {detail && (
            <>
              <h3>Signed in on</h3>
              {disabled && detail.sessions.length > 0 && (
                <p class="muted small">
                  Refused while {person.name} is disabled; they work again on re-enabling unless you
                  sign them out.
                </p>
              )}
              {detail.sessions.length === 0 && <p class="empty">No open sessions.</p>}
              <ul class="plain-list">
                {detail.sessions.map((s) => (
                  <li key={s.id} class="row-buttons">
                    <span>
                      {s.userAgent ? deviceLabel(s.userAgent) : 'Unknown device'}{' '}
                      <span class="muted small">· since {formatDayTime(s.createdAt)}</span>
                    </span>
                    <button
                      type="button"
                      class="button"
                      disabled={pending !== null}
                      onClick={() =>
                        act('Signing out…', () =>
                          endSession(person.id, s.id).then(() => 'That session has ended.'),
                        )
                      }
                    >
                      Sign out
                    </button>
                  </li>
                ))}
              </ul>
              {detail.sessions.length > 1 && (
                <button
                  type="button"
                  class="button"
                  disabled={pending !== null}
                  onClick={() =>
                    act('Signing out everywhere…', () =>
                      endAllSessions(person.id).then(
                        () => `${person.name} is signed out on every device.`,
                      ),
                    )
                  }
                >
                  Sign out everywhere
                </button>
              )}
              <h3>API tokens</h3>
              {liveTokens.length === 0 && <p class="empty">No live tokens.</p>}
              <ul class="plain-list">
                {liveTokens.map((t) => (
                  <li key={t.id} class="row-buttons">
                    <span>{t.name}</span>
                    <button
                      type="button"
                      class="button"
                      disabled={pending !== null}
                      onClick={() =>
                        act('Revoking…', () =>
                          revokePersonToken(person.id, t.id).then(
                            () => `Token “${t.name}” revoked.`,
                          ),
                        )
                      }
                    >
                      Revoke token
                    </button>
                  </li>
                ))}
              </ul>
              <h3>Calendar feeds</h3>
              {detail.calendarFeeds.length === 0 && <p class="empty">No calendar feeds.</p>}
              <ul class="plain-list">
                {detail.calendarFeeds.map((f) => (
                  <li key={f.id} class="row-buttons">
                    <span>
                      {f.kind === 'user'
                        ? `Shifts of ${f.refName ?? f.refId}`
                        : `Schedule ${f.refName ?? f.refId}`}{' '}
                      <span class="muted small">· made {formatDayTime(f.createdAt)}</span>
                    </span>
                    <button
                      type="button"
                      class="button"
                      disabled={pending !== null}
                      onClick={() =>
                        act('Revoking…', () =>
                          revokeCalendarFeed(f.id).then(
                            () => 'That calendar link no longer works.',
                          ),
                        )
                      }
                    >
                      Revoke feed
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      </details>
    </li>
  );
}

/** " Still named on: rotation A; policy B (they page nobody there until edited)." or "". */
function gaps(named: StillNamedBy): string {
  const places = [
    ...named.schedules.map((s) => `rotation ${s.name}`),
    ...named.policies.map((p) => `policy ${p.name}`),
  ];
  return places.length
    ? ` Still named on ${places.join('; ')}: nobody is paged there in their place until you edit it.`
    : '';
}
