/**
 * A WebSocket that stays up on a phone, shared by the incident room (live.ts) and the incident feed (feed.ts).
 *
 * - Reconnects with backoff; the backoff resets only when a message proves the far end works, so a socket
 *   that opens and then closes keeps backing off.
 * - Comes back at once, without waiting out the backoff, when the network returns or the app is shown again.
 * - Abandons its socket when the network goes: a socket that lived through "offline" may be dead without
 *   knowing it, and its close may never arrive.
 * - Pings on open and every 25 s, so idle proxies keep it open; a ping unanswered for 10 s (a tunnel, a lock
 *   screen) means a socket that is dead without knowing it: it is abandoned and another one tried.
 */
import { backoffDelay } from './live-state';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline';

const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;

export interface ResilientSocket<M extends { type: string }> {
  /** Where each attempt connects (read again every time, so it can resume from what was seen). */
  url: () => string;
  /** The message that proves the socket works: from then on it is live. */
  proves: (msg: M) => boolean;
  /** Every message, after `proves` was asked. Pongs included. */
  onMessage: (msg: M) => void;
  /** Each change of connection; 'live' once per socket that proved itself. */
  onConnection: (connection: Connection) => void;
}

/** Keep a socket open until the returned function is called. */
export function keepSocketOpen<M extends { type: string }>(opts: ResilientSocket<M>): () => void {
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
  /** Stop listening to `ws` for good, without waiting for a close that may never come. */
  const drop = (ws: WebSocket | null, reason: string) => {
    socket = null;
    live = false;
    stopTimers();
    ws?.close(1000, reason);
  };
  const closed = (ws: WebSocket) => {
    if (socket !== ws) return; // already abandoned
    drop(null, '');
    if (disposed) return;
    opts.onConnection(navigator.onLine === false ? 'offline' : 'reconnecting');
    retryTimer = setTimeout(connect, backoffDelay(attempt++));
  };
  const abandon = (ws: WebSocket) => {
    ws.close(1000, 'no answer');
    closed(ws);
  };

  const connect = () => {
    clearTimeout(retryTimer);
    if (disposed || socket) return;
    if (navigator.onLine === false) {
      opts.onConnection('offline'); // the 'online' listener reconnects
      return;
    }
    opts.onConnection(attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(opts.url());
    socket = ws;
    ws.onopen = () => {
      ping(ws);
      pingTimer = setInterval(() => ping(ws), PING_EVERY_MS);
    };
    ws.onmessage = (ev) => {
      if (socket !== ws) return;
      let msg: M;
      try {
        msg = JSON.parse(String(ev.data)) as M;
      } catch {
        return; // not ours to understand; the protocol is JSON only
      }
      if (msg.type === 'pong') {
        clearTimeout(pongTimer);
        pongTimer = undefined;
      }
      if (opts.proves(msg)) {
        attempt = 0;
        if (!live) {
          live = true;
          opts.onConnection('live');
        }
      }
      opts.onMessage(msg);
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
    drop(socket, 'offline');
    clearTimeout(retryTimer);
    opts.onConnection('offline');
  };
  window.addEventListener('online', reconnectNow);
  window.addEventListener('offline', goneOffline);
  document.addEventListener('visibilitychange', reconnectNow);
  connect();

  return () => {
    disposed = true;
    clearTimeout(retryTimer);
    window.removeEventListener('online', reconnectNow);
    window.removeEventListener('offline', goneOffline);
    document.removeEventListener('visibilitychange', reconnectNow);
    drop(socket, 'leaving');
  };
}
