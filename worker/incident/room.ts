/**
 * The live room: hibernating WebSockets on the incident object.
 * Identity rides in the socket attachment so it survives hibernation.
 */
import type { ServerMessage, Viewer } from '../../schema/protocol';
import type { Credential, Role } from '../app-env';

export interface SocketIdentity extends Viewer {
  role: Role;
  /** What the socket was opened with; checked again before every command. */
  credential?: Credential;
}

/** Header the Worker uses to hand a verified identity to a socket's object; the objects are not reachable otherwise. */
export const VIEWER_HEADER = 'x-firebell-viewer';

/** Whether a request asks for a WebSocket (the header's value is case-insensitive: RFC 6455 §4.2.1). */
export function isWebSocketUpgrade(upgrade: string | null | undefined): boolean {
  return upgrade?.toLowerCase() === 'websocket';
}

/** Close code for a socket whose access was withdrawn (RFC 6455 §7.4.1: policy violation). */
export const ACCESS_WITHDRAWN = 1008;

/** Close `userId`'s sockets on this object (tagged with their id at accept): those opened with the credential hashed `hash`, or all. */
export function closeUserSockets(
  ctx: DurableObjectState,
  userId: string,
  hash: string | null,
): number {
  let closed = 0;
  for (const ws of ctx.getWebSockets(userId)) {
    const identity = ws.deserializeAttachment() as { credential?: Credential } | null;
    if (hash !== null && identity?.credential?.hash !== hash) continue;
    try {
      ws.close(ACCESS_WITHDRAWN, 'access withdrawn');
      closed += 1;
    } catch {
      // Already closing.
    }
  }
  return closed;
}

/** How long presence changes wait to be sent together. */
const PRESENCE_COALESCE_MS = 100;

export class Room {
  constructor(private readonly ctx: DurableObjectState) {}

  /** Accept a socket for a signed-in viewer; the caller sends the snapshot. */
  accept(identity: SocketIdentity): { client: WebSocket; server: WebSocket } {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [identity.id]);
    server.serializeAttachment(identity);
    return { client, server };
  }

  identity(ws: WebSocket): SocketIdentity | null {
    return (ws.deserializeAttachment() as SocketIdentity | null) ?? null;
  }

  /** Everyone viewing now, one entry per person however many tabs they have open. */
  viewers(except?: WebSocket): Viewer[] {
    const seen = new Map<string, Viewer>();
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except || ws.readyState !== WebSocket.OPEN) continue;
      const who = this.identity(ws);
      if (who && !seen.has(who.id)) seen.set(who.id, { id: who.id, name: who.name });
    }
    return [...seen.values()];
  }

  send(ws: WebSocket, message: ServerMessage): void {
    try {
      ws.send(JSON.stringify(message));
    } catch {
      // The peer went away between getWebSockets() and send(); its close handler updates presence.
    }
  }

  broadcast(message: ServerMessage, except?: WebSocket): void {
    const text = JSON.stringify(message);
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except) continue;
      try {
        ws.send(text);
      } catch {
        // Same as send(): a socket closing under us is benign.
      }
    }
  }

  /** A presence broadcast waiting to go out; joins and leaves inside PRESENCE_COALESCE_MS share it. */
  private presencePending: ReturnType<typeof setTimeout> | null = null;

  /**
   * Tell everyone who is here. Coalesced: N viewers joining at once cost one O(N) broadcast per
   * PRESENCE_COALESCE_MS instead of one per join (O(N²) messages and attachment reads in all).
   * A joiner already got the list in its snapshot; an extra presence message is harmless to it.
   */
  announcePresence(_change: { joined: WebSocket } | { left: WebSocket }): void {
    if (this.presencePending) return;
    this.presencePending = setTimeout(() => {
      this.presencePending = null;
      this.broadcast({ type: 'presence', viewers: this.viewers() } satisfies ServerMessage);
    }, PRESENCE_COALESCE_MS);
  }
}

/** Answer a peer's close (mapping the no-status codes to a normal close); a socket already gone needs nothing. */
export function closeQuietly(ws: WebSocket, code: number): void {
  try {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, 'bye');
  } catch {
    // Already closed by the peer: nothing to answer.
  }
}
