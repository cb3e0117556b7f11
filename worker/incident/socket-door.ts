/**
 * The incident's socket door: the WebSocket upgrade into the live room, the snapshot a viewer starts
 * from, and commands sent over the socket (checked again against the viewer's access each time).
 */
import type { Actor, Incident, IncidentCommand } from '../../schema/incident';
import type { ServerMessage } from '../../schema/protocol';
import { principalFor } from '../auth/credential';
import { now } from '../clock';
import type { Env } from '../env';
import { ProblemError, type Problem } from '../errors';
import { parseClientMessage } from './commands';
import type { CommandResult } from './object';
import {
  ACCESS_WITHDRAWN,
  VIEWER_HEADER,
  isWebSocketUpgrade,
  type Room,
  type SocketIdentity,
} from './room';
import type { IncidentStore } from './store';

/** What the door needs from its object. */
export interface SocketDoorHost {
  env: Env;
  store: IncidentStore;
  room: Room;
  /** A 429 when the person is over the command rate, else null (and the command is counted). */
  limited(userId: string): CommandResult | null;
  /** Run a command as the HTTP door does (idempotent with a key). */
  run(command: IncidentCommand, actor: Actor, idempotencyKey?: string): Promise<CommandResult>;
}

export class SocketDoor {
  constructor(private readonly host: SocketDoorHost) {}

  /** WebSocket upgrade into the live room; the Worker has already authenticated the viewer. */
  open(request: Request): Response {
    if (!isWebSocketUpgrade(request.headers.get('upgrade')))
      return new Response('expected a WebSocket upgrade', { status: 426 });
    const identity = JSON.parse(
      request.headers.get(VIEWER_HEADER) ?? 'null',
    ) as SocketIdentity | null;
    const incident = this.host.store.load();
    if (!identity || !incident) return new Response('unknown incident', { status: 404 });
    const since = Math.max(0, Number(new URL(request.url).searchParams.get('since') ?? 0) || 0);
    const { client, server } = this.host.room.accept(identity);
    this.sendSnapshot(server, incident, since);
    this.host.room.announcePresence({ joined: server });
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * A new viewer (since = 0) gets the newest page and a cursor to page back over HTTP; a resuming one gets
   * everything after `since`, a page per message. All of it is read and sent before this turn ends, so no
   * broadcast can slip in between the pages.
   */
  private sendSnapshot(ws: WebSocket, incident: Incident, since: number): void {
    const { room, store } = this.host;
    const viewers = room.viewers();
    if (!since) {
      const { entries, earlier } = store.newest();
      room.send(ws, {
        type: 'snapshot',
        incident,
        timeline: entries,
        since,
        earlier,
        more: false,
        viewers,
      } satisfies ServerMessage);
      return;
    }
    let page = store.after(since);
    room.send(ws, {
      type: 'snapshot',
      incident,
      timeline: page.entries,
      since,
      earlier: null,
      more: page.more,
      viewers,
    } satisfies ServerMessage);
    while (page.more) {
      page = store.after(page.entries.at(-1)?.seq ?? since, false);
      room.send(ws, {
        type: 'backlog',
        timeline: page.entries,
        more: page.more,
      } satisfies ServerMessage);
    }
  }

  /** A message from a viewer: a ping, or a command answered with its result. */
  async message(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const { room } = this.host;
    const who = room.identity(ws);
    const message = parseClientMessage(raw);
    if (message.type === 'ping') return room.send(ws, { type: 'pong' });
    const refuse = (id: string, problem: Problem) =>
      room.send(ws, { type: 'result', id, ok: false, problem });
    if (!who)
      return refuse(
        message.id,
        new ProblemError(
          401,
          'unauthorized',
          'This socket has no identity; connect again.',
        ).toProblem(),
      );
    // Counted before anything costs a lookup, so a flood is refused cheaply.
    const limited = this.host.limited(who.id);
    if (limited && !limited.ok) return refuse(message.id, limited.problem);
    if (message.type === 'invalid')
      return refuse(message.id, new ProblemError(400, 'bad-request', message.detail).toProblem());
    // Access may have been withdrawn since the socket opened: ask again, with the credential it was opened with.
    const current = who.credential
      ? await principalFor(this.host.env, who.credential, now())
      : null;
    if (!current) {
      refuse(
        message.id,
        new ProblemError(
          401,
          'unauthorized',
          'Your access has been withdrawn or your sign-in has ended; sign in again.',
        ).toProblem(),
      );
      return ws.close(ACCESS_WITHDRAWN, 'access withdrawn');
    }
    if (current.role !== who.role || current.name !== who.name)
      ws.serializeAttachment({
        ...who,
        role: current.role,
        name: current.name,
      } satisfies SocketIdentity);
    if (current.role === 'viewer')
      return refuse(
        message.id,
        new ProblemError(
          403,
          'forbidden',
          'Viewers can watch an incident but not change it.',
        ).toProblem(),
      );
    const result = await this.host.run(
      message.command,
      { kind: 'user', id: current.id, name: current.name },
      message.idempotencyKey,
    );
    room.send(
      ws,
      result.ok
        ? { type: 'result', id: message.id, ok: true, incident: result.incident }
        : { type: 'result', id: message.id, ok: false, problem: result.problem },
    );
  }
}
