import { useState } from 'preact/hooks';
import { createPolicy } from '../../lib/admin-api';
import { useAction } from '../../lib/hooks';
import type { EscalationLevel, EscalationTarget, Policy, Schedule, User } from '../../lib/types';
import { Notice } from '../notice';

interface DraftLevel {
  key: number;
  targets: EscalationTarget[];
  delayMinutes: number;
}

let levels = 0;
const newLevel = (): DraftLevel => ({ key: ++levels, targets: [], delayMinutes: 5 });
const same = (a: EscalationTarget, b: EscalationTarget) => a.type === b.type && a.id === b.id;

interface Props {
  policies: Policy[];
  schedules: Schedule[];
  users: User[];
  onChanged: () => Promise<void>;
}

/** Escalation policies: the ones there are, and a form for levels of people and schedules with a delay each. */
export function PoliciesAdmin({ policies, schedules, users, onChanged }: Props) {
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<DraftLevel[]>(() => [newLevel()]);
  const { pending, outcome, run } = useAction();
  const nameOf = (t: EscalationTarget) => (t.type === 'user' ? users.find((u) => u.id === t.id)?.name : schedules.find((s) => s.id === t.id)?.name) ?? t.id;
  const responders = users.filter((u) => u.role !== 'viewer');
  const ready = name.trim() && draft.every((l) => l.targets.length > 0);

  const update = (key: number, change: Partial<DraftLevel>) => setDraft((d) => d.map((l) => (l.key === key ? { ...l, ...change } : l)));
  const toggle = (level: DraftLevel, target: EscalationTarget, on: boolean) =>
    update(level.key, { targets: on ? [...level.targets, target] : level.targets.filter((t) => !same(t, target)) });

  const submit = (ev: Event) => {
    ev.preventDefault();
    void run('Creating the policy…', async () => {
      const body: EscalationLevel[] = draft.map((l) => ({ delayMinutes: l.delayMinutes, targets: l.targets }));
      const { policy } = await createPolicy({ name: name.trim(), levels: body });
      setName('');
      setDraft([newLevel()]);
      await onChanged();
      return `Policy “${policy.name}” created. Pick it for a service under Services.`;
    });
  };

  return (
    <section aria-labelledby="policies-heading" class="stack">
      <h2 id="policies-heading">Escalation policies</h2>
      {policies.length === 0 && <p class="empty">No escalation policies yet.</p>}
      <ul class="card-list">
        {policies.map((p) => (
          <li key={p.id} class="card">
            <p>
              <strong>{p.name}</strong>
              <span class="muted small"> · {p.services.length ? `pages for ${p.services.map((s) => s.name).join(', ')}` : 'no service uses it'}</span>
            </p>
            <ol class="plain-list small">
              {p.levels.map((l, i) => (
                <li key={i}>
                  Level {i + 1}: {l.targets.map(nameOf).join(', ')}
                  {i < p.levels.length - 1 ? ` · next level after ${l.delayMinutes} min` : ''}
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ul>
      <form class="card stack admin-form" onSubmit={submit} aria-labelledby="new-policy-heading">
        <h3 id="new-policy-heading">New escalation policy</h3>
        <label class="field">
          <span>Name</span>
          <input value={name} maxLength={120} placeholder="Checkout on-call" onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        {draft.map((level, i) => (
          <fieldset key={level.key} class="fieldset">
            <legend>Level {i + 1}: page</legend>
            {[...responders.map((u) => ({ type: 'user' as const, id: u.id, label: u.name })), ...schedules.map((s) => ({ type: 'schedule' as const, id: s.id, label: `${s.name} (schedule)` }))].map((t) => (
              <label key={`${t.type}:${t.id}`} class="check">
                <input type="checkbox" checked={level.targets.some((x) => same(x, t))} onChange={(e) => toggle(level, { type: t.type, id: t.id }, e.currentTarget.checked)} />
                {t.label}
              </label>
            ))}
            <label class="field">
              <span>Minutes before the next level</span>
              <input type="number" min={0} max={1440} value={level.delayMinutes} onInput={(e) => update(level.key, { delayMinutes: Number(e.currentTarget.value) })} />
            </label>
            {draft.length > 1 && (
              <button type="button" class="button button-danger" onClick={() => setDraft((d) => d.filter((l) => l.key !== level.key))}>
                Remove level {i + 1}
              </button>
            )}
          </fieldset>
        ))}
        <button type="button" class="button" onClick={() => setDraft((d) => [...d, newLevel()])}>
          Add a level
        </button>
        <button type="submit" class="button button-primary" disabled={pending !== null || !ready}>
          Create policy
        </button>
        <Notice outcome={outcome} pending={pending} />
      </form>
    </section>
  );
}
