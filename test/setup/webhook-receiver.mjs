// A webhook receiver on 127.0.0.1 for the workerd tests (test/webhooks): a real HTTP server in Node, so
// deliveries cross a real socket. Each test uses its own path key:
//   POST /hook/<key>      records the request and answers the next scripted answer (default 200 "ok");
//                         an answer {"drop": true} closes the connection without answering
//   PUT  /script/<key>    sets the answers, a JSON list of {status, headers?, body?} or {drop: true}
//   GET  /received/<key>  the recorded requests: [{headers, body}]
import { createServer } from 'node:http';

/** @param {import('vitest/node').GlobalSetupContext} ctx */
export default async function setup({ provide }) {
  const scripts = new Map();
  const received = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const [, verb, key] = (req.url ?? '').split('/');
      if (req.method === 'PUT' && verb === 'script') {
        scripts.set(key, JSON.parse(body));
        res.writeHead(204).end();
      } else if (req.method === 'GET' && verb === 'received') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(received.get(key) ?? []));
      } else if (req.method === 'POST' && verb === 'hook') {
        if (!received.has(key)) received.set(key, []);
        // bodyBase64: the exact bytes, for binary bodies (an encrypted push message).
        received.get(key).push({
          headers: req.headers,
          body,
          bodyBase64: Buffer.concat(chunks).toString('base64'),
        });
        const answer = scripts.get(key)?.shift() ?? { status: 200, body: 'ok' };
        if (answer.drop) {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? '');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  provide('webhookReceiver', `http://127.0.0.1:${server.address().port}`);
  return () => new Promise((resolve) => server.close(resolve));
}
