import { EVENT_GROUPS, eventLabel, type WebhookEventType } from '../../lib/webhooks-api';
import type { Service } from '../../lib/types';

export interface WebhookDraft {
  url: string;
  /** '' is every service. */
  serviceId: string;
  events: WebhookEventType[];
}

/** URL, service and event types: the same fields to create a subscription and to edit one. */
export function WebhookFields({
  draft,
  services,
  onChange,
}: {
  draft: WebhookDraft;
  services: Service[];
  onChange: (draft: WebhookDraft) => void;
}) {
  const toggle = (type: WebhookEventType, on: boolean) =>
    onChange({
      ...draft,
      events: on ? [...draft.events, type] : draft.events.filter((t) => t !== type),
    });
  return (
    <>
      <label class="field">
        <span>Receiver URL</span>
        <input
          type="url"
          inputMode="url"
          value={draft.url}
          maxLength={2048}
          placeholder="https://hooks.example.com/firebell"
          onInput={(e) => onChange({ ...draft, url: e.currentTarget.value })}
        />
      </label>
      <label class="field">
        <span>Service</span>
        <select
          value={draft.serviceId}
          onChange={(e) => onChange({ ...draft, serviceId: e.currentTarget.value })}
        >
          <option value="">All services</option>
          {services.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      {EVENT_GROUPS.map((group) => (
        <fieldset key={group.legend} class="fieldset">
          <legend>{group.legend}</legend>
          {group.types.map((type) => (
            <label key={type} class="check">
              <input
                type="checkbox"
                checked={draft.events.includes(type)}
                onChange={(e) => toggle(type, e.currentTarget.checked)}
              />
              <span class="event-choice">
                {eventLabel(type)} <code class="muted small">{type}</code>
              </span>
            </label>
          ))}
        </fieldset>
      ))}
    </>
  );
}

/** The draft as the API takes it, in the schema's order so an edit that changes nothing reads the same. */
export const draftBody = (draft: WebhookDraft) => ({
  url: draft.url.trim(),
  serviceId: draft.serviceId || null,
  events: EVENT_GROUPS.flatMap((g) => g.types).filter((t) => draft.events.includes(t)),
});
