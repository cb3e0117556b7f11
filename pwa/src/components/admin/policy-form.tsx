import { useState } from 'preact/hooks';
import { createPolicy, updatePolicy } from '../../lib/admin-api';
import { useAction } from '../../lib/hooks';
import type { EscalationTarget, Policy, Schedule, User } from '../../lib/types';
import { FormButtons } from '../form-buttons';
import { Notice } from '../notice';
import { nextKey } from './layer-fields';

interface DraftLevel {
  key: number;
  targets: EscalationTarget[];
  delayMinutes: number;
}

const newLevel = (): DraftLevel => ({ key: nextKey(), targets: [], delayMinutes: 5 });
const same = (a: EscalationTarget, b: EscalationTarget) => a.type === b.type && a.id === b.id;

interface Props {
  /** The policy to change; absent for a new one. */
  policy?: Policy;
  schedules: Schedule[];
  users: User[];
  onSaved: (policy: Policy, message: string) => Promise<void>;
  onCancel?: () => void;
}

/** Create or change a policy: levels of people and schedules, each waiting its delay before the next; how often it repeats and re-pages. */
export function PolicyForm({ policy, schedules, users, onSaved, onCancel }: Props) {
  const [name, setName] = useState(policy?.name ?? '');
  const [draft, setDraft] = useState<DraftLevel[]>(() =>
    policy
      ? policy.levels.map((l) => ({
          key: nextKey(),
          targets: [...l.targets],
          delayMinutes: l.delayMinutes,
        }))
      : [newLevel()],
  );
  const [repeat, setRepeat] = useState(policy?.repeat ?? 1);
  const [renotify, setRenotify] = useState(
    policy?.renotifyMinutes ? String(policy.renotifyMinutes) : '',
  );
  const { pending, outcome, run } = useAction();
  const prefix = policy ? `edit-${policy.id}` : 'new-policy';
  const choices = [
    ...users
      .filter((u) => u.role !== 'viewer')
      .map((u) => ({ type: 'user' as const, id: u.id, label: u.name })),
    ...schedules.map((s) => ({
      type: 'schedule' as const,
      id: s.id,
      label: `${s.name} (schedule)`,
    })),
  ];
  const renotifyMinutes = renotify.trim() ? Number(renotify) : null;
  const ready =
    name.trim() &&
    draft.every((l) => l.targets.length > 0) &&
    repeat >= 1 &&
    repeat <= 10 &&
    (renotifyMinutes === null || (Number.isInteger(renotifyMinutes) && renotifyMinutes >= 1));

  const update = (key: number, change: Partial<DraftLevel>) =>
    setDraft((d) => d.map((l) => (l.key === key ? { ...l, ...change } : l)));
  const toggle = (level: DraftLevel, target: EscalationTarget, on: boolean) =>
    update(level.key, {
      targets: on ? [...level.targets, target] : level.targets.filter((t) => !same(t, target)),
    });

  const submit = (ev: Event) => {
    ev.preventDefault();
    void run(policy ? 'Saving the policy…' : 'Creating the policy…', async () => {
      const body = {
        name: name.trim(),
        levels: draft.map((l) => ({ delayMinutes: l.delayMinutes, targets: l.targets })),
        repeat,
        renotifyMinutes,
      };
      const saved = policy
        ? (await updatePolicy(policy.id, body)).policy
        : (await createPolicy(body)).policy;
      const message = policy
        ? `Policy “${saved.name}” saved. Incidents already escalating keep the levels they started with.`
        : `Policy “${saved.name}” created. Pick it for a service under Services.`;
      if (!policy) {
        setName('');
        setDraft([newLevel()]);
      }
      await onSaved(saved, message);
      return message;
    });
  };

  return (
    // A new policy's form is a card of its own; a change happens inside the policy's card.
    <form
      class={policy ? 'stack' : 'card stack admin-form'}
      onSubmit={submit}
      aria-labelledby={`${prefix}-heading`}
    >
      <h3 id={`${prefix}-heading`}>{policy ? `Change ${policy.name}` : 'New escalation policy'}</h3>
      <label class="field">
        <span>Name</span>
        <input
          value={name}
          maxLength={120}
          placeholder="Checkout on-call"
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      {draft.map((level, i) => {
        const last = i === draft.length - 1;
        return (
          <fieldset key={level.key} class="fieldset">
            <legend>Level {i + 1}: page</legend>
            {choices.map((t) => (
              <label key={`${t.type}:${t.id}`} class="check">
                <input
                  type="checkbox"
                  checked={level.targets.some((x) => same(x, t))}
                  onChange={(e) =>
                    toggle(level, { type: t.type, id: t.id }, e.currentTarget.checked)
                  }
                />
                {t.label}
              </label>
            ))}
            {/* After the last level comes the next round, if any: without one the delay would wait for nothing. */}
            {(!last || repeat > 1) && (
              <label class="field">
                <span>
                  {last
                    ? 'Minutes before starting over at level 1'
                    : `Minutes before level ${i + 2}`}
                </span>
                <input
                  type="number"
                  min={0}
                  max={1440}
                  value={level.delayMinutes}
                  onInput={(e) =>
                    update(level.key, { delayMinutes: Number(e.currentTarget.value) })
                  }
                />
              </label>
            )}
            {draft.length > 1 && (
              <button
                type="button"
                class="button button-danger"
                onClick={() => setDraft((d) => d.filter((l) => l.key !== level.key))}
              >
                Remove level {i + 1}
              </button>
            )}
          </fieldset>
        );
      })}
      <button type="button" class="button" onClick={() => setDraft((d) => [...d, newLevel()])}>
        Add a level
      </button>
      <div class="filters">
        <label class="field">
          <span>Times through</span>
          <input
            type="number"
            min={1}
            max={10}
            value={repeat}
            onInput={(e) => setRepeat(Number(e.currentTarget.value))}
          />
        </label>
        <label class="field">
          <span>Page again (min)</span>
          <input
            type="number"
            min={1}
            max={1440}
            value={renotify}
            placeholder="never"
            onInput={(e) => setRenotify(e.currentTarget.value)}
          />
        </label>
      </div>
      <FormButtons
        save={policy ? 'Save policy' : 'Create policy'}
        disabled={pending !== null || !ready}
        onCancel={onCancel}
      />
      <Notice outcome={outcome} pending={pending} />
    </form>
  );
}
