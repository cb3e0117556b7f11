import { useEffect, useState } from 'preact/hooks';
import { createIntegration } from '../../lib/admin-api';
import { errorText, useAction } from '../../lib/hooks';
import {
  BLANK_MAPPING,
  createCustomIntegration,
  listPresets,
  type MappingPreset,
} from '../../lib/mapping-api';
import type { IntegrationType, IntegrationWithKey } from '../../lib/types';
import { Notice } from '../notice';

const TYPES: { value: IntegrationType; label: string }[] = [
  { value: 'alertmanager', label: 'Prometheus Alertmanager' },
  { value: 'grafana', label: 'Grafana' },
  { value: 'pagerduty', label: 'PagerDuty-compatible (Events v2)' },
  { value: 'opsgenie', label: 'Opsgenie-compatible' },
  { value: 'generic', label: 'Generic webhook / curl' },
  { value: 'custom', label: 'Custom (any JSON)' },
];

/** The value of "start from blank" in the ready-made list; preset ids are never empty. */
const BLANK = '';

// One fetch per visit to the Admin screen, shared by every service card.
let presetsOnce: Promise<MappingPreset[]> | null = null;
const loadPresets = () =>
  (presetsOnce ??= listPresets().then(
    (r) => r.presets,
    (err: unknown) => {
      presetsOnce = null; // let the next pick try again
      throw err;
    },
  ));

/** Add a monitor to a service: its kind, and for a custom one the ready-made mapping to start from. */
export function AddIntegration({
  serviceId,
  onAdded,
}: {
  serviceId: string;
  onAdded: (withKey: IntegrationWithKey) => void;
}) {
  const [type, setType] = useState<IntegrationType>('alertmanager');
  const [presets, setPresets] = useState<MappingPreset[] | null>(null);
  const [presetsError, setPresetsError] = useState<string | null>(null);
  const [preset, setPreset] = useState(BLANK);
  const add = useAction();
  const custom = type === 'custom';

  useEffect(() => {
    if (!custom || presets) return;
    loadPresets().then(setPresets, (err: unknown) => setPresetsError(errorText(err)));
  }, [custom, presets]);

  const chosen = presets?.find((p) => p.id === preset) ?? null;
  const submit = (ev: Event) => {
    ev.preventDefault();
    void add.run('Adding the integration…', async () => {
      onAdded(
        !custom
          ? await createIntegration(serviceId, { type })
          : await createCustomIntegration(
              serviceId,
              chosen ? { name: chosen.name, preset: chosen.id } : { mapping: BLANK_MAPPING },
            ),
      );
      return custom
        ? 'Integration added: copy its webhook URL from its card now, the key is shown only once. Post a payload to it, then edit its mapping with a live preview.'
        : 'Integration added: copy its configuration from its card now, the key is shown only once.';
    });
  };

  return (
    <>
      <form class={custom ? 'stack' : 'inline-form'} onSubmit={submit}>
        <label class="field">
          <span>Monitor</span>
          <select value={type} onChange={(e) => setType(e.currentTarget.value as IntegrationType)}>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        {custom && (
          <div class="field">
            <label for={`${serviceId}-preset`}>Start from</label>
            <select
              id={`${serviceId}-preset`}
              value={preset}
              aria-describedby={`${serviceId}-preset-help`}
              onChange={(e) => setPreset(e.currentTarget.value)}
            >
              <option value={BLANK}>Blank mapping (write your own)</option>
              {(presets ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} (ready-made)
                </option>
              ))}
            </select>
            <small id={`${serviceId}-preset-help`} class="muted">
              {presetsError
                ? `The ready-made list could not be loaded: ${presetsError}`
                : chosen
                  ? chosen.setup
                  : presets === null
                    ? 'Loading the ready-made mappings…'
                    : 'Any JSON body pages; its title field (or its beginning) becomes the summary until you edit the mapping.'}
              {chosen?.docs && (
                <>
                  {' '}
                  <a href={chosen.docs} target="_blank" rel="noopener noreferrer">
                    {chosen.name} documentation
                  </a>
                </>
              )}
            </small>
          </div>
        )}
        <button type="submit" class="button" disabled={add.pending !== null}>
          Add integration
        </button>
      </form>
      <Notice outcome={add.outcome} pending={add.pending} />
    </>
  );
}
