import type { Connection } from '../lib/resilient-socket';

const LABEL: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** Dot plus word for the live socket; fixed width so the bar never reflows. */
export function ConnectionIndicator({ connection }: { connection: Connection }) {
  return (
    <span class={`conn conn-${connection}`} title="Live updates">
      <span class="conn-dot" aria-hidden="true" />
      {LABEL[connection]}
    </span>
  );
}
