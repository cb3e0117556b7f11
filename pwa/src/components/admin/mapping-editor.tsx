/**
 * A custom integration's mapping, one field per key, with a live preview on what the integration last
 * received. The preview is debounced and the stale one aborted; saving a mapping that fails on every
 * recent payload asks first.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { SEVERITIES, ALERT_ACTIONS } from '../../../../schema/alert';
import { ApiError } from '../../lib/api';
import { errorText, useAction, useLivePreview } from '../../lib/hooks';
import {
  BLANK_MAPPING,
  FAILS_EVERYWHERE,
  previewMapping,
  saveMapping,
  type Mapping,
  type Preview,
} from '../../lib/mapping-api';
import {
  errorsByField,
  fromForm,
  toForm,
  type FieldErrors,
  type FieldKey,
  type MappingForm,
} from '../../lib/mapping-form';
import { FormButtons } from '../form-buttons';
import { Notice } from '../notice';
import { MappingField } from './mapping-field';
import { MappingPreview } from './mapping-preview';

/** The fields most monitors do not need. */
const MORE: FieldKey[] = ['alerts', 'occurred_at', 'links', 'images', 'details'];

interface Props {
  serviceId: string;
  integrationId: string;
  name: string;
  mapping: Mapping | null;
  onSaved: () => Promise<void>;
  onCancel: () => void;
}

/**
 * A 400's `errors` as sentences naming their field: the static check's come as {path: 'mapping', message:
 * 'summary: …'}, schema errors as {path: 'mapping.severity.map.x', message}.
 */
function messagesOf(err: unknown): string[] | null {
  if (!(err instanceof ApiError) || !Array.isArray(err.extensions.errors)) return null;
  return (err.extensions.errors as unknown[]).map((e) => {
    if (typeof e !== 'object' || e === null) return String(e);
    const { path, message } = e as { path?: unknown; message?: unknown };
    const text = String(message ?? '');
    return typeof path === 'string' && path && path !== 'mapping' ? `${path}: ${text}` : text;
  });
}

export function MappingEditor({
  serviceId,
  integrationId,
  name,
  mapping,
  onSaved,
  onCancel,
}: Props) {
  const [form, setForm] = useState<MappingForm>(() => toForm(mapping ?? BLANK_MAPPING));
  const [serverErrors, setServerErrors] = useState<{ fields: FieldErrors; general: string[] }>({
    fields: {},
    general: [],
  });
  /** Set when the server refused to save a mapping failing on all N recent payloads. */
  const [ask, setAsk] = useState<number | null>(null);
  const { pending, outcome, run } = useAction();

  const built = useMemo(() => fromForm(form), [form]);
  const body = built.mapping ? JSON.stringify(built.mapping) : null;
  const set = (key: FieldKey) => (value: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    setAsk(null);
  };

  const {
    preview,
    busy: previewBusy,
    error: previewError,
    refresh,
  } = useLivePreview<Preview>(
    body,
    `${serviceId}/${integrationId}`,
    (json, signal) =>
      previewMapping(serviceId, integrationId, JSON.parse(json) as Mapping, { signal }),
    {
      result: () => setServerErrors({ fields: {}, general: [] }),
      error: (err) => {
        const messages = messagesOf(err);
        if (messages) setServerErrors(errorsByField(messages));
        return messages ? 'Fix the fields marked above to see a preview.' : errorText(err);
      },
    },
  );

  const save = (confirm: boolean) => {
    if (!built.mapping) return;
    const toSave = built.mapping;
    void run(confirm ? 'Saving anyway…' : 'Saving the mapping…', async () => {
      try {
        await saveMapping(serviceId, integrationId, toSave, confirm);
      } catch (err) {
        if (err instanceof ApiError && err.status === 409 && refusedAsFailing(err)) {
          setAsk(failingCount(err) ?? preview?.results.filter((r) => r.error === null).length ?? 0);
          return 'Not saved yet.';
        }
        const messages = messagesOf(err);
        if (messages) setServerErrors(errorsByField(messages));
        throw err;
      }
      setAsk(null);
      await onSaved();
      return confirm
        ? `Saved anyway: the next payload ${name} receives is mapped with it, fallbacks and all.`
        : `Mapping saved: the next payload ${name} receives is mapped with it.`;
    });
  };

  const errors = (key: FieldKey) => [
    ...(built.errors[key] ?? []),
    ...(serverErrors.fields[key] ?? []),
  ];
  // Rarely needed, so folded away unless the mapping uses one; opened when one of them is wrong.
  const [moreAtFirst] = useState(() => MORE.some((k) => form[k].trim() !== ''));
  const more = useRef<HTMLDetailsElement>(null);
  const moreWrong = MORE.some((k) => errors(k).length > 0);
  useEffect(() => {
    if (moreWrong && more.current) more.current.open = true;
  }, [moreWrong]);
  const field = (
    key: FieldKey,
    label: string,
    help: string,
    placeholder?: string,
    rows?: number,
  ) => (
    <MappingField
      id={`${integrationId}-${key}`}
      label={label}
      help={help}
      value={form[key]}
      onInput={set(key)}
      errors={errors(key)}
      placeholder={placeholder}
      rows={rows}
    />
  );

  return (
    <form
      class="stack mapping-editor"
      aria-label={`Mapping for ${name}`}
      onSubmit={(e) => {
        e.preventDefault();
        save(false);
      }}
    >
      <p class="muted small">
        Fields are JSONata expressions over the body, like <code>monitor.name</code>, or text with{' '}
        <code>{'{{ expression }}'}</code> placeholders. An empty field takes its default; one that
        fails on a payload falls back to it, and the preview says why.
      </p>
      {field(
        'summary',
        'Summary',
        'Text: the incident title. Example: {{ monitor.name }} is down',
        '{{ monitor.name }} is down',
      )}
      <fieldset class="fieldset">
        <legend>Severity</legend>
        {field(
          'severityValue',
          'Severity value',
          'Expression: where the severity is read.',
          'level',
        )}
        {field(
          'severityMap',
          'Severity value map',
          `One per line: the monitor's value = ${SEVERITIES.join(', ')}.`,
          'disaster = critical',
          2,
        )}
        <Choice
          id={`${integrationId}-severityDefault`}
          label="Severity when nothing matches"
          options={SEVERITIES}
          fallback="error"
          value={form.severityDefault}
          onChange={set('severityDefault')}
          errors={errors('severityDefault')}
        />
      </fieldset>
      <fieldset class="fieldset">
        <legend>Action</legend>
        {field(
          'actionValue',
          'Action value',
          'Expression: what says the alert fires or recovered. Empty: every payload triggers.',
          'heartbeat.status',
        )}
        {field(
          'actionMap',
          'Action value map',
          `One per line: the monitor's value = ${ALERT_ACTIONS.join(', ')}.`,
          '0 = trigger',
          2,
        )}
        <Choice
          id={`${integrationId}-actionDefault`}
          label="Action when nothing matches"
          options={ALERT_ACTIONS}
          fallback="trigger"
          value={form.actionDefault}
          onChange={set('actionDefault')}
          errors={errors('actionDefault')}
        />
      </fieldset>
      {field(
        'dedup_key',
        'Dedup key',
        'Text: payloads with the same key join one incident, and resolve it. Empty: a hash of summary and source.',
        '{{ monitor.id }}',
      )}
      {field('source', 'Source', 'Text: the host or component that failed.', '{{ monitor.url }}')}
      <details class="more-fields" ref={more} open={moreAtFirst}>
        <summary class="button">More fields: alerts list, time, links, images, details</summary>
        <div class="stack">
          {field(
            'alerts',
            'Alerts list',
            'Expression giving a list: one alert per element, which the other fields then read. Empty: one alert per payload.',
            'alerts',
          )}
          {field(
            'occurred_at',
            'Occurred at',
            'Expression: epoch seconds or milliseconds, or an ISO 8601 time. Empty: when received.',
            'heartbeat.time',
          )}
          {field(
            'links',
            'Links',
            'Expression: a list of URLs or {href, text} objects.',
            '[monitor.url]',
          )}
          {field(
            'images',
            'Images',
            'Expression: a list of image URLs or {src, href, alt} objects.',
          )}
          {field(
            'details',
            'Details',
            'Expression: an object kept on the alert. Empty: the whole payload.',
          )}
        </div>
      </details>
      {serverErrors.general.length > 0 && (
        <ul class="notice notice-error" role="alert">
          {serverErrors.general.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}

      <MappingPreview
        preview={preview}
        busy={previewBusy}
        error={built.mapping ? previewError : 'Fix the fields marked above to see a preview.'}
        onRefresh={refresh}
      />

      {ask !== null ? (
        <div class="confirm-save" role="alertdialog" aria-labelledby={`${integrationId}-ask`}>
          <p id={`${integrationId}-ask`} class="warn">
            This mapping fails on{' '}
            {ask === 1 ? 'the only recent payload' : `all ${ask} recent payloads`} — save anyway?
          </p>
          <div class="form-buttons">
            <button type="button" class="button" onClick={() => setAsk(null)}>
              Keep editing
            </button>
            <button
              type="button"
              class="button button-danger"
              disabled={pending !== null}
              onClick={() => save(true)}
            >
              Save anyway
            </button>
          </div>
        </div>
      ) : (
        <FormButtons
          save="Save mapping"
          disabled={pending !== null || !built.mapping}
          onCancel={onCancel}
        />
      )}
      <Notice outcome={outcome} pending={pending} />
    </form>
  );
}

/** The 409 a save gets when the mapping fails on every recent payload (by problem type or code). */
function refusedAsFailing(err: ApiError): boolean {
  return err.type.endsWith(FAILS_EVERYWHERE) || err.code === FAILS_EVERYWHERE;
}

/** How many payloads it failed on, as the problem says it ("fails on all 3 recent payloads"). */
function failingCount(err: ApiError): number | null {
  const n = /\ball (\d+) recent\b/.exec(err.detail)?.[1];
  return n === undefined ? null : Number(n);
}

function Choice<T extends string>({
  id,
  label,
  options,
  fallback,
  value,
  onChange,
  errors,
}: {
  id: string;
  label: string;
  options: readonly T[];
  /** What the engine uses when this is left unset. */
  fallback: T;
  value: T | '';
  onChange: (value: string) => void;
  errors: string[];
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value}
        aria-invalid={errors.length > 0}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        <option value="">Default ({fallback})</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {errors.length > 0 && <small class="field-error">{errors.join(' ')}</small>}
    </div>
  );
}
