/**
 * Debian's Monit, Nagios 4 and Icinga 2 for acceptance tests: each runs from its config in ./monitors/ (filled in
 * with a temporary directory and the integration URL), as the current user, with a check the test flips between
 * failing and passing. Their own notification mechanism (Monit's `exec`, a Nagios or Icinga 2 notification
 * command) posts to the URL.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { until } from './harness';

export const MONIT_BIN = process.env.MONIT_BIN ?? '/usr/bin/monit';
export const NAGIOS_BIN = process.env.NAGIOS_BIN ?? '/usr/sbin/nagios4';
export const ICINGA2_BIN = process.env.ICINGA2_BIN ?? '/usr/sbin/icinga2';
const CURL_BIN = '/usr/bin/curl';
const CONFIGS = join(import.meta.dirname, 'monitors');
/** The placeholder the presets' setup text and these configs share; replaced by the integration's URL. */
export const URL_PLACEHOLDER = 'INTEGRATION_URL';

/** A config from ./monitors/ with its placeholders filled in. */
export function renderConfig(name: string, values: Record<string, string>): string {
  let text = readFileSync(join(CONFIGS, name), 'utf8');
  for (const [key, value] of Object.entries(values)) text = text.replaceAll(key, value);
  return text;
}

function requireBins(...bins: string[]): void {
  for (const bin of bins)
    if (!existsSync(bin))
      throw new Error(
        `${bin} is missing: apt-get install -y --no-install-recommends monit nagios4-core icinga2-bin curl (.ci/run does)`,
      );
}

/** Replace a file in one step, so a monitor never reads it half-written. */
function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** A monitor process in its own process group, so stopping it also stops the checks and curls it started. */
abstract class MonitorProcess {
  readonly dir: string;
  protected child: ChildProcess | null = null;
  output = '';

  protected constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
  }

  /** Start `bin args` and resolve once `ready` says so; stop it and reject with its output if it exits first. */
  protected async launch(
    bin: string,
    args: string[],
    ready: () => boolean,
    what: string,
  ): Promise<void> {
    const child = spawn(bin, args, {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    try {
      await until(
        () => {
          if (!this.running) throw new Error(`${bin} exited: ${this.output}`);
          return ready();
        },
        what,
        15_000,
      );
    } catch (err) {
      await this.stop();
      throw new Error(`${String(err)}\n--- its log:\n${this.log().slice(-4000)}`);
    }
  }

  protected get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The monitor's own log, for a failure message. */
  abstract log(): string;

  /** SIGTERM to the group, SIGKILL after 5 s; then remove the directory. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      const signal = (s: NodeJS.Signals) => {
        try {
          process.kill(-(child.pid as number), s);
        } catch {
          // Already gone.
        }
      };
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Monit in daemon mode with a 1 s cycle, in the foreground (-I): a `check file` (exists or not) and a
 * `check program` (exit status) whose outcomes `fail` and `recover` flip.
 */
export class Monit extends MonitorProcess {
  static readonly services = ['app-ready', 'disk-probe'] as const;

  private constructor() {
    super('firebell-monit-');
  }

  static async start(url: string): Promise<Monit> {
    requireBins(MONIT_BIN, CURL_BIN);
    const monit = new Monit();
    monit.recover();
    const rc = join(monit.dir, 'monitrc');
    writeFileSync(rc, renderConfig('monitrc', { '@DIR@': monit.dir, [URL_PLACEHOLDER]: url }));
    chmodSync(rc, 0o600); // Monit refuses a control file others can read.
    validate(MONIT_BIN, ['-c', rc, '-t'], rc);
    // Monit is up once it has written its state file; its checks then run every second.
    await monit.launch(
      MONIT_BIN,
      ['-c', rc, '-I'],
      () => existsSync(join(monit.dir, 'monit.state')),
      'Monit to start',
    );
    return monit;
  }

  /** The file disappears and the probe exits 2 with a message. */
  fail(): void {
    const ready = join(this.dir, 'app.ready');
    if (existsSync(ready)) unlinkSync(ready);
    writeAtomically(join(this.dir, 'probe.sh'), 'echo "disk /var at 97% (limit 90%)"\nexit 2\n');
  }

  /** The file is back and the probe exits 0. */
  recover(): void {
    writeFileSync(join(this.dir, 'app.ready'), 'ok\n');
    writeAtomically(join(this.dir, 'probe.sh'), 'echo "disk /var at 40%"\nexit 0\n');
  }

  log(): string {
    const file = join(this.dir, 'monit.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : this.output;
  }
}

type ServiceState = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';

/**
 * Nagios 4 or Icinga 2 watching host web-1's service disk, whose check plugin `setState` rewrites; one failed
 * check is a hard state, so a change notifies at once.
 */
abstract class NagiosLike extends MonitorProcess {
  static readonly host = 'web-1';
  static readonly service = 'disk';
  protected abstract readonly commandFile: string;
  protected abstract readonly logFile: string;

  /** What the check plugin reports from its next run on: a state and its first line of output. */
  setState(state: ServiceState, output: string): void {
    const code = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 }[state];
    writeAtomically(join(this.dir, 'check.sh'), `echo '${output}'\nexit ${code}\n`);
  }

  /** Acknowledge the service's problem as an operator would, through the external command file (a FIFO). */
  acknowledge(author: string, comment: string): void {
    const now = Math.floor(Date.now() / 1000);
    // Non-blocking, so a daemon not reading its command file fails the test (ENXIO) instead of hanging it.
    const fd = openSync(
      join(this.dir, this.commandFile),
      constants.O_WRONLY | constants.O_NONBLOCK,
    );
    try {
      // sticky=1, notify=1 (the contacts hear of it), persistent=0.
      writeSync(
        fd,
        `[${now}] ACKNOWLEDGE_SVC_PROBLEM;${NagiosLike.host};${NagiosLike.service};1;1;0;${author};${comment}\n`,
      );
    } finally {
      closeSync(fd);
    }
  }

  log(): string {
    const file = join(this.dir, this.logFile);
    return existsSync(file) ? readFileSync(file, 'utf8') : this.output;
  }
}

/** Rejects with the program's own explanation when it finds the config wrong. */
function validate(bin: string, args: string[], what: string): void {
  try {
    execFileSync(bin, args, { stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`${bin} rejected ${what}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** The current user and group, for daemons that drop privileges when started as root. */
function currentUser(): { user: string; group: string } {
  return {
    user: userInfo().username,
    group: execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim(),
  };
}

/** Nagios 4 with interval_length=1 (intervals in seconds), in the foreground, as the current user. */
export class Nagios extends NagiosLike {
  protected readonly commandFile = 'nagios.cmd';
  protected readonly logFile = 'nagios.log';

  private constructor() {
    super('firebell-nagios-');
  }

  static async start(url: string): Promise<Nagios> {
    requireBins(NAGIOS_BIN, CURL_BIN);
    const nagios = new Nagios();
    mkdirSync(join(nagios.dir, 'checkresults'));
    nagios.setState('OK', 'DISK OK - /var at 40%');
    // Nagios drops privileges to nagios_user when started as root; as anyone else it must name that user.
    const { user, group } = currentUser();
    const values = {
      '@DIR@': nagios.dir,
      '@USER@': user,
      '@GROUP@': group,
      [URL_PLACEHOLDER]: url,
    };
    const cfg = join(nagios.dir, 'nagios.cfg');
    writeFileSync(cfg, renderConfig('nagios.cfg', values));
    writeFileSync(join(nagios.dir, 'objects.cfg'), renderConfig('objects.cfg', values));
    validate(NAGIOS_BIN, ['-v', cfg], cfg);
    const status = join(nagios.dir, 'status.dat');
    await nagios.launch(
      NAGIOS_BIN,
      [cfg],
      () => existsSync(status) && /last_check=[1-9]/.test(readFileSync(status, 'utf8')),
      'Nagios to run its first service check',
    );
    return nagios;
  }
}

/**
 * Icinga 2 in the foreground, as the current user, with every path it writes (data, logs, cache, spool, run)
 * given as -D constants inside the temporary directory, so it needs no system state.
 */
export class Icinga2 extends NagiosLike {
  protected readonly commandFile = 'icinga2.cmd';
  protected readonly logFile = 'icinga2.log';

  private constructor() {
    super('firebell-icinga2-');
  }

  static async start(url: string): Promise<Icinga2> {
    requireBins(ICINGA2_BIN, CURL_BIN);
    const icinga = new Icinga2();
    icinga.setState('OK', 'DISK OK - /var at 40%');
    const conf = join(icinga.dir, 'icinga2.conf');
    writeFileSync(
      conf,
      renderConfig('icinga2.conf', { '@DIR@': icinga.dir, [URL_PLACEHOLDER]: url }),
    );
    const { user, group } = currentUser();
    const defines = [`RunAsUser=${user}`, `RunAsGroup=${group}`];
    for (const [name, sub] of [
      ['DataDir', 'data'],
      ['LogDir', 'log'],
      ['CacheDir', 'cache'],
      ['SpoolDir', 'spool'],
      ['InitRunDir', 'run'],
    ] as const) {
      mkdirSync(join(icinga.dir, sub));
      defines.push(`${name}=${join(icinga.dir, sub)}`);
    }
    const args = ['daemon', '-c', conf, ...defines.map((d) => `-D${d}`)];
    validate(ICINGA2_BIN, [...args, '-C'], conf);
    // Its notice log names each check plugin run that ended; the first one means the checker is running.
    await icinga.launch(
      ICINGA2_BIN,
      args,
      () => /check\.sh'\) terminated/.test(icinga.log()),
      'Icinga 2 to run its first service check',
    );
    return icinga;
  }
}
