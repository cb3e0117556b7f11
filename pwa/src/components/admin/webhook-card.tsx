import { useState } from 'preact/hooks';
import { formatTime } from '../../lib/format';
import { useAction } from '../../lib/hooks';
import type { Service } from '../../lib/types';
import {
  deleteWebhook,
  eventLabel,
  sendTestEvent,
  updateWebhook,
  type WebhookSubscription,
} from '../../lib/webhooks-api';
import { ConfirmButton } from '../confirm-button';
import { CopyField } from '../copy-field';
import { FormButtons } from '../form-buttons';
import { Notice } from '../notice';
import { draftBody, WebhookFields, type WebhookDraft } from './webhook-fields';
import { WebhookLog } from './webhook-log';

interface Props {
  webhook: WebhookSubscription;
  serviceName: string;
  services: Service[];
  /** Present right after creating or rotating: the one moment the secret can be shown. */
  secret: string | null;
  onSecret: (secret: string) => void;
  onChanged: () => Promise<void>;
}

/** One subscription: what it gets, its secret once, edit, enable/disable, rotate, delete, test, and its delivery log. */
export function WebhookCard({
  webhook,
  serviceName,
  services,
  secret,
  onSecret,
  onChanged,
}: Props) {
  const { pending, outcome, run } = useAction();
  const [editing, setEditing] = useState(false);
  const [rotated, setRotated] = useState(false);
  const [watch, setWatch] = useState(0);
  const [draft, setDraft] = useState<WebhookDraft>(() => toDraft(webhook));
  const busy = pending !== null;

  const save = (ev: Event) => {
    ev.preventDefault();
    void run('Saving…', async () => {
      await updateWebhook(webhook.id, draftBody(draft));
      setEditing(false);
      await onChanged();
      return 'Saved: the next events go to this URL, for these types.';
    });
  };
  const setEnabled = (enabled: boolean) =>
    void run(enabled ? 'Enabling…' : 'Disabling…', async () => {
      await updateWebhook(webhook.id, { enabled });
      await onChanged();
      return enabled
        ? 'Enabled: events that were waiting go out first, then new ones.'
        : 'Disabled: it gets no new events; those already queued wait until it is enabled.';
    });
  const rotate = () =>
    void run('Making a new secret…', async () => {
      const { secret: fresh } = await updateWebhook(webhook.id, { rotateSecret: true });
      if (fresh) onSecret(fresh);
      setRotated(true);
      return 'New secret made.';
    });
  const remove = () =>
    void run('Deleting…', async () => {
      await deleteWebhook(webhook.id);
      await onChanged();
      return 'Deleted.';
    });
  const test = () =>
    void run('Sending a test event…', async () => {
      await sendTestEvent(webhook.id);
      setWatch((n) => n + 1);
      return 'Test event queued: its attempt shows in the delivery log.';
    });

  return (
    <li class="card webhook">
      <p class="device-label">
        <strong class="webhook-url">{webhook.url}</strong>
        <span class={`badge ${webhook.enabled ? 'status-acknowledged' : 'status-triggered'}`}>
          {webhook.enabled ? 'enabled' : 'disabled'}
        </span>
      </p>
      <p class="muted small">
        {serviceName} · since {formatTime(webhook.createdAt, Date.now())}
      </p>
      <p class="small">{webhook.events.map(eventLabel).join(', ')}</p>
      {!webhook.enabled && (
        <p class="notice notice-error">
          {webhook.disabledReason
            ? `Disabled by Firebell: ${webhook.disabledReason}`
            : 'Disabled by an admin.'}
        </p>
      )}
      {secret && (
        <div class="secret" role="status">
          <p>
            <strong>Copy it now:</strong> Firebell will not show this secret again.
            {rotated &&
              ' The previous secret keeps signing for 24 h too, so the receiver can switch over.'}
          </p>
          <CopyField label="Signing secret" value={secret} />
        </div>
      )}
      {editing ? (
        <form class="stack" aria-label="Edit webhook" onSubmit={save}>
          <WebhookFields draft={draft} services={services} onChange={setDraft} />
          <FormButtons
            save="Save"
            disabled={busy || !draft.url.trim() || draft.events.length === 0}
            onCancel={() => {
              setDraft(toDraft(webhook));
              setEditing(false);
            }}
          />
        </form>
      ) : (
        <div class="row-buttons">
          <button type="button" class="button" disabled={busy} onClick={test}>
            Send test event
          </button>
          <button
            type="button"
            class="button"
            disabled={busy}
            onClick={() => {
              setDraft(toDraft(webhook));
              setEditing(true);
            }}
          >
            Edit
          </button>
          {webhook.enabled ? (
            <button type="button" class="button" disabled={busy} onClick={() => setEnabled(false)}>
              Disable
            </button>
          ) : (
            <button type="button" class="button" disabled={busy} onClick={() => setEnabled(true)}>
              {webhook.disabledReason ? 'Re-enable' : 'Enable'}
            </button>
          )}
          <ConfirmButton
            label="Rotate secret"
            confirm="Tap again: new secret, old one signs 24 h more"
            danger={false}
            disabled={busy}
            onConfirm={rotate}
          />
          <ConfirmButton
            label="Delete"
            confirm="Tap again to delete"
            disabled={busy}
            onConfirm={remove}
          />
        </div>
      )}
      <Notice outcome={outcome} pending={pending} />
      <WebhookLog webhookId={webhook.id} watch={watch} />
    </li>
  );
}

const toDraft = (w: WebhookSubscription): WebhookDraft => ({
  url: w.url,
  serviceId: w.serviceId ?? '',
  events: [...w.events],
});
