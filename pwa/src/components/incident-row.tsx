import { alertFigures, formatAge } from '../lib/format';
import type { IncidentSummary } from '../lib/types';
import { SeverityBadge, StatusBadge } from './badges';

/** One incident in a list: the whole row is the link, at least 64px tall. */
export function IncidentRow({ incident, now }: { incident: IncidentSummary; now: number }) {
  return (
    <li>
      <a
        class={`incident-row sev-edge-${incident.severity}`}
        href={`/incidents/${encodeURIComponent(incident.id)}`}
      >
        <span class="incident-row-title">
          #{incident.number} {incident.title}
        </span>
        <span class="incident-row-meta">
          <SeverityBadge severity={incident.severity} />
          <StatusBadge status={incident.status} />
          <span>{formatAge(incident.createdAt, now)}</span>
          {alertFigures(incident).map((f) => (
            <span key={f}>{f}</span>
          ))}
          {incident.nobodyPaged && <span class="warn">Nobody paged</span>}
        </span>
      </a>
    </li>
  );
}
