/** The Reports screen's pure half: the query for a range, and a report turned into chart rows. */
import type { Bar, Column } from '../components/charts';
import { formatDuration } from './format';
import type { DurationStats, Report, Severity } from './types';

const DAY = 86_400_000;

export const SEVERITY_KINDS: { kind: Severity; label: string }[] = [
  { kind: 'critical', label: 'Critical' },
  { kind: 'error', label: 'Error' },
  { kind: 'warning', label: 'Warning' },
  { kind: 'info', label: 'Info' },
];

/**
 * The query string for the last `days` days up to `now`, optionally one service, in the viewer's zone
 * (weeks and working hours are local). The CSV link uses the very same string.
 */
export function reportQuery(
  days: number,
  service: string | null,
  now: number,
  zone: string | undefined,
): string {
  const params = new URLSearchParams({ from: String(now - days * DAY), to: String(now) });
  if (service) params.set('service', service);
  if (zone) params.set('zone', zone);
  return params.toString();
}

const shortDate = (isoDate: string) =>
  new Date(`${isoDate}T00:00:00Z`).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });

/** One column per week, stacked by severity when the server breaks weeks down, else one total. */
export function weekColumns(report: Report): { columns: Column[]; stacked: boolean } {
  const stacked = report.incidents.byWeek.some((w) => w.bySeverity);
  const columns = report.incidents.byWeek.map((w) => ({
    label: shortDate(w.weekStart),
    title: `Week of ${shortDate(w.weekStart)} (${w.week})`,
    segments: stacked
      ? SEVERITY_KINDS.map((k) => ({ kind: k.kind, value: w.bySeverity?.[k.kind] ?? 0 }))
      : [{ kind: 'total', value: w.count }],
  }));
  return { columns, stacked };
}

/** Mean, median and p90 as three bars on one scale. */
export function durationBars(stats: DurationStats): Bar[] {
  const rows: [string, number | null][] = [
    ['Mean', stats.meanMs],
    ['Median', stats.medianMs],
    ['90th percentile', stats.p90Ms],
  ];
  return rows.map(([label, ms]) => ({
    label,
    text: ms === null ? '—' : formatDuration(ms),
    segments: [{ kind: 'time', value: ms ?? 0 }],
  }));
}

/** Pages per responder, split into working hours and out of hours. */
export function responderBars(report: Report): Bar[] {
  return report.pagesPerResponder.map((r) => ({
    label: r.name,
    text: `${r.pages} ${r.pages === 1 ? 'page' : 'pages'} · ${r.outOfHours} out of hours (${r.pages ? Math.round((r.outOfHours / r.pages) * 100) : 0}%)`,
    segments: [
      { kind: 'in-hours', value: r.pages - r.outOfHours },
      { kind: 'out-of-hours', value: r.outOfHours },
    ],
  }));
}

export function serviceBars(report: Report): Bar[] {
  return report.noisiestServices.map((s) => ({
    label: s.name ?? (s.serviceId ? s.serviceId : 'No service'),
    text: `${s.incidents} ${s.incidents === 1 ? 'incident' : 'incidents'} · ${s.alerts} ${s.alerts === 1 ? 'alert' : 'alerts'}`,
    segments: [{ kind: 'total', value: s.incidents }],
  }));
}
