/**
 * Shared pieces of `npm run bench`: start Firebell (and the calibration Worker) the way `npm start` does,
 * as child processes in their own process group on 127.0.0.1 with temp state; HTTP helpers; statistics.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import http from 'node:http';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A log line stamped with the seconds since `t0`, as every bench prints its progress. */
export const stampedLog =
  (t0 = Date.now()) =>
  (msg) =>
    console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}`);

/**
 * For a section run on its own (`node bench/<name>.mjs`): its log, and a deadline (BENCH_DEADLINE_S, else
 * `seconds`) after which it stops by itself; call `done()` when it finishes first.
 */
export function standalone(name, seconds) {
  const deadline = setTimeout(
    () => {
      console.error(`bench/${name}: deadline reached, stopping`);
      process.exit(2);
    },
    Number(process.env.BENCH_DEADLINE_S ?? seconds) * 1000,
  );
  return { log: stampedLog(), done: () => clearTimeout(deadline) };
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Poll `check` until it returns something other than undefined/false, bounded by `timeoutMs`. */
export async function until(check, what, timeoutMs = 20_000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

/** A server started as a child process in its own process group, so a SIGKILL takes workerd down with it. */
class Child {
  child = null;
  output = '';

  spawnScript(script, env, ready, cwd = ROOT) {
    this.output = '';
    const child = spawn(process.execPath, [script], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    child.stdout.on('data', (d) => (this.output += d.toString()));
    child.stderr.on('data', (d) => (this.output += d.toString()));
    return until(
      () =>
        child.exitCode !== null
          ? Promise.reject(new Error(`exited ${child.exitCode}:\n${this.output}`))
          : (ready.exec(this.output) ?? undefined),
      `${script} to start; output so far:\n${this.output}`,
      30_000,
    );
  }

  /** SIGTERM (graceful) or SIGKILL of the whole process group (a crash); resolves when it is gone. */
  async stop(signal = 'SIGTERM') {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    if (signal === 'SIGKILL') process.kill(-child.pid, 'SIGKILL');
    else child.kill(signal);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }

  get pid() {
    return this.child?.pid;
  }

  /** CPU time (user + system, ms) used so far by every live process of this server's group (Node + workerd). */
  cpuMs() {
    return this.child ? groupCpuMs(this.child.pid) : 0;
  }

  /** The same for workerd's process alone (the one thread every isolate, Durable Object and D1 shares). */
  workerdCpuMs() {
    return this.child ? groupCpuMs(this.child.pid, 'workerd') : 0;
  }
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** Sum of utime + stime over the processes whose process group is `pgid` (and command `name`) (Linux /proc). */
export function groupCpuMs(pgid, name) {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the ")" that closes the command name: state ppid pgrp … utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    if (name && stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== name) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_MS;
}

/** Firebell as `npm start` serves it (scripts/start.mjs on the built bundle): own port, state dir and secrets. */
export class Firebell extends Child {
  dir = mkdtempSync(join(tmpdir(), 'firebell-bench-'));
  devVars = join(this.dir, 'dev.vars');
  adminToken = '';

  /** `root`: a Firebell tree to serve (default this one; bench/variant.mjs builds others). */
  constructor(port, env = {}, root = process.env.FIREBELL_ROOT ?? ROOT) {
    super();
    this.port = port;
    this.env = env;
    this.root = root;
  }

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(env = {}, root = undefined) {
    const fb = new Firebell(await freePort(), env, root);
    await fb.boot();
    return fb;
  }

  async boot() {
    await this.spawnScript(
      'scripts/start.mjs',
      {
        PORT: String(this.port),
        FIREBELL_STATE: join(this.dir, 'state'),
        FIREBELL_DEV_VARS: this.devVars,
        ...this.env,
      },
      /Firebell is running at/,
      this.root,
    );
    this.adminToken = /ADMIN_TOKEN="([^"]+)"/.exec(readFileSync(this.devVars, 'utf8'))?.[1] ?? '';
  }

  async restart(signal = 'SIGTERM') {
    await this.stop(signal);
    await this.boot();
  }

  async dispose() {
    await this.stop('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** JSON API call, as admin unless headers say otherwise. */
  async api(path, { method, body, headers = {} } = {}) {
    const res = await fetch(`${this.origin}${path}`, {
      method: method ?? (body !== undefined ? 'POST' : 'GET'),
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async must(path, init) {
    const res = await this.api(path, init);
    if (res.status >= 300)
      throw new Error(
        `${init?.method ?? (init?.body ? 'POST' : 'GET')} ${path} → ${res.status} ${JSON.stringify(res.body)}`,
      );
    return res.body;
  }

  /** A signed-in user with a personal API token: invite → accept (session cookie) → POST /api/tokens. */
  async user(name, role = 'responder') {
    const invite = await this.must('/api/auth/invites', { body: { role } });
    const accept = await fetch(`${this.origin}/api/auth/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: invite.token, name }),
    });
    if (!accept.ok) throw new Error(`accept → ${accept.status} ${await accept.text()}`);
    const { user } = await accept.json();
    const cookie = (accept.headers.get('set-cookie') ?? '').split(';')[0];
    const token = await this.must('/api/tokens', {
      body: { name: 'bench' },
      headers: { authorization: '', cookie, origin: this.origin },
    });
    return { ...user, token: token.token, cookie };
  }

  /**
   * A service paged by a one-level policy (level 1: `responderName`, a new responder; level 2 an hour away, so only
   * level 1's page is in the measurement): the responder, the policy and the service.
   */
  async pagedService(name, responderName) {
    const responder = await this.user(responderName);
    const { policy } = await this.must('/api/policies', {
      body: {
        name,
        levels: [{ delayMinutes: 60, targets: [{ type: 'user', id: responder.id }] }],
      },
    });
    const { service } = await this.must('/api/services', {
      body: { name, policyId: policy.id },
    });
    return { responder, policy, service };
  }

  /** A service (optionally paged by a policy) with an integration that accepts up to 10,000 requests a minute. */
  async integration(type, { policyId, name = `bench-${type}`, ratePerMinute = 10_000 } = {}) {
    const { service } = await this.must('/api/services', {
      body: { name, ...(policyId ? { policyId } : {}) },
    });
    const integration = await this.must(`/api/services/${service.id}/integrations`, {
      body: { type, ratePerMinute },
    });
    return { service, key: integration.key, url: integration.url };
  }
}

/** The calibration Worker (bench/calibration) on the same runtime, the same way. */
export class Calibration extends Child {
  dir = mkdtempSync(join(tmpdir(), 'firebell-calibration-'));

  static async start() {
    const cal = new Calibration();
    cal.port = await freePort();
    await cal.spawnScript(
      'bench/calibration/serve.mjs',
      { PORT: String(cal.port), CALIBRATION_STATE: cal.dir },
      /Calibration Worker listening/,
    );
    return cal;
  }

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  async dispose() {
    await this.stop('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** POST JSON over a keep-alive agent; never throws for HTTP statuses, only for connection failures. */
export function postJson(agent, url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(data),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

export const now = () => performance.now();

/** Nearest-rank percentile of numbers (sorted copy). */
export function percentile(values, p) {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function summary(values, ps = [50, 95, 99]) {
  const out = { n: values.length };
  for (const p of ps) out[`p${p}`] = round(percentile(values, p));
  out.max = values.length ? round(Math.max(...values)) : null;
  return out;
}

export const round = (x, digits = 2) =>
  x === null || x === undefined || Number.isNaN(x)
    ? null
    : Math.round(x * 10 ** digits) / 10 ** digits;

/** A run of `task(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function pool(count, concurrency, task) {
  let next = 0;
  const workers = Array.from({ length: Math.min(count, concurrency) }, async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  });
  await Promise.all(workers);
}
