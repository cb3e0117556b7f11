/**
 * A local TLS front for clients that only speak https (@pagerduty/pdjs hard-codes https://<server>/v2/…):
 * a Node https server on 127.0.0.1 with a self-signed certificate made at start-up (never written to disk),
 * forwarding every request to Firebell's plain-http origin, as a reverse proxy in front of a deployment would.
 */
import { request } from 'node:http';
import { Agent, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface Forwarded {
  method: string;
  url: string;
  userAgent: string | undefined;
  status: number;
}

export class TlsFront {
  /** Every request forwarded, in order: proof a client really came through TLS. */
  readonly forwarded: Forwarded[] = [];

  private constructor(
    private readonly server: Server,
    /** The certificate's PEM: what a client must trust (agent `ca`). */
    readonly ca: string,
  ) {}

  /** Start in front of `origin` (http://127.0.0.1:PORT) on a free port. */
  static async start(origin: string): Promise<TlsFront> {
    const now = new Date();
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - 60_000),
      notAfterDate: new Date(now.getTime() + 24 * 60 * 60 * 1000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const target = new URL(origin);
    const front: { value?: TlsFront } = {};
    const server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'x-forwarded-proto': 'https' },
        },
        (answer) => {
          front.value?.forwarded.push({
            method: req.method ?? '',
            url: req.url ?? '',
            userAgent: req.headers['user-agent'],
            status: answer.statusCode ?? 0,
          });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`TLS front could not reach Firebell: ${err.message}`);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    front.value = new TlsFront(server, pems.cert);
    return front.value;
  }

  /** host:port, what pdjs calls `server`. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** An https agent that trusts this front's certificate and nothing else. */
  agent(): Agent {
    return new Agent({ ca: this.ca, keepAlive: false });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
