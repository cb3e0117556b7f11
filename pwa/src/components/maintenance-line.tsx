import { useEffect, useState } from 'preact/hooks';
import { formatTime, plural } from '../lib/format';
import { inMaintenance, listWindows } from '../lib/maintenance-api';

/** "2 services in maintenance until 14:00" on the home screen; nothing when no window is in progress. */
export function MaintenanceLine({ version }: { version: number }) {
  const [line, setLine] = useState<{ services: number; until: number } | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    listWindows({ signal: ctrl.signal }).then(
      ({ windows }) => setLine(inMaintenance(windows)),
      () => {}, // best-effort: the incident list matters more than this line
    );
    return () => ctrl.abort();
  }, [version]);
  if (!line) return null;
  return (
    <p class="muted maintenance-line" role="status">
      {plural(line.services, 'service')} in maintenance until {formatTime(line.until, Date.now())}
    </p>
  );
}
