import { useEffect, useState } from 'preact/hooks';
import { getOnCall } from '../lib/api';
import { gapNow, gapText, whenShort } from '../lib/coverage';
import type { Interval, Responder, ServiceOnCall } from '../lib/types';

const SOON_MS = 24 * 3_600_000;

/** Who a page would reach first on a service: the first level with anyone on call. */
function firstUp(service: ServiceOnCall): Responder[] {
  return service.levels.find((l) => l.users.length)?.users ?? [];
}

/** "Ana, Ben (can't be paged)": names, with anyone unreachable flagged in words, not colour alone. */
function names(people: Responder[]): string {
  return people.map((p) => (p.reachable ? p.name : `${p.name} (can't be paged)`)).join(', ');
}

/** The next time a service reaches nobody, if it starts within a day (one under way is `reachesNobody`'s). */
function gapSoon(service: ServiceOnCall, now: number): Interval | undefined {
  return service.gaps?.find((g) => g.start > now && g.start - now < SOON_MS);
}

/** The line the summary shows: everyone first up anywhere, once each, any service that reaches nobody, and gaps coming within a day. */
export function onCallSummary(
  services: ServiceOnCall[],
  now = Date.now(),
): { text: string; warn: boolean } {
  if (!services.length) return { text: 'No service has an escalation policy yet', warn: false };
  const people = new Map<string, Responder>();
  for (const s of services) for (const p of firstUp(s)) people.set(p.id, p);
  const nobody = services.filter((s) => s.reachesNobody).length;
  const soon = services.filter((s) => !s.reachesNobody && gapSoon(s, now)).length;
  const parts = people.size ? [names([...people.values()])] : [];
  if (nobody) parts.push(`${nobody} ${nobody === 1 ? 'service reaches' : 'services reach'} nobody`);
  if (soon)
    parts.push(`${soon} ${soon === 1 ? 'service has' : 'services have'} a gap within a day`);
  const warn = nobody > 0 || soon > 0 || [...people.values()].some((p) => !p.reachable);
  return { text: parts.join(' · '), warn };
}

/** "nobody is on call, until Wed 09:00" / " · nobody 18:00 → Thu 09:00": a service's gap in words; `until` is how far the server looked. */
function GapNote({ service, until, now }: { service: ServiceOnCall; until: number; now: number }) {
  if (service.reachesNobody) {
    const gap = gapNow(service.gaps, now);
    return (
      <span class="warn">
        nobody is on call{gap && gap.end < until ? `, until ${whenShort(gap.end, now)}` : ''}
      </span>
    );
  }
  const soon = gapSoon(service, now);
  return soon ? <span class="warn"> · nobody {gapText(soon, until, now)}</span> : null;
}

/**
 * "On call now", one line that opens into each service's first responders; fixed height so the list below
 * never jumps. Re-read when `version` changes (the home screen saw a new service).
 */
export function OnCallNow({ version = 0 }: { version?: number }) {
  const [services, setServices] = useState<ServiceOnCall[] | null>(null);
  const [until, setUntil] = useState(Infinity);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const ctrl = new AbortController();
    getOnCall({ signal: ctrl.signal }).then(
      (r) => {
        setServices(r.services);
        setUntil(r.until ?? Infinity);
        setFailed(false);
      },
      () => !ctrl.signal.aborted && setFailed(true),
    );
    return () => ctrl.abort();
  }, [version]);

  const now = Date.now();
  const summary = services ? onCallSummary(services, now) : null;
  return (
    <details
      class={`oncall-now ${summary?.warn ? 'oncall-warn' : ''}`}
      aria-busy={!services && !failed}
    >
      <summary>
        <span class="oncall-label">On call now</span>
        <span class="oncall-names">
          {summary ? summary.text : failed ? 'not available right now' : '…'}
        </span>
      </summary>
      {services && (
        <ul class="oncall-list">
          {services.map((s) => (
            <li key={s.id}>
              <strong>{s.name}</strong>:{' '}
              {!s.reachesNobody &&
                firstUp(s).map((p, i) => (
                  <span key={p.id}>
                    {i > 0 && ', '}
                    {p.name}
                    {!p.reachable && <span class="warn"> (can't be paged)</span>}
                  </span>
                ))}
              <GapNote service={s} until={until} now={now} />
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
