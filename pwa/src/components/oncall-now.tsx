import { useEffect, useState } from 'preact/hooks';
import { getOnCall } from '../lib/api';
import type { Responder, ServiceOnCall } from '../lib/types';

/** Who a page would reach first on a service: the first level with anyone on call. */
function firstUp(service: ServiceOnCall): Responder[] {
  return service.levels.find((l) => l.users.length)?.users ?? [];
}

/** "Ana, Ben (can't be paged)": names, with anyone unreachable flagged in words, not colour alone. */
function names(people: Responder[]): string {
  return people.map((p) => (p.reachable ? p.name : `${p.name} (can't be paged)`)).join(', ');
}

/** The line the summary shows: everyone first up anywhere, once each, and any service that reaches nobody. */
export function onCallSummary(services: ServiceOnCall[]): { text: string; warn: boolean } {
  if (!services.length) return { text: 'No service has an escalation policy yet', warn: false };
  const people = new Map<string, Responder>();
  for (const s of services) for (const p of firstUp(s)) people.set(p.id, p);
  const nobody = services.filter((s) => s.reachesNobody).length;
  const parts = people.size ? [names([...people.values()])] : [];
  if (nobody) parts.push(`${nobody} ${nobody === 1 ? 'service reaches' : 'services reach'} nobody`);
  const warn = nobody > 0 || [...people.values()].some((p) => !p.reachable);
  return { text: parts.join(' · '), warn };
}

/**
 * "On call now", one line that opens into each service's first responders; fixed height so the list below
 * never jumps. Re-read when `version` changes (the home screen saw a new service).
 */
export function OnCallNow({ version = 0 }: { version?: number }) {
  const [services, setServices] = useState<ServiceOnCall[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const ctrl = new AbortController();
    getOnCall({ signal: ctrl.signal }).then(
      (r) => {
        setServices(r.services);
        setFailed(false);
      },
      () => !ctrl.signal.aborted && setFailed(true),
    );
    return () => ctrl.abort();
  }, [version]);

  const summary = services ? onCallSummary(services) : null;
  return (
    <details class={`oncall-now ${summary?.warn ? 'oncall-warn' : ''}`} aria-busy={!services && !failed}>
      <summary>
        <span class="oncall-label">On call now</span>
        <span class="oncall-names">{summary ? summary.text : failed ? 'not available right now' : '…'}</span>
      </summary>
      {services && (
        <ul class="oncall-list">
          {services.map((s) => (
            <li key={s.id}>
              <strong>{s.name}</strong>:{' '}
              {s.reachesNobody ? (
                <span class="warn">nobody is on call</span>
              ) : (
                firstUp(s).map((p, i) => (
                  <span key={p.id}>
                    {i > 0 && ', '}
                    {p.name}
                    {!p.reachable && <span class="warn"> (can't be paged)</span>}
                  </span>
                ))
              )}
            </li>
          ))}
          <li>
            <a href="/oncall">My shifts and schedules</a>
          </li>
        </ul>
      )}
    </details>
  );
}
