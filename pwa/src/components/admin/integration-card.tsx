import { useState } from 'preact/hooks';
import { revokeIntegration, rotateIntegration, updateIntegration } from '../../lib/admin-api';
import { formatTime } from '../../lib/format';
import { useAction } from '../../lib/hooks';
import { snippetsFor } from '../../lib/snippets';
import type { Integration, IntegrationWithKey, ReceivedPayload } from '../../lib/types';
import { ConfirmButton } from '../confirm-button';
import { CopyField } from '../copy-field';
import { FormButtons } from '../form-buttons';
import { Notice } from '../notice';
import { MappingEditor } from './mapping-editor';

const TYPE_LABEL: Record<Integration['type'], string> = {
  alertmanager: 'Alertmanager',
  grafana: 'Grafana',
  pagerduty: 'PagerDuty-compatible',
  opsgenie: 'Opsgenie-compatible',
  generic: 'Generic (curl)',
  custom: 'Custom (any JSON)',
};

interface Props {
  integration: Integration;
  /** Present right after creating or rotating: the one moment the key can be shown. */
  fresh: IntegrationWithKey | null;
  onKey: (withKey: IntegrationWithKey) => void;
  onChanged: () => Promise<void>;
}

/** One integration: its ready-to-paste snippets (with the key only when fresh), rotate, revoke, and what it last received. */
export function IntegrationCard({ integration, fresh, onKey, onChanged }: Props) {
  const { pending, outcome, run } = useAction();
  const [editing, setEditing] = useState(false);
  const [mapping, setMapping] = useState(false);
  const [name, setName] = useState(integration.name);
  const [rate, setRate] = useState(integration.ratePerMinute);
  const revoked = integration.revokedAt !== null;
  const key = fresh?.key ?? null;
  const snippets = snippetsFor(integration, key);

  const rotate = () =>
    void run('Rotating the key…', async () => {
      onKey(await rotateIntegration(integration.serviceId, integration.id));
      return 'New key made: the old one no longer works. Update the monitor with the key and snippets on this card.';
    });
  const revoke = () =>
    void run('Revoking…', async () => {
      await revokeIntegration(integration.serviceId, integration.id);
      await onChanged();
      return 'Revoked: its key no longer works.';
    });
  const save = (ev: Event) => {
    ev.preventDefault();
    void run('Saving…', async () => {
      const saved = await updateIntegration(integration.serviceId, integration.id, {
        name: name.trim(),
        ratePerMinute: rate,
      });
      setEditing(false);
      await onChanged();
      return `Saved: “${saved.name}” takes ${saved.ratePerMinute} requests a minute, from now on.`;
    });
  };

  return (
    <li class="card integration">
      <p class="device-label">
        <strong>{integration.name}</strong>
        <span class="muted small">{TYPE_LABEL[integration.type]}</span>
        {revoked && <span class="badge status-resolved">revoked</span>}
      </p>
      <p class="muted small">
        Added {formatTime(integration.createdAt, Date.now())} · key {integration.keyIn} ·{' '}
        {integration.ratePerMinute}/min
        {integration.preset ? ` · ready-made mapping ${integration.preset}` : ''}
      </p>
      {!revoked && (
        <>
          {key ? (
            <div class="secret" role="status">
              <p>
                <strong>Copy it now:</strong> Firebell will not show this key again.
              </p>
              <CopyField label={`${integration.name} key`} value={key} />
            </div>
          ) : (
            <p class="muted small">
              The key is shown only when it is made. The snippets below have {'<INTEGRATION_KEY>'}{' '}
              in its place; rotate to get a new key and ready-to-paste snippets.
            </p>
          )}
          <details class="snippets" open={key !== null}>
            <summary class="button">Configuration snippets</summary>
            {snippets.map((s) => (
              <div key={s.title} class="snippet-block">
                <h4>{s.title}</h4>
                <p class="muted small">{s.hint}</p>
                <CopyField label={s.title} value={s.text} multiline />
              </div>
            ))}
          </details>
          {editing ? (
            <form class="stack" onSubmit={save}>
              <label class="field">
                <span>Integration name</span>
                <input
                  value={name}
                  maxLength={120}
                  onInput={(e) => setName(e.currentTarget.value)}
                />
              </label>
              <label class="field">
                <span>Requests a minute</span>
                <input
                  type="number"
                  min={1}
                  max={10_000}
                  value={rate}
                  onInput={(e) => setRate(Number(e.currentTarget.value))}
                />
              </label>
              <FormButtons
                save="Save"
                disabled={pending !== null || !name.trim() || !(rate >= 1 && rate <= 10_000)}
                onCancel={() => setEditing(false)}
              />
            </form>
          ) : mapping ? (
            <MappingEditor
              serviceId={integration.serviceId}
              integrationId={integration.id}
              name={integration.name}
              mapping={integration.mapping ?? null}
              onSaved={onChanged}
              onCancel={() => setMapping(false)}
            />
          ) : (
            <div class="row-buttons">
              {integration.type === 'custom' && (
                <button
                  type="button"
                  class="button"
                  disabled={pending !== null}
                  onClick={() => setMapping(true)}
                >
                  Edit mapping
                </button>
              )}
              <button
                type="button"
                class="button"
                disabled={pending !== null}
                onClick={() => setEditing(true)}
              >
                Edit
              </button>
              <ConfirmButton
                label="Rotate key"
                confirm="Tap again: the old key stops working"
                danger={false}
                disabled={pending !== null}
                onConfirm={rotate}
              />
              <ConfirmButton
                label="Revoke"
                confirm="Tap again to revoke"
                disabled={pending !== null}
                onConfirm={revoke}
              />
            </div>
          )}
          <Notice outcome={outcome} pending={pending} />
        </>
      )}
      <Payloads payloads={integration.recentPayloads ?? []} />
    </li>
  );
}

const OUTCOME: Record<ReceivedPayload['outcome'], string> = {
  accepted: 'accepted',
  rejected: 'rejected',
  rate_limited: 'rate limited',
  failed: 'failed',
};

/** The last requests this key received, body redacted, newest first: "why did my monitor not page?". */
function Payloads({ payloads }: { payloads: ReceivedPayload[] }) {
  return (
    <details class="payloads">
      <summary class="button">Last received ({payloads.length})</summary>
      {payloads.length === 0 ? (
        <p class="empty">Nothing received yet.</p>
      ) : (
        <ol class="plain-list">
          {payloads.map((p, i) => (
            <li key={`${p.receivedAt}-${i}`}>
              <p>
                <span
                  class={`badge ${p.outcome === 'accepted' ? 'status-acknowledged' : 'status-triggered'}`}
                >
                  {OUTCOME[p.outcome]}
                </span>{' '}
                {formatTime(p.receivedAt, Date.now())} · {p.method} · {p.bytes} bytes
                {p.userAgent ? ` · ${p.userAgent}` : ''}
              </p>
              {p.detail && <p class="muted small">{p.detail}</p>}
              <pre class="snippet">
                {p.body}
                {p.truncated ? '\n…(cut)' : ''}
              </pre>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
