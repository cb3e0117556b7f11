import { useEffect, useRef, useState } from 'preact/hooks';
import { AppBar } from '../components/app-bar';
import { ConnectionIndicator } from '../components/connection-indicator';
import { DeviceStatus } from '../components/device-status';
import { IncidentRow } from '../components/incident-row';
import { MaintenanceLine } from '../components/maintenance-line';
import { OnCallNow } from '../components/oncall-now';
import { ServiceFilter } from '../components/service-filter';
import { listServices } from '../lib/api';
import { splitLists, type ListFilter, type View } from '../lib/feed-state';
import { useNow, useTitle } from '../lib/hooks';
import { useIncidentList } from '../lib/incident-list';
import type { IncidentSummary, Service, Severity, User } from '../lib/types';

const VIEWS: { value: View; label: string }[] = [
  { value: 'mine', label: 'Mine' },
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
];

const SEVERITIES: Severity[] = ['critical', 'error', 'warning', 'info'];

/** / — whether this device will ring, who is on call, then "Needs me", then everything else matching the filters; live. */
export function HomePage({ me }: { me: User }) {
  useTitle('');
  const now = useNow();
  const [filter, setFilter] = useState<ListFilter>({ view: 'open', service: null, severity: null });
  const { list, error, connection, loadingMore, showMore } = useIncidentList(filter, me);
  const { services, version } = useServices(list?.rows);
  const { needsMe, rest } = list ? splitLists(list, filter, me.id) : { needsMe: [], rest: [] };
  const set = (change: Partial<ListFilter>) => setFilter((f) => ({ ...f, ...change }));
  const resolved = filter.view === 'resolved';
  const narrowed = filter.service !== null || filter.severity !== null;

  return (
    <>
      <AppBar>
        <ConnectionIndicator connection={connection} />
      </AppBar>
      <main class="page">
        <h1 class="visually-hidden">Incidents for {me.name}</h1>
        <DeviceStatus compact />
        <OnCallNow version={version} />
        <MaintenanceLine version={version} />
        <div class="segmented" role="group" aria-label="Show">
          {VIEWS.map((v) => (
            <button
              key={v.value}
              type="button"
              aria-pressed={filter.view === v.value}
              onClick={() => set({ view: v.value })}
            >
              {v.label}
            </button>
          ))}
        </div>
        <div class="filters">
          <ServiceFilter
            services={services}
            value={filter.service}
            onChange={(service) => set({ service })}
          />
          <label class="field">
            <span>Severity</span>
            <select
              value={filter.severity ?? ''}
              onChange={(e) =>
                set({ severity: (e.currentTarget.value || null) as Severity | null })
              }
            >
              <option value="">All severities</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s.charAt(0).toUpperCase() + s.slice(1)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <p class={error ? 'notice notice-error' : 'notice'} role={error ? 'alert' : 'status'}>
          {error ? `Couldn't refresh: ${error}` : ''}
        </p>
        {!list ? (
          <ul class="incident-list" aria-busy="true">
            <li class="skeleton-row" />
            <li class="skeleton-row" />
            <li class="skeleton-row" />
          </ul>
        ) : (
          <>
            {!resolved && (
              <section aria-labelledby="needs-me">
                <h2 id="needs-me">Needs me</h2>
                {needsMe.length ? (
                  <ul class="incident-list">
                    {needsMe.map((i) => (
                      <IncidentRow key={i.id} incident={i} now={now} />
                    ))}
                  </ul>
                ) : (
                  <p class="empty">Nothing is waiting on you.</p>
                )}
              </section>
            )}
            <section aria-labelledby="others">
              <h2 id="others">
                {resolved ? 'Resolved' : filter.view === 'mine' ? 'Also mine' : 'All open'}
              </h2>
              {rest.length ? (
                <ul class="incident-list">
                  {rest.map((i) => (
                    <IncidentRow key={i.id} incident={i} now={now} />
                  ))}
                </ul>
              ) : (
                <p class="empty">
                  {resolved ? 'No resolved incidents' : 'No other open incidents'}
                  {narrowed ? ' match these filters.' : resolved ? ' yet.' : '.'}
                </p>
              )}
              {list.nextCursor && (
                <button
                  type="button"
                  class="button"
                  disabled={loadingMore}
                  onClick={() => void showMore()}
                >
                  {loadingMore ? 'Loading…' : 'Show more'}
                </button>
              )}
            </section>
          </>
        )}
      </main>
    </>
  );
}

/**
 * The services, for the filter; an empty list (offline, or none yet) just leaves "All services".
 * An incident on a service we have not heard of means services (and who is on call for them) changed:
 * `version` counts those moments, and each re-reads them once.
 */
function useServices(rows: IncidentSummary[] | undefined): {
  services: Service[];
  version: number;
} {
  const [services, setServices] = useState<Service[]>([]);
  const [version, setVersion] = useState(0);
  const asked = useRef(new Set<string>());
  useEffect(() => {
    const known = new Set(services.map((s) => s.id));
    const fresh = (rows ?? []).flatMap((r) =>
      r.serviceId && !known.has(r.serviceId) && !asked.current.has(r.serviceId)
        ? [r.serviceId]
        : [],
    );
    if (!fresh.length) return;
    for (const id of fresh) asked.current.add(id);
    setVersion((v) => v + 1);
  }, [rows, services]);
  useEffect(() => {
    const ctrl = new AbortController();
    listServices({ signal: ctrl.signal }).then(
      (r) => setServices([...r.services].sort((a, b) => a.name.localeCompare(b.name))),
      () => undefined,
    );
    return () => ctrl.abort();
  }, [version]);
  return { services, version };
}
