import { useEffect, useState } from 'preact/hooks';
import { AppBar } from '../components/app-bar';
import { BarList, Chart, ColumnChart, Legend } from '../components/charts';
import { ServiceFilter } from '../components/service-filter';
import { get, listServices } from '../lib/api';
import { formatDuration } from '../lib/format';
import { errorText, useTitle } from '../lib/hooks';
import {
  SEVERITY_KINDS,
  durationBars,
  reportQuery,
  responderBars,
  serviceBars,
  weekColumns,
} from '../lib/reports';
import type { Report, Service } from '../lib/types';

const RANGES = [7, 30, 90] as const;
type Days = (typeof RANGES)[number];

const zone = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
})();

const scope = (days: Days, service: string | null) => ({
  days,
  service,
  query: reportQuery(days, service, Date.now(), zone),
});

/** /reports — incidents by week and severity, time to acknowledge and resolve, on-call load, noisiest services. Loaded on demand. */
export function ReportsPage() {
  useTitle('Reports');
  // The range is fixed when chosen, so the charts and the CSV link describe exactly the same incidents.
  const [{ days, service, query }, setScope] = useState(() => scope(30, null));
  const choose = (d: Days, s: string | null) => setScope(scope(d, s));
  const [services, setServices] = useState<Service[]>([]);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listServices().then(
      (r) => setServices([...r.services].sort((a, b) => a.name.localeCompare(b.name))),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    const ctrl = new AbortController();
    setReport(null);
    setError(null);
    get<Report>(`/api/reports?${query}`, { signal: ctrl.signal }).then(
      setReport,
      (err: unknown) => !ctrl.signal.aborted && setError(errorText(err)),
    );
    return () => ctrl.abort();
  }, [query]);

  return (
    <>
      <AppBar title="Reports" />
      <main class="page stack">
        <h1 class="visually-hidden">Reports</h1>
        <div class="segmented" role="group" aria-label="Time range">
          {RANGES.map((d) => (
            <button
              key={d}
              type="button"
              aria-pressed={days === d}
              aria-label={`Last ${d} days`}
              onClick={() => choose(d, service)}
            >
              {d} days
            </button>
          ))}
        </div>
        <div class="filters filters-1">
          <ServiceFilter services={services} value={service} onChange={(id) => choose(days, id)} />
        </div>
        {error && (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        )}
        {!report ? !error && <ReportSkeleton /> : <ReportView report={report} />}
        <a class="button" href={`/api/reports/incidents.csv?${query}`} download>
          Download CSV of these incidents
        </a>
      </main>
    </>
  );
}

function ReportSkeleton() {
  return (
    <div class="stack" aria-busy="true" aria-label="Loading the report">
      <div class="skeleton-header" />
      <div class="skeleton-chart" />
      <div class="skeleton-chart" />
    </div>
  );
}

function ReportView({ report }: { report: Report }) {
  const { columns, stacked } = weekColumns(report);
  const { incidents, mtta, mttr, escalation } = report;
  const weekSummary = `Incidents per week: ${columns.map((c) => `${c.title}: ${c.segments.reduce((n, s) => n + s.value, 0)}`).join('; ')}`;
  return (
    <>
      <dl class="tiles" aria-label="Headline figures">
        <div>
          <dt>Incidents</dt>
          <dd>{incidents.total}</dd>
        </div>
        <div>
          <dt>Escalated</dt>
          <dd>{escalation.rate === null ? '—' : `${Math.round(escalation.rate * 100)}%`}</dd>
        </div>
        <div>
          <dt>MTTA (median)</dt>
          <dd>{mtta.medianMs === null ? '—' : formatDuration(mtta.medianMs)}</dd>
        </div>
        <div>
          <dt>MTTR (median)</dt>
          <dd>{mttr.medianMs === null ? '—' : formatDuration(mttr.medianMs)}</dd>
        </div>
        {report.resolvedWithoutAck && (
          <div class="tile-wide">
            <dt>Resolved without acknowledgement</dt>
            <dd>
              {report.resolvedWithoutAck.count}{' '}
              <span class="tile-of">
                of {report.resolvedWithoutAck.resolved} resolved · not in MTTA
              </span>
            </dd>
          </div>
        )}
      </dl>

      <Chart id="chart-severity" title="By severity">
        <BarList
          bars={SEVERITY_KINDS.map((k) => ({
            label: k.label,
            text: String(incidents.bySeverity[k.kind] ?? 0),
            segments: [{ kind: k.kind, value: incidents.bySeverity[k.kind] ?? 0 }],
          }))}
          empty="No incidents."
        />
      </Chart>

      <Chart
        id="chart-weeks"
        title="Incidents by week"
        note={
          stacked
            ? undefined
            : 'Per-week severity is not available from this server; the severity split above covers the whole range.'
        }
      >
        {stacked ? (
          <ColumnChart columns={columns} kinds={SEVERITY_KINDS} summary={weekSummary} />
        ) : (
          <ColumnChart
            columns={columns}
            kinds={[{ kind: 'total', label: 'Incidents' }]}
            summary={weekSummary}
          />
        )}
      </Chart>

      <Chart
        id="chart-mtta"
        title="Time to acknowledge"
        note={`${mtta.count} acknowledged ${mtta.count === 1 ? 'incident' : 'incidents'}`}
      >
        <BarList bars={durationBars(mtta)} empty="Nothing was acknowledged." />
      </Chart>
      <Chart
        id="chart-mttr"
        title="Time to resolve"
        note={`${mttr.count} resolved ${mttr.count === 1 ? 'incident' : 'incidents'}`}
      >
        <BarList bars={durationBars(mttr)} empty="Nothing was resolved." />
      </Chart>

      <Chart
        id="chart-pages"
        title="Pages per responder"
        note={`Out of hours: ${report.range.outOfHours}.`}
      >
        <Legend
          kinds={[
            { kind: 'in-hours', label: 'Working hours' },
            { kind: 'out-of-hours', label: 'Out of hours' },
          ]}
        />
        <BarList bars={responderBars(report)} empty="Nobody was paged." />
      </Chart>

      <Chart id="chart-services" title="Noisiest services">
        <BarList bars={serviceBars(report)} empty="No incidents." />
      </Chart>
    </>
  );
}
