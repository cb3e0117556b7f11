import { useEffect, useState } from 'preact/hooks';
import {
  getRules,
  saveRules,
  type NotificationRules,
  type RuleStep,
  type WorkingHours,
} from '../lib/contact-api';
import { errorText, useAction } from '../lib/hooks';
import { type InOrderSlot, useSettles } from '../lib/in-order';
import { Notice } from './notice';

const URGENCY = {
  high: 'High urgency (critical, error)',
  low: 'Low urgency (warning, info)',
} as const;
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * When each channel reaches me once I am paged, per urgency ("at 0 min push; at 3 min email"), until
 * someone acknowledges; and working hours, outside which low urgency waits. `order` places it among Settings'
 * sections (lib/in-order.ts).
 */
export function NotificationRulesEditor({ order }: { order?: InOrderSlot }) {
  const [rules, setRules] = useState<NotificationRules | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { pending, outcome, run } = useAction();

  useEffect(() => {
    getRules()
      .then((r) => setRules(r.rules))
      .catch((err: unknown) => setError(errorText(err)));
  }, []);
  const loading = rules === null && !error;
  useSettles(order, !loading);

  const save = (ev: Event) => {
    ev.preventDefault();
    if (!rules) return;
    void run('Saving your rules…', async () => {
      setRules((await saveRules(rules)).rules);
      return 'Saved: your next page follows these rules.';
    });
  };

  return (
    <section aria-labelledby="rules-heading" aria-busy={loading} hidden={order?.hidden}>
      <h2 id="rules-heading">When to reach me</h2>
      {loading && <div class="skeleton-row" />}
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {rules && (
        <form class="stack" onSubmit={save}>
          {(['high', 'low'] as const).map((urgency) => (
            <Steps
              key={urgency}
              legend={URGENCY[urgency]}
              steps={rules[urgency]}
              onChange={(steps) => setRules({ ...rules, [urgency]: steps })}
            />
          ))}
          <Hours
            hours={rules.workingHours}
            onChange={(workingHours) => setRules({ ...rules, workingHours })}
          />
          <div class="row-buttons">
            <button type="submit" class="button button-primary" disabled={pending !== null}>
              Save rules
            </button>
          </div>
          <Notice outcome={outcome} pending={pending} />
        </form>
      )}
    </section>
  );
}

function Steps(props: {
  legend: string;
  steps: RuleStep[];
  onChange: (steps: RuleStep[]) => void;
}) {
  const { steps, onChange } = props;
  const set = (i: number, step: RuleStep) => onChange(steps.map((s, j) => (j === i ? step : s)));
  return (
    <fieldset class="fieldset stack">
      <legend>{props.legend}</legend>
      {steps.map((step, i) => (
        <div class="rule-step" key={i}>
          <label class="field">
            <span>Minute</span>
            <input
              type="number"
              min={0}
              max={1440}
              inputMode="numeric"
              value={step.afterMinutes}
              onInput={(e) => set(i, { ...step, afterMinutes: Number(e.currentTarget.value) })}
            />
          </label>
          <label class="field">
            <span>Channel</span>
            <select
              value={step.channel}
              onChange={(e) =>
                set(i, { ...step, channel: e.currentTarget.value as RuleStep['channel'] })
              }
            >
              <option value="push">Push</option>
              <option value="email">Email</option>
              <option value="sms">SMS</option>
              <option value="voice">Voice call</option>
            </select>
          </label>
          <button
            type="button"
            class="button"
            aria-label={`Remove the step at minute ${step.afterMinutes}`}
            disabled={steps.length === 1}
            onClick={() => onChange(steps.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        class="button"
        disabled={steps.length >= 10}
        onClick={() =>
          onChange([
            ...steps,
            { afterMinutes: (steps[steps.length - 1]?.afterMinutes ?? 0) + 3, channel: 'email' },
          ])
        }
      >
        Add a step
      </button>
    </fieldset>
  );
}

function Hours(props: { hours: WorkingHours | null; onChange: (h: WorkingHours | null) => void }) {
  const { hours, onChange } = props;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return (
    <fieldset class="fieldset stack">
      <legend>Working hours</legend>
      <label class="check">
        <input
          type="checkbox"
          checked={hours !== null}
          onChange={(e) =>
            onChange(
              e.currentTarget.checked
                ? { timeZone: zone, days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }
                : null,
            )
          }
        />{' '}
        Low urgency waits for my working hours
      </label>
      {hours && (
        <>
          <div class="inline-form">
            <label class="field">
              <span>From</span>
              <input
                type="time"
                value={hours.start}
                onInput={(e) => onChange({ ...hours, start: e.currentTarget.value })}
              />
            </label>
            <label class="field">
              <span>To</span>
              <input
                type="time"
                value={hours.end}
                onInput={(e) => onChange({ ...hours, end: e.currentTarget.value })}
              />
            </label>
          </div>
          <label class="field">
            <span>Time zone</span>
            <input
              value={hours.timeZone}
              maxLength={64}
              onInput={(e) => onChange({ ...hours, timeZone: e.currentTarget.value })}
            />
          </label>
          <div class="row-buttons" role="group" aria-label="Working days">
            {DAYS.map((label, i) => (
              <label class="check" key={label}>
                <input
                  type="checkbox"
                  checked={hours.days.includes(i + 1)}
                  onChange={(e) =>
                    onChange({
                      ...hours,
                      days: e.currentTarget.checked
                        ? [...hours.days, i + 1].sort()
                        : hours.days.filter((d) => d !== i + 1),
                    })
                  }
                />{' '}
                {label}
              </label>
            ))}
          </div>
        </>
      )}
    </fieldset>
  );
}
