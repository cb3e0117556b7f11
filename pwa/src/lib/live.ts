/**
 * useLiveIncident: the incident's live room over a WebSocket.
 * Resumes from the last seq seen after any drop (see resumeSince), so the timeline neither misses nor repeats an entry.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { applyLive, emptyLiveState, resumeSince } from './live-state';
import type { LiveAction, LiveState } from './live-state';
import { keepSocketOpen, type Connection } from './resilient-socket';
import type { ServerMessage } from './types';

export interface LiveIncident extends LiveState {
  connection: Connection;
  /** Fold in something learned elsewhere (an HTTP load, a command's result). */
  apply: (action: LiveAction) => void;
}

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
    return keepSocketOpen<ServerMessage>({
      // Each attempt resumes from the last seq seen, so the timeline neither misses nor repeats an entry.
      url: () =>
        `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/incidents/${encodeURIComponent(id)}/live?since=${resumeSince(stateRef.current)}`,
      // The room greets every socket with a snapshot: that is what says "live".
      proves: (msg) => msg.type === 'snapshot',
      onMessage: apply,
      onConnection: setConnection,
    });
  }, [id, apply]);

  return { ...state, connection, apply };
}
