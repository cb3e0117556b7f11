/**
 * The real Prometheus Alertmanager (Debian's prometheus-alertmanager, see ../shared/TOOLCHAIN.md) for acceptance tests:
 * write its config, start it on 127.0.0.1 with a free port and its own storage, run amtool against it, stop it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, until } from './harness';

const run = promisify(execFile);

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';
export const AMTOOL_BIN = process.env.AMTOOL_BIN ?? join(dirname(ALERTMANAGER_BIN), 'amtool');
const INSTALL_HINT =
  'apt-get install -y --no-install-recommends prometheus-alertmanager (see ../shared/TOOLCHAIN.md)';

/** The subset of alertmanager.yml these tests write. JSON is valid YAML, so the config file is written as JSON. */
export interface AlertmanagerConfig {
  global?: Record<string, unknown>;
  route: Record<string, unknown>;
  receivers: Array<{ name: string } & Record<string, unknown>>;
  [key: string]: unknown;
}

/** An alert as Alertmanager's API v2 lists it. */
export interface ListedAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

export class Alertmanager {
  readonly dir = mkdtempSync(join(tmpdir(), 'firebell-alertmanager-'));
  readonly configFile = join(this.dir, 'alertmanager.yml');
  private child: ChildProcess | null = null;
  output = '';

  private constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Start Alertmanager with `config` and resolve once /-/ready answers 200. */
  static async start(config: AlertmanagerConfig): Promise<Alertmanager> {
    for (const bin of [ALERTMANAGER_BIN, AMTOOL_BIN])
      if (!existsSync(bin)) throw new Error(`${bin} is missing: ${INSTALL_HINT}`);
    const am = new Alertmanager(await freePort());
    writeFileSync(am.configFile, JSON.stringify(config, null, 2));
    // Fail on a config mistake with amtool's explanation rather than a process that never gets ready.
    await run(AMTOOL_BIN, ['check-config', am.configFile]).catch(
      (err: { stdout?: string; stderr?: string }) => {
        throw new Error(
          `amtool check-config rejected ${am.configFile}:\n${err.stdout ?? ''}${err.stderr ?? ''}`,
        );
      },
    );
    const child = spawn(
      ALERTMANAGER_BIN,
      [
        `--config.file=${am.configFile}`,
        `--storage.path=${join(am.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${am.port}`,
        `--web.external-url=${am.url}`,
        // No gossip: a lone instance, not waiting for peers before it sends.
        '--cluster.listen-address=',
        '--log.level=debug',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    am.child = child;
    child.stdout?.on('data', (d: Buffer) => (am.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (am.output += d.toString()));
    try {
      await until(
        async () => {
          if (child.exitCode !== null)
            throw new Error(`Alertmanager exited with ${child.exitCode}`);
          return (await fetch(`${am.url}/-/ready`)).ok;
        },
        `Alertmanager to be ready on ${am.url}`,
        15_000,
      );
    } catch (err) {
      await am.stop();
      throw new Error(`${String(err)}\nAlertmanager output:\n${am.output}`);
    }
    return am;
  }

  /** Run amtool against this Alertmanager; rejects with amtool's output when it fails. */
  async amtool(...args: string[]): Promise<string> {
    try {
      const { stdout } = await run(AMTOOL_BIN, [`--alertmanager.url=${this.url}`, ...args], {
        timeout: 10_000,
      });
      return stdout;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `amtool ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`,
      );
    }
  }

  /** The alerts Alertmanager currently holds (API v2), with their fingerprints. */
  async alerts(): Promise<ListedAlert[]> {
    const res = await fetch(`${this.url}/api/v2/alerts`);
    if (!res.ok) throw new Error(`GET /api/v2/alerts: ${res.status} ${await res.text()}`);
    return (await res.json()) as ListedAlert[];
  }

  /** SIGTERM, SIGKILL after 5 s; then remove its config and storage. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
