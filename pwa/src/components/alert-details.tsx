/**
 * What a monitor said about an alert beyond its summary: PagerDuty custom_details, generic `details`,
 * Opsgenie description/tags/entity, Alertmanager's receiver and times. Any JSON, so it is rendered as text
 * only (never HTML): keys and values as a list, long text wrapped, http(s) URLs as links, nesting kept.
 */
import { plural } from '../lib/format';

/** Only http(s) links leave the app: a monitor's payload must never smuggle in a javascript: URL. */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Deeper than this, a value is shown as JSON text: a phone screen has no room for more indentation. */
const MAX_DEPTH = 3;
const JSON_PREVIEW_CHARS = 2000;

type Scalar = string | number | boolean | null;
const isScalar = (v: unknown): v is Scalar =>
  v === null || ['string', 'number', 'boolean'].includes(typeof v);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string that is a whole http(s) URL becomes a link; anything else is text. */
export function TextOrLink({ text }: { text: string }) {
  const href = /^https?:\/\//i.test(text.trim()) ? safeHref(text.trim()) : null;
  return href ? (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {text}
    </a>
  ) : (
    <span class="detail-text">{text}</span>
  );
}

function Value({ value, depth }: { value: unknown; depth: number }) {
  if (typeof value === 'string') return <TextOrLink text={value} />;
  if (isScalar(value)) return <span class="detail-text">{String(value)}</span>;
  if (Array.isArray(value) && value.every(isScalar)) {
    if (!value.length) return <span class="muted">none</span>;
    return (
      <ul class="labels">
        {value.map((v, i) => (
          <li key={i} class="label">
            {String(v)}
          </li>
        ))}
      </ul>
    );
  }
  if (depth >= MAX_DEPTH) {
    const json = JSON.stringify(value) ?? '';
    return (
      <pre class="detail-json">
        {json.length > JSON_PREVIEW_CHARS ? `${json.slice(0, JSON_PREVIEW_CHARS)}…` : json}
      </pre>
    );
  }
  if (Array.isArray(value)) {
    return (
      <ol class="detail-items">
        {value.map((v, i) => (
          <li key={i}>
            <Value value={v} depth={depth + 1} />
          </li>
        ))}
      </ol>
    );
  }
  return isRecord(value) ? <DetailList details={value} depth={depth + 1} /> : null;
}

/** Key/value pairs, in the order the monitor sent them. */
export function DetailList({
  details,
  depth = 0,
}: {
  details: Record<string, unknown>;
  depth?: number;
}) {
  return (
    <dl class="annotations">
      {Object.entries(details).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            <Value value={v} depth={depth} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Details too large to keep are stored as a marker with a preview (worker/adapters/normalize.ts). */
function tooLarge(
  details: Record<string, unknown>,
): { bytes: unknown; limit: unknown; preview: string } | null {
  return details.truncated === true && typeof details.preview === 'string'
    ? { bytes: details.bytes, limit: details.limit, preview: details.preview }
    : null;
}

/** The details, folded away until asked for: at 3 a.m. the summary and annotations come first. */
export function AlertDetails({ details }: { details: Record<string, unknown> }) {
  const fields = Object.keys(details).length;
  if (!fields) return null;
  const cut = tooLarge(details);
  return (
    <details class="alert-details">
      <summary>
        {cut ? 'Details (too large to keep in full)' : `Details · ${plural(fields, 'field')}`}
      </summary>
      {cut ? (
        <>
          <p class="muted small">
            The monitor sent{' '}
            {typeof cut.bytes === 'number' ? `${cut.bytes} bytes` : 'more than could be stored'};
            Firebell keeps {String(cut.limit)} bytes. The start of it:
          </p>
          <pre class="detail-json">{cut.preview}</pre>
        </>
      ) : (
        <DetailList details={details} />
      )}
    </details>
  );
}
