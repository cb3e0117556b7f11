/**
 * Calibration Worker: the runtime's own ceiling for the three shapes of Firebell's hot paths,
 * with nothing of Firebell in it (no framework, no auth, no validation, no D1).
 *   GET  /bare  — a bare route (↔ GET /api/health)
 *   POST /new   — create a new SQLite-backed Durable Object (idFromName(random)) and insert one row (↔ a trigger that opens an incident)
 *   POST /hop   — one Durable Object RPC hop that updates one row (↔ a duplicate trigger)
 * and two references that explain Firebell's numbers rather than bound them:
 *   GET  /d1        — one D1 point read (what each directory lookup on a Firebell path costs on this runtime)
 *   GET  /live      — a hibernating WebSocket in one room object; POST /broadcast sends a message to every socket in it
 */
import { DurableObject } from 'cloudflare:workers';

export class Calibration extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 1, at INTEGER NOT NULL)',
    );
  }

  insert(body) {
    this.ctx.storage.sql.exec('INSERT INTO rows (body, at) VALUES (?, ?)', body, Date.now());
    return { ok: true };
  }

  update(body) {
    const row = this.ctx.storage.sql
      .exec(
        'INSERT INTO rows (id, body, at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET n = n + 1, body = excluded.body, at = excluded.at RETURNING n',
        body,
        Date.now(),
      )
      .one();
    return { ok: true, n: row.n };
  }
}

export class Room extends DurableObject {
  async fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    server.send('{"type":"snapshot"}');
    return new Response(null, { status: 101, webSocket: client });
  }

  broadcast(text) {
    const message = `{"type":"event","entry":${text}}`;
    let sent = 0;
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(message);
        sent += 1;
      } catch {
        // closing under us
      }
    }
    return sent;
  }

  webSocketClose(ws, code) {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, 'bye');
    } catch {
      // already closed
    }
  }
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/bare') return Response.json({ status: 'ok' });
    if (request.method === 'POST' && pathname === '/new') {
      const body = await request.text();
      await env.CAL.get(env.CAL.idFromName(crypto.randomUUID())).insert(body);
      return Response.json({ status: 'success' }, { status: 202 });
    }
    if (request.method === 'POST' && pathname === '/hop') {
      const body = await request.text();
      const { n } = await env.CAL.get(env.CAL.idFromName('shared')).update(body);
      return Response.json({ status: 'success', n }, { status: 202 });
    }
    if (pathname === '/d1') {
      const row = await env.DB.prepare('SELECT v FROM kv WHERE k = ?').bind('one').first();
      return Response.json({ status: 'ok', v: row?.v ?? null });
    }
    if (pathname === '/live' && request.headers.get('upgrade') === 'websocket')
      return env.ROOM.get(env.ROOM.idFromName('room')).fetch(request);
    if (request.method === 'POST' && pathname === '/broadcast') {
      const sent = await env.ROOM.get(env.ROOM.idFromName('room')).broadcast(await request.text());
      return Response.json({ sent });
    }
    return new Response('not found', { status: 404 });
  },
};
