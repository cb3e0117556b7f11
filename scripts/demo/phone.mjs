/**
 * The trial's "phone": a page on 127.0.0.1 showing each page as the push service stand-in decrypted it, with
 * an Acknowledge button that does what the service worker's notification button does: POST the page's action
 * token to Firebell's /api/push/ack. The button posts to this server, which passes the request through
 * unchanged (Firebell's API is same-origin only, and this page lives on another port).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const MAX_BODY = 16 * 1024;

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serve the phone page on 127.0.0.1:`port`.
 * `firebell` is { origin, adminToken, signInLink }; `pages()` lists the pages received for the phone;
 * `alertTimes()` the times alerts were sent; `trigger()` sends one more; `onAck(incident)` hears each acknowledgement.
 */
export async function startPhone({ port, firebell, pages, alertTimes, trigger, onAck }) {
  const html = readFileSync(new URL('./phone.html', import.meta.url));
  const admin = { authorization: `Bearer ${firebell.adminToken}` };

  async function incidentOf(id) {
    const res = await fetch(`${firebell.origin}/api/incidents/${encodeURIComponent(id)}`, {
      headers: admin,
    });
    return res.ok ? (await res.json()).incident : null;
  }

  /** What the page renders: every page as it arrived, how long after its alert, and its incident as Firebell has it now. */
  async function state() {
    const sent = alertTimes();
    const list = await Promise.all(
      pages().map(async (push) => {
        const alertAt = sent.filter((t) => t <= push.arrivedAt).at(-1);
        const incident = await incidentOf(push.payload.incidentId);
        return {
          payload: push.payload,
          arrivedAt: push.arrivedAt,
          afterAlertMs: alertAt === undefined ? null : push.arrivedAt - alertAt,
          status: incident?.status ?? 'unknown',
          acknowledgedBy: incident?.acknowledgedBy?.name ?? null,
        };
      }),
    );
    return { firebell: firebell.origin, signInLink: firebell.signInLink, pages: list.reverse() };
  }

  async function forwardAck(req, res) {
    const idempotencyKey = req.headers['idempotency-key'];
    const answer = await fetch(`${firebell.origin}/api/push/ack`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(typeof idempotencyKey === 'string' ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: await readBody(req),
    });
    const text = await answer.text();
    res
      .writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      })
      .end(text);
    if (answer.ok) onAck(JSON.parse(text).incident);
  }

  async function handle(req, res) {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'GET' && path === '/')
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(html);
    if (req.method === 'GET' && path === '/state')
      return void res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(await state()));
    if (req.method === 'POST' && path === '/api/push/ack') return forwardAck(req, res);
    if (req.method === 'POST' && path === '/trigger') {
      await trigger();
      return void res.writeHead(204).end();
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          title: 'Demo phone error',
          status: 502,
          detail: err instanceof Error ? err.message : String(err),
        }),
      );
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} is in use; set DEMO_PORT to another port`)
          : err,
      ),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
