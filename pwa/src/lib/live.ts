/**
 * useLiveIncident: the incident's live room over a WebSocket.
 * Resumes from the last seq seen after any drop (see resumeSince), so the timeline neither misses nor repeats an entry.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { applyLive, backoffDelay, emptyLiveState, resumeSince } from './live-state';
import type { LiveAction, LiveState } from './live-state';
import type { ClientMessage, ServerMessage } from './types';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveIncident extends LiveState {
  connection: Connection;
  /** Fold in something learned elsewhere (an HTTP load, a command's result). */
  apply: (action: LiveAction) => void;
}

const PING_EVERY_MS = 25_000;

/** Live state of one incident; pass null to stay disconnected (e.g. the incident failed to load). */
export function useLiveIncident(id: string | null): LiveIncident {
  const stateRef = useRef<LiveState>(emptyLiveState);
  const [state, setState] = useState<LiveState>(emptyLiveState);
  const [connection, setConnection] = useState<Connection>('connecting');

  const apply = useCallback((action: LiveAction) => {
    const next = applyLive(stateRef.current, action);
    if (next !== stateRef.current) {
      stateRef.current = next;
      setState(next);
    }
  }, []);

  useEffect(() => {
    stateRef.current = emptyLiveState;
    setState(emptyLiveState);
    setConnection('connecting');
    if (!id) return;

    let socket: WebSocket | null = null;
    let attempt = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;
    let disposed = false;

    const connect = () => {
      clearTimeout(retryTimer);
      if (disposed || socket) return;
      if (navigator.onLine === false) {
        setConnection('offline'); // the 'online' listener reconnects
        return;
      }
      setConnection(attempt === 0 ? 'connecting' : 'reconnecting');
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      const url = `${scheme}//${location.host}/api/incidents/${encodeURIComponent(id)}/live?since=${resumeSince(stateRef.current)}`;
      const ws = new WebSocket(url);
      socket = ws;
      ws.onmessage = (ev) => {
        if (socket !== ws) return; // abandoned when the network went away
        let msg: ServerMessage;
        try {
          msg = JSON.parse(String(ev.data)) as ServerMessage;
        } catch {
          return; // not ours to understand; the protocol is JSON only
        }
        if (msg.type === 'snapshot') {
          attempt = 0; // only a snapshot proves the room works; an open-then-close loop keeps backing off
          setConnection('live');
        }
        apply(msg);
      };
      ws.onopen = () => {
        clearInterval(pingTimer);
        pingTimer = setInterval(() => send(ws, { type: 'ping' }), PING_EVERY_MS);
      };
      ws.onclose = () => {
        if (socket !== ws) return;
        socket = null;
        clearInterval(pingTimer);
        if (disposed) return;
        setConnection(navigator.onLine === false ? 'offline' : 'reconnecting');
        retryTimer = setTimeout(connect, backoffDelay(attempt++));
      };
      // An error is always followed by close, which owns the retry.
      ws.onerror = () => {};
    };

    // Phones drop sockets in the background; come back at once rather than waiting out the backoff.
    const reconnectNow = () => {
      if (document.visibilityState === 'hidden' || socket) return;
      attempt = 0;
      connect();
    };
    // A socket that lived through "offline" may be dead without knowing it (its close may never arrive):
    // abandon it, and the 'online' listener opens a fresh one that resumes from the last seq.
    const goneOffline = () => {
      const ws = socket;
      socket = null;
      clearInterval(pingTimer);
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
      clearInterval(pingTimer);
      window.removeEventListener('online', reconnectNow);
      window.removeEventListener('offline', goneOffline);
      document.removeEventListener('visibilitychange', reconnectNow);
      socket?.close(1000, 'leaving');
      socket = null;
    };
  }, [id, apply]);

  return { ...state, connection, apply };
}

function send(ws: WebSocket, msg: ClientMessage): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}
