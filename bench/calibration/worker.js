/**
 * Calibration Worker: the runtime's own ceiling for the shapes of Firebell's hot paths, with nothing of Firebell
 * in it (no framework, no auth, no validation, no D1), behind the same [assets] front (wrangler.toml here).
 * The design's minimal paths (what the verdicts compare against):
 *   GET  /api/bare — a bare route (↔ GET /api/health)
 *   POST /v2/new2  — a router hop (one per-service object reads and writes a dedup row), then a new SQLite-backed
 *                    Durable Object (idFromName(random)) with one row inserted (↔ a trigger that opens an incident)
 *   POST /v2/hop2  — the router hop, then one Durable Object update (↔ a duplicate trigger)
 * Today's one-hop shapes, kept as reference rows:
 *   POST /v2/new   — a new SQLite-backed Durable Object + insert, no router
 *   POST /v2/hop   — one Durable Object RPC hop that updates one row
 * and references that explain Firebell's numbers rather than bound them:
 *   GET  /api/d1        — one D1 point read (what each directory lookup on a Firebell path costs on this runtime)
 *   GET  /api/live      — a hibernating WebSocket in one room object; POST /api/broadcast sends to every socket in it
 * and for the live fan-out (↔ a responder's command on an incident watched by N viewers):
 *   POST /api/command   — the room object writes the event as one row, then sends it as it is to every socket
 *                         (the bench sends an event of the size Firebell's are, so both move the same bytes)
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

/** The per-service router's minimal work: read the dedup row for a key, then write it (insert or count). */
export class Router extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS dedup (key TEXT PRIMARY KEY, incident TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 1)',
    );
  }

  route(key) {
    const sql = this.ctx.storage.sql;
    const row = sql.exec('SELECT incident FROM dedup WHERE key = ?', key).toArray()[0];
    if (row) {
      sql.exec('UPDATE dedup SET n = n + 1 WHERE key = ?', key);
      return { incident: row.incident, created: false };
    }
    const incident = crypto.randomUUID();
    sql.exec('INSERT INTO dedup (key, incident) VALUES (?, ?)', key, incident);
    return { incident, created: true };
  }
}

export class Room extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)',
    );
  }

  async fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    server.send('{"type":"snapshot"}');
    return new Response(null, { status: 101, webSocket: client });
  }

  broadcast(text) {
    return this.sendAll(`{"type":"event","entry":${text}}`);
  }

  /** A command's minimal work: commit its timeline entry, then tell every viewer (held until the commit lands). */
  command(event) {
    this.ctx.storage.sql.exec('INSERT INTO entries (body, at) VALUES (?, ?)', event, Date.now());
    return this.sendAll(event);
  }

  sendAll(message) {
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

const accepted = (extra = {}) => Response.json({ status: 'success', ...extra }, { status: 202 });

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const post = request.method === 'POST';
    if (pathname === '/api/bare') return Response.json({ status: 'ok' });
    if (post && pathname === '/v2/new2') {
      const body = await request.text();
      const { dedup_key: key } = JSON.parse(body);
      const { incident } = await env.ROUTER.get(env.ROUTER.idFromName('service')).route(key);
      await env.CAL.get(env.CAL.idFromName(incident)).insert(body);
      return accepted();
    }
    if (post && pathname === '/v2/hop2') {
      const body = await request.text();
      const { dedup_key: key } = JSON.parse(body);
      const { incident } = await env.ROUTER.get(env.ROUTER.idFromName('service')).route(key);
      const { n } = await env.CAL.get(env.CAL.idFromName(incident)).update(body);
      return accepted({ n });
    }
    if (post && pathname === '/v2/new') {
      const body = await request.text();
      await env.CAL.get(env.CAL.idFromName(crypto.randomUUID())).insert(body);
      return accepted();
    }
    if (post && pathname === '/v2/hop') {
      const body = await request.text();
      const { n } = await env.CAL.get(env.CAL.idFromName('shared')).update(body);
      return accepted({ n });
    }
    if (pathname === '/api/d1') {
      const row = await env.DB.prepare('SELECT v FROM kv WHERE k = ?').bind('one').first();
      return Response.json({ status: 'ok', v: row?.v ?? null });
    }
    if (pathname === '/api/live' && request.headers.get('upgrade') === 'websocket')
      return env.ROOM.get(env.ROOM.idFromName('room')).fetch(request);
    if (post && pathname === '/api/command') {
      const sent = await env.ROOM.get(env.ROOM.idFromName('room')).command(await request.text());
      return Response.json({ sent });
    }
    if (post && pathname === '/api/broadcast') {
      const sent = await env.ROOM.get(env.ROOM.idFromName('room')).broadcast(await request.text());
      return Response.json({ sent });
    }
    return new Response('not found', { status: 404 });
  },
};
