import { formatTime, plural } from '../lib/format';
import type { IncidentAlert } from '../lib/types';
import { SeverityBadge } from './badges';

/** Only http(s) links leave the app: a monitor's payload must never smuggle in a javascript: URL. */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Annotations that are links by convention (runbook_url, dashboard_url, …) are shown as links. */
const isLinkish = (key: string, value: string) => /(^|_)url$/i.test(key) && safeHref(value) !== null;

/** The alerts grouped into an incident: what fired, its labels, and links back to the monitor. */
export function AlertList({ alerts, truncated, now }: { alerts: IncidentAlert[]; truncated: number; now: number }) {
  if (!alerts.length) return null;
  return (
    <section aria-labelledby="alerts-heading">
      <h2 id="alerts-heading">Alerts</h2>
      <ul class="alert-list">
        {alerts.map((a) => (
          <AlertItem key={a.key} alert={a} now={now} />
        ))}
      </ul>
      {truncated > 0 && <p class="muted">{plural(truncated, 'older alert')} not shown.</p>}
    </section>
  );
}

function AlertItem({ alert, now }: { alert: IncidentAlert; now: number }) {
  const labels = Object.entries(alert.labels ?? {});
  // The summary annotation is usually the alert's summary already shown as its heading.
  const annotations = Object.entries(alert.annotations ?? {}).filter(([k, v]) => !(k === 'summary' && v === alert.summary));
  return (
    <li class={`alert alert-${alert.status}`}>
      <p class="alert-summary">{alert.summary}</p>
      <p class="incident-row-meta">
        <SeverityBadge severity={alert.severity} />
        <span class={alert.status === 'firing' ? 'alert-firing-label' : 'muted'}>{alert.status === 'firing' ? 'Firing' : 'Resolved'}</span>
        {alert.count > 1 && <span>×{alert.count}</span>}
        {alert.source && <span>{alert.source}</span>}
        <span>last {formatTime(alert.lastSeenAt, now)}</span>
      </p>
      {labels.length > 0 && (
        <ul class="labels" aria-label="Labels">
          {labels.map(([k, v]) => (
            <li key={k} class="label">
              {k}={v}
            </li>
          ))}
        </ul>
      )}
      {annotations.length > 0 && (
        <dl class="annotations">
          {annotations.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                {isLinkish(k, v) ? (
                  <a href={safeHref(v)!} target="_blank" rel="noopener noreferrer">
                    {v}
                  </a>
                ) : (
                  v
                )}
              </dd>
            </div>
          ))}
        </dl>
      )}
      <LinkButtons links={alert.links} />
    </li>
  );
}

/** A monitor's links as buttons that open outside the app; only http(s) ones are shown. */
export function LinkButtons({ links }: { links: readonly { href: string; text?: string }[] }) {
  const safe = links.map((l) => ({ href: safeHref(l.href), text: l.text })).filter((l): l is { href: string; text: string | undefined } => l.href !== null);
  if (!safe.length) return null;
  return (
    <p class="alert-links">
      {safe.map((l) => (
        <a key={l.href} class="button button-small" href={l.href} target="_blank" rel="noopener noreferrer">
          {l.text || new URL(l.href).host} ↗
        </a>
      ))}
    </p>
  );
}
