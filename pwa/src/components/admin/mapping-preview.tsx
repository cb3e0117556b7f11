import { formatTime } from '../../lib/format';
import type { Preview, PreviewResult } from '../../lib/mapping-api';

interface Props {
  preview: Preview | null;
  /** A preview is on its way (the shown one is for an earlier edit). */
  busy: boolean;
  error: string | null;
  onRefresh: () => void;
}

/** What the mapping makes of each of the last received payloads: the alerts, and the fallbacks it used. */
export function MappingPreview({ preview, busy, error, onRefresh }: Props) {
  const results = preview?.results ?? [];
  return (
    <section
      class="mapping-preview stack"
      aria-labelledby="mapping-preview-heading"
      aria-busy={busy}
    >
      <div class="preview-head">
        <h4 id="mapping-preview-heading">Preview</h4>
        <button type="button" class="button button-small" onClick={onRefresh} disabled={busy}>
          Refresh
        </button>
      </div>
      <p class={error ? 'notice notice-error' : 'notice muted small'} role="status">
        {error ??
          (busy
            ? 'Updating…'
            : !preview
              ? ''
              : results.length === 0
                ? 'Nothing received yet: post a payload to the webhook URL, then refresh.'
                : `On the last ${results.length} received payload${results.length === 1 ? '' : 's'}.`)}
      </p>
      {preview?.failsOnAll && results.length > 0 && (
        <p class="warn">This mapping fails on every recent payload.</p>
      )}
      {results.length > 0 && (
        <ol class="plain-list preview-list">
          {results.map((r, i) => (
            <PreviewItem key={`${r.receivedAt}-${i}`} result={r} />
          ))}
        </ol>
      )}
    </section>
  );
}

function PreviewItem({ result: r }: { result: PreviewResult }) {
  return (
    <li class="preview-item">
      <p class="muted small">
        Received {formatTime(r.receivedAt, Date.now())} · {r.bytes} bytes
        {r.contentType ? ` · ${r.contentType}` : ''}
        {r.truncated && (
          <>
            {' · '}
            <span class="badge status-triggered">cut</span> only its beginning was kept, so this
            preview may differ from the real alert
          </>
        )}
      </p>
      {r.error !== null ? (
        <p class="notice-error">{r.error}</p>
      ) : r.alerts.length === 0 ? (
        <p class="empty">No alert from this payload.</p>
      ) : (
        <ul class="plain-list">
          {r.alerts.map((a, i) => (
            <li key={i} class="preview-alert">
              <p class="preview-summary">{a.summary}</p>
              <p class="small">
                <span class={`badge sev-${a.severity}`}>{a.severity}</span>{' '}
                <span class="badge status-acknowledged">{a.action}</span> · dedup key{' '}
                <code>{a.dedupKey}</code>
                {a.source ? (
                  <>
                    {' '}
                    · source <code>{a.source}</code>
                  </>
                ) : null}
                {a.links.length > 0
                  ? ` · ${a.links.length} link${a.links.length === 1 ? '' : 's'}`
                  : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
      {r.notes.length > 0 && (
        <ul class="preview-notes small" aria-label="Notes">
          {r.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </li>
  );
}
