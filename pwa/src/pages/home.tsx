import { useCallback, useState } from 'preact/hooks';
import { AppBar } from '../components/app-bar';
import { DeviceStatus } from '../components/device-status';
import { IncidentRow } from '../components/incident-row';
import { listIncidents } from '../lib/api';
import { errorText, useNow, useRefresh, useTitle } from '../lib/hooks';
import type { IncidentSummary, User } from '../lib/types';

export type Filter = 'mine' | 'open' | 'resolved';

const FILTERS: { value: Filter; label: string }[] = [
  { value: 'mine', label: 'Mine' },
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
];

const OPEN = ['triggered', 'acknowledged'];
/**
 * There is no list feed on the server yet, so the list polls while it is on screen (never in the
 * background: useRefresh skips hidden pages). Two seconds keeps a new incident "live" enough to act on.
 */
const REFRESH_MS = 2_000;

interface Lists {
  needsMe: IncidentSummary[];
  rest: IncidentSummary[];
  nextCursor: string | null;
}

/**
 * Page 1 for a filter. "Needs me" comes out of that page when it is complete; only a longer list
 * asks for triggered-and-mine separately, so it is complete however long the list.
 */
async function loadFirst(filter: Filter, me: User, signal: AbortSignal): Promise<Lists> {
  if (filter === 'resolved') {
    const page = await listIncidents({ status: ['resolved'] }, { signal });
    return { needsMe: [], rest: page.incidents, nextCursor: page.nextCursor };
  }
  const page = await listIncidents({ status: OPEN, ...(filter === 'mine' ? { assignee: 'me' } : {}) }, { signal });
  const needsMe = page.nextCursor
    ? (await listIncidents({ status: ['triggered'], assignee: 'me' }, { signal })).incidents
    : page.incidents.filter((i) => i.status === 'triggered' && i.assignees.includes(me.id));
  return { needsMe, rest: without(page.incidents, needsMe), nextCursor: page.nextCursor };
}

function without(list: IncidentSummary[], drop: IncidentSummary[]): IncidentSummary[] {
  const ids = new Set(drop.map((i) => i.id));
  return list.filter((i) => !ids.has(i.id));
}

/** A refresh replaces page 1 only: rows the user paged in with "Show more" (older than page 1) stay. */
function keepOlderPages(prev: Lists | null, first: Lists): Lists {
  if (!prev || !first.nextCursor || prev.rest.length <= first.rest.length) return first;
  const oldest = first.rest.at(-1)?.createdAt ?? Number.POSITIVE_INFINITY;
  const older = without(
    prev.rest.filter((i) => i.createdAt < oldest),
    [...first.rest, ...first.needsMe],
  );
  return { ...first, rest: [...first.rest, ...older], nextCursor: prev.nextCursor };
}

/** / — whether this device will ring, then "Needs me", then everything else matching the filter. */
export function HomePage({ me }: { me: User }) {
  useTitle('');
  const now = useNow();
  const [filter, setFilter] = useState<Filter>('open');
  const [lists, setLists] = useState<Lists | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const refresh = useCallback(
    async (signal: AbortSignal) => {
      try {
        const first = await loadFirst(filter, me, signal);
        setLists((prev) => keepOlderPages(prev, first));
        setError(null);
      } catch (err) {
        if (!signal.aborted) setError(errorText(err));
      }
    },
    [filter, me],
  );
  useRefresh(refresh, REFRESH_MS);

  const choose = (f: Filter) => {
    if (f === filter) return;
    setLists(null);
    setFilter(f);
  };

  const showMore = async () => {
    if (!lists?.nextCursor) return;
    setLoadingMore(true);
    try {
      const status = filter === 'resolved' ? ['resolved'] : OPEN;
      const page = await listIncidents({ status, cursor: lists.nextCursor, ...(filter === 'mine' ? { assignee: 'me' } : {}) });
      setLists((prev) => prev && { ...prev, rest: [...prev.rest, ...without(page.incidents, [...prev.rest, ...prev.needsMe])], nextCursor: page.nextCursor });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <>
      <AppBar />
      <main class="page">
        <h1 class="visually-hidden">Incidents for {me.name}</h1>
        <DeviceStatus compact />
        <div class="segmented" role="group" aria-label="Show">
          {FILTERS.map((f) => (
            <button key={f.value} type="button" aria-pressed={filter === f.value} onClick={() => choose(f.value)}>
              {f.label}
            </button>
          ))}
        </div>
        <p class={error ? 'notice notice-error' : 'notice'} role={error ? 'alert' : 'status'}>
          {error ? `Couldn't refresh: ${error}` : ''}
        </p>
        {!lists ? (
          <ul class="incident-list" aria-busy="true">
            <li class="skeleton-row" />
            <li class="skeleton-row" />
            <li class="skeleton-row" />
          </ul>
        ) : (
          <>
            {filter !== 'resolved' && (
              <section aria-labelledby="needs-me">
                <h2 id="needs-me">Needs me</h2>
                {lists.needsMe.length ? (
                  <ul class="incident-list">
                    {lists.needsMe.map((i) => (
                      <IncidentRow key={i.id} incident={i} now={now} />
                    ))}
                  </ul>
                ) : (
                  <p class="empty">Nothing is waiting on you.</p>
                )}
              </section>
            )}
            <section aria-labelledby="others">
              <h2 id="others">{filter === 'resolved' ? 'Resolved' : filter === 'mine' ? 'Also mine' : 'All open'}</h2>
              {lists.rest.length ? (
                <ul class="incident-list">
                  {lists.rest.map((i) => (
                    <IncidentRow key={i.id} incident={i} now={now} />
                  ))}
                </ul>
              ) : (
                <p class="empty">{filter === 'resolved' ? 'No resolved incidents yet.' : 'No other open incidents.'}</p>
              )}
              {lists.nextCursor && (
                <button type="button" class="button" disabled={loadingMore} onClick={showMore}>
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
