import { useState } from 'preact/hooks';
import type { CommandBodies } from '../lib/api';
import type { Incident, Severity, User } from '../lib/types';

const SEVERITIES: Severity[] = ['critical', 'error', 'warning', 'info'];

/** "incident_commander" → "Incident commander". */
export const roleLabel = (role: string) => {
  const words = role.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Run one incident command; the page owns progress, outcome and the offline queue. */
export type Send = <K extends keyof CommandBodies>(
  command: K,
  body: CommandBodies[K],
  labels: CommandLabels,
) => void;

export interface CommandLabels {
  /** Shown while it runs: "Changing severity…". */
  progress: string;
  /** Shown when it took effect: "Severity is now critical.". */
  done: string;
  /** What it is, for the offline queue: "Change severity to critical". */
  label: string;
}

interface Props {
  incident: Incident;
  users: User[] | null;
  busy: boolean;
  send: Send;
}

/** The less frequent commands, folded away under "More actions" so the page stays calm at 3 a.m. */
export function IncidentCommands({ incident, users, busy, send }: Props) {
  const resolved = incident.status === 'resolved';
  return (
    <details class="more-actions">
      <summary class="button">More actions</summary>
      <div class="stack">
        <fieldset class="fieldset">
          <legend>Severity</legend>
          <div class="segmented segmented-4">
            {SEVERITIES.map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={incident.severity === s}
                disabled={busy || incident.severity === s}
                onClick={() =>
                  send(
                    'severity',
                    { severity: s },
                    {
                      progress: 'Changing severity…',
                      done: `Severity is now ${s}.`,
                      label: `Change severity to ${s}`,
                    },
                  )
                }
              >
                {s}
              </button>
            ))}
          </div>
        </fieldset>

        <fieldset class="fieldset">
          <legend>Roles</legend>
          {Object.keys(incident.roles).length === 0 && (
            <p class="muted">No incident roles are configured.</p>
          )}
          {Object.entries(incident.roles).map(([role, holder]) => (
            <label key={role} class="field">
              <span>{roleLabel(role)}</span>
              <select
                value={holder ?? ''}
                disabled={busy || !users}
                onChange={(e) => {
                  const userId = e.currentTarget.value;
                  const name = users?.find((u) => u.id === userId)?.name ?? userId;
                  if (userId)
                    send(
                      'roles',
                      { role, userId },
                      {
                        progress: `Assigning ${roleLabel(role).toLowerCase()}…`,
                        done: `${name} is ${roleLabel(role).toLowerCase()}.`,
                        label: `Make ${name} ${roleLabel(role).toLowerCase()}`,
                      },
                    );
                  else
                    send(
                      'roles/unassign',
                      { role },
                      {
                        progress: `Clearing ${roleLabel(role).toLowerCase()}…`,
                        done: `Nobody is ${roleLabel(role).toLowerCase()} now.`,
                        label: `Clear ${roleLabel(role).toLowerCase()}`,
                      },
                    );
                }}
              >
                <option value="">Nobody</option>
                {(users ?? [])
                  .filter((u) => u.role !== 'viewer' || u.id === holder)
                  .map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
              </select>
            </label>
          ))}
        </fieldset>

        <Reassign incident={incident} users={users} busy={busy} send={send} />

        <button
          type="button"
          class="button"
          disabled={busy || resolved}
          onClick={() =>
            send(
              'escalate',
              {},
              {
                progress: 'Escalating…',
                done: 'Escalated: the next level is being paged.',
                label: 'Escalate now',
              },
            )
          }
        >
          Escalate now
        </button>
      </div>
    </details>
  );
}

/** Pick the assignees: a checklist, saved in one command so the list is never half-applied. */
function Reassign({ incident, users, busy, send }: Props) {
  // Untouched, the list follows the incident (someone else may reassign it); once ticked, it is the user's draft.
  const [draft, setDraft] = useState<string[] | null>(null);
  const picked = draft ?? incident.assignees;
  const responders = (users ?? []).filter((u) => u.role !== 'viewer');
  const changed = picked.slice().sort().join(',') !== incident.assignees.slice().sort().join(',');
  const names = picked.map((id) => users?.find((u) => u.id === id)?.name ?? id);
  return (
    <fieldset class="fieldset">
      <legend>Assignees</legend>
      {!users && <p class="muted">Loading people…</p>}
      {responders.map((u) => (
        <label key={u.id} class="check">
          <input
            type="checkbox"
            checked={picked.includes(u.id)}
            onChange={(e) => {
              const on = e.currentTarget.checked; // read now: currentTarget is gone once the event is over
              setDraft(
                on
                  ? [...picked.filter((id) => id !== u.id), u.id]
                  : picked.filter((id) => id !== u.id),
              );
            }}
          />
          {u.name}
        </label>
      ))}
      <button
        type="button"
        class="button"
        disabled={busy || !changed}
        onClick={() => {
          const who = names.length ? names.join(', ') : 'nobody';
          send(
            'reassign',
            { assignees: picked },
            { progress: 'Reassigning…', done: `Assigned to ${who}.`, label: `Reassign to ${who}` },
          );
          setDraft(null);
        }}
      >
        Save assignees
      </button>
    </fieldset>
  );
}
