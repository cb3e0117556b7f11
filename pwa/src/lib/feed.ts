/**
 * useIncidentFeed: the incident list's WebSocket (/api/feed/live), one row per change to any incident.
 * The feed keeps no history, so every time it (re)connects the caller is told to reload over HTTP.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { keepSocketOpen, type Connection } from './resilient-socket';
import type { FeedMessage, IncidentSummary } from './types';

/**
 * Listen to the feed while mounted. `onRow` gets every row; `onLive` runs each time the socket proves it
 * works (its first pong), which is when a fresh HTTP load closes the gap since the last connection.
 */
export function useIncidentFeed(
  onRow: (row: IncidentSummary) => void,
  onLive: () => void,
): Connection {
  const [connection, setConnection] = useState<Connection>('connecting');
  const handlers = useRef({ onRow, onLive });
  handlers.current = { onRow, onLive };

  useEffect(
    () =>
      keepSocketOpen<FeedMessage>({
        url: () =>
          `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/feed/live`,
        // The feed says nothing until something changes: the answer to the first ping is what says "live".
        proves: (msg) => msg.type === 'pong',
        onMessage: (msg) => {
          if (msg.type === 'incident') handlers.current.onRow(msg.incident);
        },
        onConnection: (c) => {
          setConnection(c);
          if (c === 'live') handlers.current.onLive();
        },
      }),
    [],
  );

  return connection;
}
