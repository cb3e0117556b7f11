/**
 * The incident list's live feed: one Durable Object for the deployment, holding hibernating sockets
 * of everyone looking at a list. Incident objects publish each change; it fans out the list row.
 * It stores nothing: a client that reconnects reloads the list over HTTP, then listens again.
 */
import { DurableObject } from 'cloudflare:workers';
import type { IncidentSummary } from '../../schema/incident';
import type { FeedMessage } from '../../schema/protocol';
import type { Credential } from '../app-env';
import type { Env } from '../env';
import {
  VIEWER_HEADER,
  closeQuietly,
  closeUserSockets,
  isWebSocketUpgrade,
} from '../incident/room';

export class IncidentFeed extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    if (!isWebSocketUpgrade(request.headers.get('upgrade')))
      return new Response('expected a WebSocket upgrade', { status: 426 });
    const identity = JSON.parse(request.headers.get(VIEWER_HEADER) ?? 'null') as {
      id: string;
      credential?: Credential;
    } | null;
    if (!identity) return new Response('who is watching?', { status: 400 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    // Tagged and attached with who opened it, so withdrawing their access can close it.
    this.ctx.acceptWebSocket(server, [identity.id]);
    server.serializeAttachment({ id: identity.id, credential: identity.credential });
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Close a user's list sockets: those opened with the credential hashed `hash`, or all of them. */
  async disconnect(userId: string, hash: string | null): Promise<number> {
    return closeUserSockets(this.ctx, userId, hash);
  }

  /** Fan one incident's new list row out to every open list. */
  async publish(incident: IncidentSummary): Promise<void> {
    const text = JSON.stringify({ type: 'incident', incident } satisfies FeedMessage);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch {
        // A socket closing under us is benign: its close handler has nothing to undo.
      }
    }
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message === '{"type":"ping"}')
      ws.send(JSON.stringify({ type: 'pong' } satisfies FeedMessage));
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    closeQuietly(ws, code);
  }
}
