/**
 * useIncidentFeed: the incident list's WebSocket (/api/feed/live), one row per change to any incident.
 * The feed keeps no history, so every time it (re)connects the caller is told to reload over HTTP.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Connection } from './live';
import { backoffDelay } from './live-state';
import type { FeedMessage, IncidentSummary } from './types';

const PING_EVERY_MS = 25_000;
/** A ping unanswered this long means a socket that is dead without knowing it (a tunnel, a lock screen). */
const PONG_WITHIN_MS = 10_000;

/**
 * Listen to the feed while mounted. `onRow` gets every row; `onLive` runs each time the socket proves it
 * works (its first pong), which is when a fresh HTTP load closes the gap since the last connection.
 */
export function useIncidentFeed(onRow: (row: IncidentSummary) => void, onLive: () => void): Connection {
  const [connection, setConnection] = useState<Connection>('connecting');
  const handlers = useRef({ onRow, onLive });
  handlers.current = { onRow, onLive };

  useEffect(() => {
    let socket: WebSocket | null = null;
    let attempt = 0;
    let live = false;
    let disposed = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;
    let pongTimer: ReturnType<typeof setTimeout> | undefined;

    const stopTimers = () => {
      clearInterval(pingTimer);
      clearTimeout(pongTimer);
      pongTimer = undefined;
    };
    const ping = (ws: WebSocket) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(JSON.stringify({ type: 'ping' }));
      pongTimer ??= setTimeout(() => abandon(ws), PONG_WITHIN_MS);
    };
    // Give up on a socket whose close may never come, and retry with backoff.
    const abandon = (ws: WebSocket) => {
      ws.close(1000, 'no answer');
      closed(ws);
    };
    const closed = (ws: WebSocket) => {
      if (socket !== ws) return;
      socket = null;
      live = false;
      stopTimers();
      if (disposed) return;
      setConnection(navigator.onLine === false ? 'offline' : 'reconnecting');
      retryTimer = setTimeout(connect, backoffDelay(attempt++));
    };

    const connect = () => {
      clearTimeout(retryTimer);
      if (disposed || socket) return;
      if (navigator.onLine === false) {
        setConnection('offline'); // the 'online' listener reconnects
        return;
      }
      setConnection(attempt === 0 ? 'connecting' : 'reconnecting');
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      const ws = new WebSocket(`${scheme}//${location.host}/api/feed/live`);
      socket = ws;
      ws.onopen = () => {
        ping(ws); // the pong is what says "live"
        pingTimer = setInterval(() => ping(ws), PING_EVERY_MS);
      };
      ws.onmessage = (ev) => {
        if (socket !== ws) return;
        let msg: FeedMessage;
        try {
          msg = JSON.parse(String(ev.data)) as FeedMessage;
        } catch {
          return;
        }
        if (msg.type === 'pong') {
          clearTimeout(pongTimer);
          pongTimer = undefined;
          if (!live) {
            live = true;
            attempt = 0; // only an answer proves the feed works; an open-then-close loop keeps backing off
            setConnection('live');
            handlers.current.onLive();
          }
        } else if (msg.type === 'incident') {
          handlers.current.onRow(msg.incident);
        }
      };
      ws.onclose = () => closed(ws);
      ws.onerror = () => {}; // close follows and owns the retry
    };

    const reconnectNow = () => {
      if (document.visibilityState === 'hidden' || socket) return;
      attempt = 0;
      connect();
    };
    const goneOffline = () => {
      const ws = socket;
      socket = null;
      live = false;
      stopTimers();
      clearTimeout(retryTimer);
      ws?.close(1000, 'offline');
      setConnection('offline');
    };
    window.addEventListener('online', reconnectNow);
    window.addEventListener('offline', goneOffline);
    document.addEventListener('visibilitychange', reconnectNow);
    connect();

    return () => {
      disposed = true;
      clearTimeout(retryTimer);
      stopTimers();
      window.removeEventListener('online', reconnectNow);
      window.removeEventListener('offline', goneOffline);
      document.removeEventListener('visibilitychange', reconnectNow);
      socket?.close(1000, 'leaving');
      socket = null;
    };
  }, []);

  return connection;
}
