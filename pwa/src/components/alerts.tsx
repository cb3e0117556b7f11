import { useState } from 'preact/hooks';
import { formatTime, plural } from '../lib/format';
import type { IncidentAlert } from '../lib/types';
import { AlertDetails, TextOrLink, safeHref } from './alert-details';
import { SeverityBadge } from './badges';

/** An alert's state in words: a person resolving the incident is not its monitor saying it stopped. */
export function alertState(alert: Pick<IncidentAlert, 'status' | 'resolvedBy'>): string {
  if (alert.status === 'firing') return 'Firing';
  return alert.resolvedBy === 'incident' ? 'Resolved with the incident' : 'Resolved';
}

/** An incident may list 10,000 alerts: drawing them all at once would stall a phone. */
const FIRST_SHOWN = 100;
const MORE_SHOWN = 500;

/** The alerts grouped into an incident: what fired, its labels, and links back to the monitor. */
export function AlertList({
  alerts,
  truncated,
  now,
}: {
  alerts: IncidentAlert[];
  truncated: number;
  now: number;
}) {
  const [limit, setLimit] = useState(FIRST_SHOWN);
  if (!alerts.length) return null;
  const hidden = alerts.length - limit;
  return (
    <section aria-labelledby="alerts-heading">
      <h2 id="alerts-heading">Alerts</h2>
      <ul class="alert-list">
        {alerts.slice(0, limit).map((a) => (
          <AlertItem key={a.key} alert={a} now={now} />
        ))}
      </ul>
      {hidden > 0 && (
        <button
          type="button"
          class="button button-small"
          onClick={() => setLimit((n) => n + MORE_SHOWN)}
        >
          Show {Math.min(hidden, MORE_SHOWN)} more of {alerts.length} alerts
        </button>
      )}
      {/* Left out by the monitor, or past the most one incident lists: counted in the total, not drawn here. */}
      {truncated > 0 && <p class="muted">{plural(truncated, 'more alert')} not listed.</p>}
    </section>
  );
}

function AlertItem({ alert, now }: { alert: IncidentAlert; now: number }) {
  return (
    <li class={`alert alert-${alert.status}`}>
      <p class="alert-summary">{alert.summary}</p>
      <p class="incident-row-meta">
        <SeverityBadge severity={alert.severity} />
        <span class={alert.status === 'firing' ? 'alert-firing-label' : 'muted'}>
          {alertState(alert)}
        </span>
        {alert.count > 1 && <span title={`fired ${alert.count} times`}>×{alert.count}</span>}
        {alert.source && <span>{alert.source}</span>}
        <span>last {formatTime(alert.lastSeenAt, now)}</span>
      </p>
      <AlertBody alert={alert} />
    </li>
  );
}

/** What an alert carries besides its summary: labels, annotations and the monitor's description, details, links. */
export function AlertBody({
  alert,
}: {
  alert: Pick<IncidentAlert, 'summary'> &
    Partial<Pick<IncidentAlert, 'labels' | 'annotations' | 'details' | 'links'>>;
}) {
  const labels = Object.entries(alert.labels ?? {});
  // The summary annotation is usually the alert's summary already shown as its heading.
  const annotations = Object.entries(alert.annotations ?? {}).filter(
    ([k, v]) => !(k === 'summary' && v === alert.summary),
  );
  // A description in the details (Opsgenie's) is the monitor's own words: shown like an annotation, not folded away.
  const { description, ...details } = alert.details ?? {};
  if (typeof description === 'string' && !alert.annotations?.description)
    annotations.push(['description', description]);
  else if (description !== undefined) Object.assign(details, { description });
  return (
    <>
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
                <TextOrLink text={v} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      <AlertDetails details={details} />
      <LinkButtons links={alert.links ?? []} />
    </>
  );
}

/** A monitor's links as buttons that open outside the app; only http(s) ones are shown. */
export function LinkButtons({ links }: { links: readonly { href: string; text?: string }[] }) {
  const safe = links
    .map((l) => ({ href: safeHref(l.href), text: l.text }))
    .filter((l): l is { href: string; text: string | undefined } => l.href !== null);
  if (!safe.length) return null;
  return (
    <p class="alert-links">
      {safe.map((l) => (
        <a
          key={l.href}
          class="button button-small"
          href={l.href}
          target="_blank"
          rel="noopener noreferrer"
        >
          {l.text || new URL(l.href).host} ↗
        </a>
      ))}
    </p>
  );
}
