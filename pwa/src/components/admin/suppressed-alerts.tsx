import { useCallback, useEffect, useState } from 'preact/hooks';
import { formatTime } from '../../lib/format';
import { errorText } from '../../lib/hooks';
import { getRuleActivity, type RuleActivity } from '../../lib/rules-api';

/** What the service's rules kept quiet: the last suppressed alerts and how many each rule dropped. */
export function SuppressedAlerts({ serviceId, reload }: { serviceId: string; reload: number }) {
  const [activity, setActivity] = useState<RuleActivity | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setBusy(true);
      try {
        setActivity(await getRuleActivity(serviceId, { signal }));
        setError(null);
      } catch (err) {
        if (!signal?.aborted) setError(errorText(err));
      } finally {
        setBusy(false);
      }
    },
    [serviceId],
  );
  useEffect(() => {
    const ctrl = new AbortController();
    void load(ctrl.signal);
    return () => ctrl.abort();
  }, [load, reload]);

  const now = Date.now();
  return (
    <section class="stack" aria-labelledby={`suppressed-${serviceId}`} aria-busy={busy}>
      <div class="preview-head">
        <h3 id={`suppressed-${serviceId}`}>Suppressed alerts</h3>
        <button
          type="button"
          class="button button-small"
          disabled={busy}
          onClick={() => void load()}
        >
          Refresh
        </button>
      </div>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {activity && activity.suppressed.length === 0 && (
        <p class="empty">No alert suppressed yet.</p>
      )}
      {activity && activity.suppressed.length > 0 && (
        <ol class="plain-list preview-list" aria-label="Suppressed alerts">
          {activity.suppressed.map((s, i) => (
            <li key={`${s.at}-${i}`} class="preview-item">
              <p class="preview-summary">{s.summary}</p>
              <p class="muted small">
                {formatTime(s.at, now)} · {s.integrationName} · by{' '}
                {s.rules.map((r) => r.name).join(', ') || 'a rule'}
              </p>
            </li>
          ))}
        </ol>
      )}
      {activity && activity.drops.length > 0 && (
        <>
          <h4>Dropped</h4>
          <ul class="plain-list" aria-label="Drop counters">
            {activity.drops.map((d) => (
              <li key={d.ruleId}>
                <strong>{d.name}</strong>: {d.count} dropped, last {formatTime(d.lastAt, now)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
