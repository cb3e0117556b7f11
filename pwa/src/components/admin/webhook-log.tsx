import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorText, useAction } from '../../lib/hooks';
import {
  eventLabel,
  redeliver,
  webhookDeliveries,
  type PendingEvent,
  type WebhookDelivery,
} from '../../lib/webhooks-api';
import { Notice } from '../notice';

const BADGE: Record<WebhookDelivery['outcome'], string> = {
  delivered: 'status-acknowledged',
  retrying: 'status-resolved',
  failed: 'status-triggered',
};

/** Attempts land within seconds of each other: the log shows seconds. */
const clock = (at: number) =>
  new Date(at).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

interface Props {
  webhookId: string;
  /** Bumped after queueing something (a test event, a redelivery): open the log and follow it until the queue is empty. */
  watch: number;
}

const FOLLOW_MS = 1000;
const FOLLOW_TIMES = 30;

/** The last 100 attempts, newest first, and the events still waiting; each attempt can be sent again. */
export function WebhookLog({ webhookId, watch }: Props) {
  const [open, setOpen] = useState(false);
  const [log, setLog] = useState<{ deliveries: WebhookDelivery[]; pending: PendingEvent[] } | null>(
    null,
  );
  const [loadError, setLoadError] = useState<string | null>(null);
  const [follow, setFollow] = useState(0);
  const { pending, outcome, run } = useAction();

  const load = useCallback(async () => {
    try {
      const next = await webhookDeliveries(webhookId);
      setLog(next);
      setLoadError(null);
      return next;
    } catch (err) {
      setLoadError(errorText(err));
      return null;
    }
  }, [webhookId]);

  useEffect(() => {
    if (watch === 0) return;
    setOpen(true);
    setFollow(FOLLOW_TIMES);
  }, [watch]);
  useEffect(() => {
    if (open) void load();
  }, [open, load]);
  // Follow the queue for a while after queueing: an event shows as waiting first, then as an attempt.
  useEffect(() => {
    if (follow === 0) return;
    const timer = setTimeout(
      () =>
        void load().then((next) =>
          setFollow((n) => (next && next.pending.length === 0 ? 0 : n - 1)),
        ),
      FOLLOW_MS,
    );
    return () => clearTimeout(timer);
  }, [follow, load]);

  const again = (d: WebhookDelivery) =>
    void run('Queueing it again…', async () => {
      await redeliver(webhookId, d.id);
      setFollow(FOLLOW_TIMES);
      return `${eventLabel(d.type)} queued again, with the same webhook-id.`;
    });

  const deliveries = log?.deliveries ?? [];
  const waiting = log?.pending ?? [];
  return (
    <details
      class="payloads webhook-log"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary class="button">Delivery log{log ? ` (${deliveries.length})` : ''}</summary>
      <div class="row-buttons">
        <button type="button" class="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {loadError && (
        <p class="notice notice-error" role="alert">
          {loadError}
        </p>
      )}
      {waiting.length > 0 && (
        <section aria-label="Waiting">
          <h4>Waiting ({waiting.length})</h4>
          <ol class="plain-list">
            {waiting.map((p) => (
              <li key={p.id}>
                {eventLabel(p.type)} ·{' '}
                {p.attempts === 0
                  ? 'not sent yet'
                  : `${p.attempts} attempt${p.attempts === 1 ? '' : 's'}, next at ${clock(p.nextAt)}`}
              </li>
            ))}
          </ol>
        </section>
      )}
      {!log ? null : deliveries.length === 0 ? (
        <p class="empty">No attempts yet.</p>
      ) : (
        <ol class="plain-list" aria-label="Attempts">
          {deliveries.map((d) => (
            <li key={d.id} class="delivery">
              <p id={`attempt-${d.id}`}>
                <span class={`badge ${BADGE[d.outcome]}`}>{d.outcome}</span>{' '}
                <time dateTime={new Date(d.at).toISOString()}>{clock(d.at)}</time> ·{' '}
                {eventLabel(d.type)} · {d.status === null ? 'no answer' : `HTTP ${d.status}`} ·{' '}
                {d.latencyMs} ms
                {d.attempt > 1 ? ` · attempt ${d.attempt}` : ''}
                {d.outcome === 'retrying' && d.nextAt ? ` · retry at ${clock(d.nextAt)}` : ''}
              </p>
              <div class="row-buttons">
                <button
                  type="button"
                  class="button"
                  disabled={pending !== null}
                  aria-describedby={`attempt-${d.id}`}
                  onClick={() => again(d)}
                >
                  Redeliver
                </button>
                {d.response && (
                  <details class="delivery-response">
                    <summary class="button">Response</summary>
                    <pre class="snippet">{d.response}</pre>
                  </details>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
      <Notice outcome={outcome} pending={pending} />
    </details>
  );
}
