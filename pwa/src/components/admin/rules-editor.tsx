/**
 * A service's event rules: the ordered list, each rule's condition (rows of field tests, or JSON for nested
 * groups) and actions, with a live preview on the last 20 payloads the service received. The preview is
 * debounced and the stale one aborted; a refused save puts each error next to the rule, test or action it names.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { SEVERITIES, type Severity } from '../../../../schema/alert';
import { ApiError } from '../../lib/api';
import { errorText, useAction, useLivePreview } from '../../lib/hooks';
import {
  ACTION_TYPES,
  OPS,
  previewRules,
  saveRules,
  type Rule,
  type RulesPreviewResult,
} from '../../lib/rules-api';
import {
  blankAction,
  blankRule,
  blankTest,
  errorKey,
  errorsByRule,
  fromForm,
  rowsCondition,
  rowsFromJson,
  toForm,
  type ActionForm,
  type RuleErrors,
  type RuleForm,
  type TestForm,
} from '../../lib/rules-form';
import type { Service } from '../../lib/types';
import { Notice } from '../notice';
import { RulesPreview } from './rules-preview';
import { RunbookSelect } from './runbook-select';

const OP_LABEL: Record<(typeof OPS)[number], string> = {
  equals: 'equals',
  not_equals: 'does not equal',
  contains: 'contains',
  matches: 'matches (RE2)',
  exists: 'exists',
  in: 'is one of',
};

const ACTION_LABEL: Record<(typeof ACTION_TYPES)[number], string> = {
  set_severity: 'Set severity',
  set_title: 'Set title',
  add_label: 'Add label',
  add_note: 'Add note',
  route: 'Route to service',
  suppress: 'Suppress (no page)',
  drop: 'Drop (count only)',
  set_dedup_key: 'Set dedup key',
  auto_resolve: 'Auto-resolve when quiet',
  attach_runbook: 'Attach a runbook',
};

interface Props {
  service: Service;
  /** Every service, for route targets. */
  services: Service[];
  rules: Rule[];
  /** The rules as saved, e.g. for a count. */
  onSaved: (rules: Rule[]) => void;
}

/** A 400's `errors` list, or null when the failure was something else. */
function errorList(err: unknown): { path: string; message: string }[] | null {
  if (!(err instanceof ApiError) || !Array.isArray(err.extensions.errors)) return null;
  return (err.extensions.errors as unknown[]).map((e) => {
    const { path, message } = (typeof e === 'object' && e !== null ? e : {}) as {
      path?: unknown;
      message?: unknown;
    };
    return { path: typeof path === 'string' ? path : '', message: String(message ?? e) };
  });
}

export function RulesEditor({ service, services, rules, onSaved }: Props) {
  const [forms, setForms] = useState<RuleForm[]>(() => rules.map(toForm));
  const [server, setServer] = useState<{ byKey: RuleErrors; general: string[] }>({
    byKey: {},
    general: [],
  });
  const { pending, outcome, run } = useAction();

  const built = useMemo(() => fromForm(forms), [forms]);
  const body = built.rules ? JSON.stringify(built.rules) : null;
  const update = (i: number, change: Partial<RuleForm>) =>
    setForms((list) => list.map((f, n) => (n === i ? { ...f, ...change } : f)));
  const move = (i: number, by: -1 | 1) =>
    setForms((list) => {
      const next = [...list];
      const [rule] = next.splice(i, 1);
      next.splice(i + by, 0, rule!);
      return next;
    });
  // Server errors name rules by position: they are stale once the list changes shape.
  const shape = forms.map((f) => f.key).join();
  useEffect(() => setServer({ byKey: {}, general: [] }), [shape]);

  const {
    preview,
    busy: previewBusy,
    error: previewError,
    refresh,
  } = useLivePreview<RulesPreviewResult[]>(
    body,
    service.id,
    async (json, signal) =>
      (await previewRules(service.id, JSON.parse(json) as Rule[], { signal })).results,
    {
      result: () => setServer({ byKey: {}, general: [] }),
      error: (err) => {
        const list = errorList(err);
        if (list) setServer(errorsByRule(list, forms));
        return list ? 'Fix the rules marked above to see a preview.' : errorText(err);
      },
    },
  );

  const save = (ev: Event) => {
    ev.preventDefault();
    if (!built.rules) return;
    const toSave = built.rules;
    void run('Saving the rules…', async () => {
      try {
        const saved = await saveRules(service.id, toSave);
        setServer({ byKey: {}, general: [] });
        onSaved(saved.rules);
        return `Rules saved (version ${saved.version}): they judge ${service.name}’s next alert.`;
      } catch (err) {
        const list = errorList(err);
        if (list) setServer(errorsByRule(list, forms));
        throw err;
      }
    });
  };

  const errors = (key: string) => [...(built.errors[key] ?? []), ...(server.byKey[key] ?? [])];
  const targets = services.filter((s) => s.id !== service.id);

  return (
    <form class="stack rules-editor" aria-label={`Rules for ${service.name}`} onSubmit={save}>
      <p class="muted small">
        Rules judge every alert in order, before deduplication: the first that matches decides,
        unless it says “continue”. Fields: summary, source, severity, integration, dedup_key,
        details.&lt;path&gt;, labels.&lt;name&gt;, annotations.&lt;name&gt;.
      </p>
      {forms.length === 0 && <p class="empty">No rules: every alert pages as usual.</p>}
      <ol class="plain-list stack">
        {forms.map((f, i) => (
          <li key={f.key}>
            <RuleFields
              form={f}
              index={i}
              count={forms.length}
              targets={targets}
              serviceId={service.id}
              errors={errors}
              onChange={(change) => update(i, change)}
              onMove={(by) => move(i, by)}
              onRemove={() => setForms((list) => list.filter((_, n) => n !== i))}
            />
          </li>
        ))}
      </ol>
      <button
        type="button"
        class="button"
        onClick={() => setForms((list) => [...list, blankRule()])}
      >
        Add rule
      </button>
      {server.general.length > 0 && (
        <ul class="notice notice-error" role="alert">
          {server.general.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      <RulesPreview
        results={preview}
        busy={previewBusy}
        error={built.rules ? previewError : 'Fix the rules marked above to see a preview.'}
        services={services}
        onRefresh={refresh}
      />
      <div class="form-buttons">
        <button
          type="submit"
          class="button button-primary"
          disabled={pending !== null || !built.rules}
        >
          Save rules
        </button>
      </div>
      <Notice outcome={outcome} pending={pending} />
    </form>
  );
}

interface RuleProps {
  form: RuleForm;
  index: number;
  count: number;
  targets: Service[];
  serviceId: string;
  errors: (key: string) => string[];
  onChange: (change: Partial<RuleForm>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}

function RuleFields({
  form: f,
  index,
  count,
  targets,
  serviceId,
  errors,
  onChange,
  onMove,
  onRemove,
}: RuleProps) {
  const id = f.key;
  const ruleErrors = errors(errorKey(index));
  const setTest = (t: number, change: Partial<TestForm>) =>
    onChange({ tests: f.tests.map((x, n) => (n === t ? { ...x, ...change } : x)) });
  const setAction = (a: number, change: Partial<ActionForm>) =>
    onChange({ actions: f.actions.map((x, n) => (n === a ? { ...x, ...change } : x)) });
  const toJson = () => onChange({ mode: 'json', json: JSON.stringify(rowsCondition(f), null, 2) });

  return (
    <fieldset class="fieldset rule" aria-invalid={ruleErrors.length > 0}>
      <legend>
        Rule {index + 1}
        {f.name.trim() ? `: ${f.name.trim()}` : ''}
      </legend>
      <div class="field">
        <label for={`${id}-name`}>Rule name</label>
        <input
          id={`${id}-name`}
          value={f.name}
          maxLength={200}
          placeholder="Drop the noisy ping check"
          onInput={(e) => onChange({ name: e.currentTarget.value })}
        />
      </div>
      <label class="check">
        <input
          type="checkbox"
          checked={f.enabled}
          onChange={(e) => onChange({ enabled: e.currentTarget.checked })}
        />
        <span>Enabled</span>
      </label>
      <div class="field">
        <label for={`${id}-continue`}>After a match</label>
        <select
          id={`${id}-continue`}
          value={f.continue ? 'continue' : 'stop'}
          onChange={(e) => onChange({ continue: e.currentTarget.value === 'continue' })}
        >
          <option value="stop">Stop: later rules do not run</option>
          <option value="continue">Continue to the next rules</option>
        </select>
      </div>

      <fieldset class="fieldset">
        <legend>Condition</legend>
        {f.mode === 'rows' ? (
          <>
            <div class="field">
              <label for={`${id}-join`}>Matches when</label>
              <select
                id={`${id}-join`}
                value={f.join}
                onChange={(e) => onChange({ join: e.currentTarget.value as 'all' | 'any' })}
              >
                <option value="all">all of these hold</option>
                <option value="any">any of these holds</option>
              </select>
            </div>
            <ol class="plain-list stack">
              {f.tests.map((t, n) => (
                <li key={n} class="rule-row">
                  <TestRow
                    id={`${id}-t${n}`}
                    n={n}
                    test={t}
                    errors={errors(errorKey(index, 'test', n))}
                    onChange={(change) => setTest(n, change)}
                    onRemove={
                      f.tests.length > 1
                        ? () => onChange({ tests: f.tests.filter((_, m) => m !== n) })
                        : undefined
                    }
                  />
                </li>
              ))}
            </ol>
            <div class="row-buttons">
              <button
                type="button"
                class="button button-small"
                onClick={() => onChange({ tests: [...f.tests, blankTest()] })}
              >
                Add test
              </button>
              <button type="button" class="button button-small" onClick={toJson}>
                Edit as JSON
              </button>
            </div>
          </>
        ) : (
          <div class="field">
            <label for={`${id}-json`}>Condition (JSON)</label>
            <textarea
              id={`${id}-json`}
              class="code-input"
              rows={6}
              spellcheck={false}
              value={f.json}
              onInput={(e) => onChange({ json: e.currentTarget.value })}
            />
            <small class="muted">
              {'{"all": […]}, {"any": […]} or {"field", "op", "value"}; groups nest 4 deep.'}
            </small>
            <button
              type="button"
              class="button button-small"
              disabled={rowsFromJson(f.json) === null}
              onClick={() => {
                const rows = rowsFromJson(f.json);
                if (rows) onChange({ mode: 'rows', ...rows });
              }}
            >
              Edit as rows
            </button>
          </div>
        )}
      </fieldset>

      <fieldset class="fieldset">
        <legend>Actions</legend>
        <ol class="plain-list stack">
          {f.actions.map((a, n) => (
            <li key={n} class="rule-row">
              <ActionRow
                id={`${id}-a${n}`}
                n={n}
                action={a}
                targets={targets}
                serviceId={serviceId}
                errors={errors(errorKey(index, 'action', n))}
                onChange={(change) => setAction(n, change)}
                onRemove={
                  f.actions.length > 1
                    ? () => onChange({ actions: f.actions.filter((_, m) => m !== n) })
                    : undefined
                }
              />
            </li>
          ))}
        </ol>
        <button
          type="button"
          class="button button-small"
          onClick={() => onChange({ actions: [...f.actions, blankAction('add_note')] })}
        >
          Add action
        </button>
      </fieldset>

      {ruleErrors.length > 0 && (
        <ul class="field-error plain-list" role="alert">
          {ruleErrors.map((m, n) => (
            <li key={n}>{m}</li>
          ))}
        </ul>
      )}
      <div class="row-buttons">
        <button
          type="button"
          class="button button-small"
          disabled={index === 0}
          aria-label={`Move rule ${index + 1} up`}
          onClick={() => onMove(-1)}
        >
          Up
        </button>
        <button
          type="button"
          class="button button-small"
          disabled={index === count - 1}
          aria-label={`Move rule ${index + 1} down`}
          onClick={() => onMove(1)}
        >
          Down
        </button>
        <button
          type="button"
          class="button button-small button-danger"
          aria-label={`Remove rule ${index + 1}`}
          onClick={onRemove}
        >
          Remove
        </button>
      </div>
    </fieldset>
  );
}

function FieldError({ id, errors }: { id: string; errors: string[] }) {
  return errors.length > 0 ? (
    <small id={id} class="field-error">
      {errors.join(' ')}
    </small>
  ) : null;
}

function TestRow({
  id,
  n,
  test: t,
  errors,
  onChange,
  onRemove,
}: {
  id: string;
  n: number;
  test: TestForm;
  errors: string[];
  onChange: (change: Partial<TestForm>) => void;
  onRemove?: (() => void) | undefined;
}) {
  const invalid = errors.length > 0;
  const described = invalid ? `${id}-error` : undefined;
  return (
    <div class="stack rule-test" role="group" aria-label={`Test ${n + 1}`}>
      <div class="field">
        <label for={`${id}-field`}>Field</label>
        <input
          id={`${id}-field`}
          class="code-input"
          value={t.field}
          spellcheck={false}
          autoCapitalize="off"
          aria-invalid={invalid}
          aria-describedby={described}
          onInput={(e) => onChange({ field: e.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for={`${id}-op`}>Operator</label>
        <select
          id={`${id}-op`}
          value={t.op}
          onChange={(e) => onChange({ op: e.currentTarget.value as TestForm['op'] })}
        >
          {OPS.map((op) => (
            <option key={op} value={op}>
              {OP_LABEL[op]}
            </option>
          ))}
        </select>
      </div>
      {t.op !== 'exists' && (
        <div class="field">
          <label for={`${id}-value`}>{t.op === 'in' ? 'Values (comma-separated)' : 'Value'}</label>
          <input
            id={`${id}-value`}
            class="code-input"
            value={t.value}
            spellcheck={false}
            autoCapitalize="off"
            aria-invalid={invalid}
            aria-describedby={described}
            onInput={(e) => onChange({ value: e.currentTarget.value })}
          />
        </div>
      )}
      <FieldError id={`${id}-error`} errors={errors} />
      {onRemove && (
        <button
          type="button"
          class="button button-small"
          aria-label={`Remove test ${n + 1}`}
          onClick={onRemove}
        >
          Remove test
        </button>
      )}
    </div>
  );
}

function ActionRow({
  id,
  n,
  action: a,
  targets,
  serviceId,
  errors,
  onChange,
  onRemove,
}: {
  id: string;
  n: number;
  action: ActionForm;
  targets: Service[];
  serviceId: string;
  errors: string[];
  onChange: (change: Partial<ActionForm>) => void;
  onRemove?: (() => void) | undefined;
}) {
  const invalid = errors.length > 0;
  const text = (key: 'template' | 'name' | 'value' | 'text', label: string, placeholder = '') => (
    <div class="field">
      <label for={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        class="code-input"
        value={a[key]}
        placeholder={placeholder}
        spellcheck={false}
        autoCapitalize="off"
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-error` : undefined}
        onInput={(e) => onChange({ [key]: e.currentTarget.value })}
      />
    </div>
  );
  return (
    <div class="stack rule-action" role="group" aria-label={`Action ${n + 1}`}>
      <div class="field">
        <label for={`${id}-type`}>Action</label>
        <select
          id={`${id}-type`}
          value={a.type}
          onChange={(e) => onChange({ type: e.currentTarget.value as ActionForm['type'] })}
        >
          {ACTION_TYPES.map((t) => (
            <option key={t} value={t}>
              {ACTION_LABEL[t]}
            </option>
          ))}
        </select>
      </div>
      {a.type === 'set_severity' && (
        <div class="field">
          <label for={`${id}-severity`}>Severity</label>
          <select
            id={`${id}-severity`}
            value={a.severity}
            onChange={(e) => onChange({ severity: e.currentTarget.value as Severity })}
          >
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      )}
      {a.type === 'set_title' &&
        text('template', 'Title template', '{{ labels.instance }}: {{ summary }}')}
      {a.type === 'set_dedup_key' &&
        text('template', 'Dedup key template', '{{ labels.alertname }}')}
      {a.type === 'add_label' && (
        <>
          {text('name', 'Label name', 'owner')}
          {text('value', 'Label value (template)', '{{ labels.team }}')}
        </>
      )}
      {a.type === 'add_note' && text('text', 'Note', 'Check the replica first')}
      {a.type === 'route' && (
        <div class="field">
          <label for={`${id}-service`}>Route to</label>
          <select
            id={`${id}-service`}
            value={a.service_id}
            aria-invalid={invalid}
            onChange={(e) => onChange({ service_id: e.currentTarget.value })}
          >
            <option value="">Choose a service</option>
            {targets.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {a.type === 'auto_resolve' && (
        <div class="field">
          <label for={`${id}-minutes`}>Minutes without a new alert</label>
          <input
            id={`${id}-minutes`}
            type="number"
            min={1}
            max={10080}
            value={a.after_minutes}
            aria-invalid={invalid}
            onInput={(e) => onChange({ after_minutes: e.currentTarget.value })}
          />
        </div>
      )}
      {a.type === 'attach_runbook' && (
        <RunbookSelect
          id={`${id}-runbook`}
          serviceId={serviceId}
          value={a.runbook_id}
          invalid={invalid}
          onChange={(runbook_id) => onChange({ runbook_id })}
        />
      )}
      <FieldError id={`${id}-error`} errors={errors} />
      {onRemove && (
        <button
          type="button"
          class="button button-small"
          aria-label={`Remove action ${n + 1}`}
          onClick={onRemove}
        >
          Remove action
        </button>
      )}
    </div>
  );
}
