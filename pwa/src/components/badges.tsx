import type { IncidentStatus, Severity } from '../lib/types';

const STATUS_LABEL: Record<IncidentStatus, string> = {
  triggered: 'Triggered',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

/** Severity as a high-contrast chip; the word is always shown, never colour alone. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span class={`badge sev-${severity}`}>{severity}</span>;
}

/** Incident status as an outlined chip. */
export function StatusBadge({ status }: { status: IncidentStatus }) {
  return <span class={`badge status-${status}`}>{STATUS_LABEL[status]}</span>;
}
