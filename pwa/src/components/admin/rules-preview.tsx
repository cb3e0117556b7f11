import { formatTime } from '../../lib/format';
import type { PreviewAlert, RulesPreviewResult } from '../../lib/rules-api';
import type { Service } from '../../lib/types';

interface Props {
  results: RulesPreviewResult[] | null;
  /** A preview is on its way (the shown one is for an earlier edit). */
  busy: boolean;
  error: string | null;
  services: Service[];
  onRefresh: () => void;
}

const VERDICT_CLASS: Record<PreviewAlert['outcome'], string> = {
  passed: 'status-triggered',
  suppressed: 'status-acknowledged',
  dropped: 'status-resolved',
  routed: 'status-acknowledged',
};

/** What the rules make of each of the last received payloads: per alert, the rules matched and its fate. */
export function RulesPreview({ results, busy, error, services, onRefresh }: Props) {
  const list = results ?? [];
  const verdict = (a: PreviewAlert) =>
    a.outcome === 'passed'
      ? 'paged'
      : a.outcome === 'routed'
        ? `routed to ${services.find((s) => s.id === a.routeTo)?.name ?? a.routeTo}`
        : a.outcome;
  return (
    <section class="mapping-preview stack" aria-labelledby="rules-preview-heading" aria-busy={busy}>
      <div class="preview-head">
        <h4 id="rules-preview-heading">Test against the last 20 payloads</h4>
        <button type="button" class="button button-small" onClick={onRefresh} disabled={busy}>
          Refresh
        </button>
      </div>
      <p class={error ? 'notice notice-error' : 'notice muted small'} role="status">
        {error ??
          (busy
            ? 'Updating…'
            : !results
              ? ''
              : list.length === 0
                ? 'Nothing received yet: send an alert to one of the service’s integrations, then refresh.'
                : `On the last ${list.length} received payload${list.length === 1 ? '' : 's'}.`)}
      </p>
      {list.length > 0 && (
        <ol class="plain-list preview-list">
          {list.map((r, i) => (
            <li key={`${r.receivedAt}-${i}`} class="preview-item">
              <p class="muted small">
                {r.integrationName} · received {formatTime(r.receivedAt, Date.now())}
              </p>
              {r.error !== null ? (
                <p class="notice-error">{r.error}</p>
              ) : r.alerts.length === 0 ? (
                <p class="empty">No alert from this payload.</p>
              ) : (
                <ul class="plain-list">
                  {r.alerts.map((a, n) => (
                    <li key={n} class="preview-alert">
                      <p class="preview-summary">{a.alert.summary}</p>
                      <p class="small">
                        <span class={`badge ${VERDICT_CLASS[a.outcome]}`}>{verdict(a)}</span>{' '}
                        <span class={`badge sev-${a.alert.severity}`}>{a.alert.severity}</span>{' '}
                        {a.matched.length
                          ? `Matched: ${a.matched.map((m) => m.name).join(', ')}`
                          : 'No rule matched'}
                      </p>
                      {a.notes.length > 0 && (
                        <ul class="preview-notes small" aria-label="Notes">
                          {a.notes.map((note, k) => (
                            <li key={k}>{note}</li>
                          ))}
                        </ul>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
