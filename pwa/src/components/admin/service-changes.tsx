import { useEffect, useState } from 'preact/hooks';
import { listChanges } from '../../lib/admin-api';
import { errorText, useNow } from '../../lib/hooks';
import type { ChangeEvent, Service } from '../../lib/types';
import { RecentChanges } from '../recent-changes';

/** A service's recent change events, loaded when its card is first opened. */
export function ServiceChanges({ service }: { service: Service }) {
  const now = useNow();
  const [changes, setChanges] = useState<ChangeEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    listChanges(service.id, { signal: ctrl.signal }).then(
      (r) => setChanges(r.changes),
      (err: unknown) => !ctrl.signal.aborted && setError(errorText(err)),
    );
    return () => ctrl.abort();
  }, [service.id]);

  if (error) {
    return (
      <p class="notice notice-error" role="alert">
        Recent changes could not be loaded: {error}
      </p>
    );
  }
  if (!changes) return null;
  if (!changes.length) {
    return (
      <>
        <h3>Recent changes</h3>
        <p class="empty">
          No change events yet. Deploy pipelines send them to /v2/change/enqueue with a
          PagerDuty-compatible integration’s key.
        </p>
      </>
    );
  }
  return (
    <RecentChanges
      changes={changes}
      now={now}
      id={`changes-${service.id}`}
      level={3}
      heading="Recent changes"
      hint={`The newest change events sent for ${service.name}; an incident shows those from the hour before it opened.`}
    />
  );
}
