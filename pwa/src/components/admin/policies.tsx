import { useState } from 'preact/hooks';
import { deletePolicy } from '../../lib/admin-api';
import { whenShort } from '../../lib/coverage';
import { useAction } from '../../lib/hooks';
import type { EscalationTarget, Policy, Schedule, User } from '../../lib/types';
import { ConfirmButton } from '../confirm-button';
import { Notice } from '../notice';
import { CoverageNote } from '../schedule-card';
import { PolicyForm } from './policy-form';

interface Props {
  policies: Policy[];
  schedules: Schedule[];
  users: User[];
  onChanged: () => Promise<void>;
}

/** Escalation policies: each level with whether it reaches anyone now; change, delete, and a form for a new one. */
export function PoliciesAdmin({ policies, schedules, users, onChanged }: Props) {
  return (
    <section aria-labelledby="policies-heading" class="stack">
      <h2 id="policies-heading">Escalation policies</h2>
      {policies.length === 0 && <p class="empty">No escalation policies yet.</p>}
      <ul class="card-list">
        {policies.map((p) => (
          <PolicyCard
            key={p.id}
            policy={p}
            schedules={schedules}
            users={users}
            onChanged={onChanged}
          />
        ))}
      </ul>
      <PolicyForm schedules={schedules} users={users} onSaved={() => onChanged()} />
    </section>
  );
}

function PolicyCard({
  policy,
  schedules,
  users,
  onChanged,
}: {
  policy: Policy;
  schedules: Schedule[];
  users: User[];
  onChanged: () => Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const { pending, outcome, run, report } = useAction();
  const nameOf = (t: EscalationTarget) =>
    (t.type === 'user'
      ? users.find((u) => u.id === t.id)?.name
      : schedules.find((s) => s.id === t.id)?.name) ?? t.id;
  const now = Date.now();
  const coverage = policy.coverage;
  const emptyNow = new Map(coverage?.emptyNow.map((e) => [e.level, e.until]));

  const remove = () =>
    void run('Deleting the policy…', async () => {
      await deletePolicy(policy.id);
      await onChanged();
      return `Policy “${policy.name}” deleted.`;
    });

  if (editing) {
    return (
      <li class="card">
        <PolicyForm
          policy={policy}
          schedules={schedules}
          users={users}
          onCancel={() => setEditing(false)}
          onSaved={async (_saved, message) => {
            setEditing(false);
            report({ ok: true, text: message });
            await onChanged();
          }}
        />
      </li>
    );
  }

  return (
    <li class="card">
      <p>
        <strong>{policy.name}</strong>
        <span class="muted small">
          {' '}
          ·{' '}
          {policy.services.length
            ? `pages for ${policy.services.map((s) => s.name).join(', ')}`
            : 'no service uses it'}
        </span>
      </p>
      <ol class="plain-list small">
        {policy.levels.map((l, i) => (
          <li key={i}>
            Level {i + 1}: {l.targets.map(nameOf).join(', ')}
            {i < policy.levels.length - 1 || policy.repeat > 1
              ? ` · ${i < policy.levels.length - 1 ? 'next level' : 'starts over'} after ${l.delayMinutes} min`
              : ''}
            {emptyNow.has(i + 1) && (
              <span class="warn">
                {' '}
                · nobody on call now
                {emptyNow.get(i + 1) ? `, until ${whenShort(emptyNow.get(i + 1)!, now)}` : ''}
              </span>
            )}
          </li>
        ))}
      </ol>
      {(policy.repeat > 1 || policy.renotifyMinutes) && (
        <p class="muted small">
          {policy.repeat > 1 ? `Runs ${policy.repeat} times` : 'Runs once'}
          {policy.renotifyMinutes ? ` · re-pages every ${policy.renotifyMinutes} min` : ''}
        </p>
      )}
      <CoverageNote
        coverage={coverage}
        title="Reaches nobody (incidents then page the admins)"
        label={`Coverage gaps in ${policy.name}`}
        now={now}
      />
      <div class="row-buttons">
        <button type="button" class="button" onClick={() => setEditing(true)}>
          Change
        </button>
        <ConfirmButton
          label="Delete"
          confirm="Tap again to delete"
          disabled={pending !== null}
          onConfirm={remove}
        />
      </div>
      <Notice outcome={outcome} pending={pending} />
    </li>
  );
}
