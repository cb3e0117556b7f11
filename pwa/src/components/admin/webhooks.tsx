import { useState } from 'preact/hooks';
import { useAction, useLoaded } from '../../lib/hooks';
import type { Service } from '../../lib/types';
import { createWebhook, listWebhooks } from '../../lib/webhooks-api';
import { Notice } from '../notice';
import { WebhookCard } from './webhook-card';
import { draftBody, WebhookFields, type WebhookDraft } from './webhook-fields';

const BLANK: WebhookDraft = {
  url: '',
  serviceId: '',
  events: ['incident.triggered', 'incident.acknowledged', 'incident.resolved'],
};

/** Outgoing webhooks: subscribe any tool's URL to incident events, signed per Standard Webhooks. */
export function WebhooksAdmin({ services }: { services: Service[] }) {
  const [draft, setDraft] = useState<WebhookDraft>(BLANK);
  // Secrets exist only in the create/rotate answer: held while this screen is open, never anywhere else.
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const { pending, outcome, run } = useAction();
  const {
    data: hooks,
    error: loadError,
    reload,
  } = useLoaded(async () => (await listWebhooks()).webhooks);

  const create = (ev: Event) => {
    ev.preventDefault();
    void run('Subscribing…', async () => {
      const { webhook, secret } = await createWebhook(draftBody(draft));
      setSecrets((s) => ({ ...s, [webhook.id]: secret }));
      setDraft(BLANK);
      await reload();
      return 'Subscribed. Copy the signing secret from its card below into the receiver.';
    });
  };
  const serviceName = (id: string | null) =>
    id === null ? 'All services' : (services.find((s) => s.id === id)?.name ?? id);

  return (
    <section aria-labelledby="webhooks-heading" class="stack">
      <h2 id="webhooks-heading">Webhooks</h2>
      <p class="muted small">
        Firebell POSTs each incident event to these URLs, signed per Standard Webhooks (
        <code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>),
        retrying for up to 24 h.
      </p>
      <form class="card stack admin-form" aria-label="New webhook" onSubmit={create}>
        <WebhookFields draft={draft} services={services} onChange={setDraft} />
        <button
          type="submit"
          class="button button-primary"
          disabled={pending !== null || !draft.url.trim() || draft.events.length === 0}
        >
          Subscribe
        </button>
        <Notice outcome={outcome} pending={pending} />
      </form>
      {loadError && (
        <p class="notice notice-error" role="alert">
          {loadError}
        </p>
      )}
      {hooks?.length === 0 && <p class="empty">No webhooks yet.</p>}
      <ul class="card-list">
        {hooks?.map((h) => (
          <WebhookCard
            key={h.id}
            webhook={h}
            serviceName={serviceName(h.serviceId)}
            services={services}
            secret={secrets[h.id] ?? null}
            onSecret={(secret) => setSecrets((s) => ({ ...s, [h.id]: secret }))}
            onChanged={reload}
          />
        ))}
      </ul>
    </section>
  );
}
