/**
 * Start Firebell the way the README does (scripts/start.mjs on the built bundle), isolated:
 * its own port, state directory and secrets. Stop it gently or kill it hard, and start it again on the same state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Poll `check` until it returns a value (not undefined/false), bounded by `timeoutMs`. */
export async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export class Firebell {
  readonly dir = mkdtempSync(join(tmpdir(), 'firebell-e2e-'));
  readonly devVars = join(this.dir, 'dev.vars');
  readonly stateDir = join(this.dir, 'state');
  private child: ChildProcess | null = null;
  output = '';
  adminToken = '';
  signInLink = '';

  constructor(
    readonly port: number,
    private readonly env: Record<string, string> = {},
  ) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(env: Record<string, string> = {}): Promise<Firebell> {
    const fb = new Firebell(await freePort(), env);
    await fb.boot();
    return fb;
  }

  /**
   * Run scripts/start.mjs (with `args`, e.g. --sign-in-link) and wait until it says it is running.
   * The admin sign-in link is printed on first start and on request only; the last one printed is kept.
   * Rejects with the output (and `exitCode` on the error) when the script exits instead.
   */
  async boot(args: string[] = []): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, ['scripts/start.mjs', ...args], {
      env: {
        ...process.env,
        PORT: String(this.port),
        FIREBELL_STATE: this.stateDir,
        FIREBELL_DEV_VARS: this.devVars,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a hard kill takes workerd down with it, as a crashed host would.
      detached: true,
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const closed = new Promise((r) => child.once('close', r));
    const outcome = await until(
      () =>
        child.exitCode !== null
          ? 'exited'
          : /Firebell is running at/.test(this.output) && 'running',
      `Firebell to start on ${this.origin}`,
      // Applying the migrations to a fresh state takes ~3 s alone, and far longer while two files start at once.
      50_000,
    ).catch(async (err: Error) => {
      // Nobody else holds this process: stop it (and its workerd) rather than leave it serving after the test.
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
      await closed;
      this.child = null;
      throw new Error(`${err.message}; its output:\n${this.output || '(none)'}`);
    });
    if (outcome === 'exited') {
      this.child = null;
      await closed; // every line it wrote has been read
      throw Object.assign(
        new Error(
          `start.mjs exited with ${child.exitCode} instead of starting; its output:\n${this.output}`,
        ),
        { exitCode: child.exitCode, output: this.output },
      );
    }
    this.signInLink = /Admin sign-in link[^:]*: (\S+)/.exec(this.output)?.[1] ?? this.signInLink;
    this.adminToken = /ADMIN_TOKEN="([^"]+)"/.exec(readFileSync(this.devVars, 'utf8'))?.[1] ?? '';
  }

  /** SIGTERM (graceful) or SIGKILL (crash); resolves when the process is gone. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    if (signal === 'SIGKILL' && child.pid) process.kill(-child.pid, 'SIGKILL');
    else child.kill(signal);
    await exited;
    this.child = null;
  }

  async restart(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM', args: string[] = []): Promise<void> {
    await this.stop(signal);
    await this.boot(args);
  }

  async dispose(): Promise<void> {
    await this.stop('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** JSON API call as admin (or with the given headers). */
  async api<T = unknown>(
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.origin}${path}`, {
      method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
}
