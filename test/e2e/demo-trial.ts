/**
 * Drive the local trial (`npm run demo`) as a person would: start it, open the demo phone page it prints in
 * Chromium, wait for the page to arrive and press Acknowledge. Used on this checkout and on a fresh clone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { phoneContext } from './browser';
import { freePort, until } from './harness';

/** The environment of a person's shell: without vitest's NODE_ENV=test and VITEST* variables, with which vite builds a development PWA. */
export function shellEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && key !== 'NODE_ENV' && !key.startsWith('VITEST')) env[key] = value;
  return { ...env, ...extra };
}

/** A process started in its own group, so stopping it takes its children (Firebell, workerd) along. */
export class Started {
  output = '';
  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static run(
    command: string,
    args: string[],
    cwd: string,
    env: Record<string, string> = {},
  ): Started {
    return new Started(
      spawn(command, args, {
        cwd,
        env: shellEnv(env),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      }),
    );
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** The first capture group of `pattern` in the output, waiting up to `timeoutMs`; fails at once if the process ends. */
  waitForOutput(pattern: RegExp, what: string, timeoutMs: number): Promise<string> {
    return until(
      () => {
        const match = pattern.exec(this.output);
        if (match) return match[1] ?? match[0];
        if (this.child.exitCode !== null)
          throw new Error(`it exited with ${this.child.exitCode}; output:\n${this.output}`);
        return undefined;
      },
      what,
      timeoutMs,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\noutput so far:\n${this.output}`);
    });
  }

  /** Resolves with the exit code once the process has ended on its own. */
  finished(): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** SIGTERM to the whole group; resolves when the process has exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null || !this.child.pid) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    process.kill(-this.child.pid, 'SIGTERM');
    await exited;
  }
}

/** Start `npm run demo` in `cwd` on a free phone port; resolves with the process and the demo phone's URL. */
export async function startDemo(
  cwd: string,
  timeoutMs = 60_000,
): Promise<{ demo: Started; phoneUrl: string }> {
  const demo = Started.run('npm', ['run', 'demo'], cwd, { DEMO_PORT: String(await freePort()) });
  const phoneUrl = await demo.waitForOutput(
    /Demo phone: open (http:\/\/127\.0\.0\.1:\d+\/)/,
    'the demo phone to be ready',
    timeoutMs,
  );
  return { demo, phoneUrl };
}

/** Open the demo phone, wait for the first page to arrive, press Acknowledge; resolves with what the page then says. */
export async function acknowledgeOnDemoPhone(
  browser: Browser,
  phoneUrl: string,
  timeoutMs = 30_000,
): Promise<{ title: string; status: string }> {
  const context = await phoneContext(browser, phoneUrl.replace(/\/$/, ''));
  try {
    const page = await context.newPage();
    await page.goto(phoneUrl);
    const card = page.locator('article.card').first();
    await card.getByText('#1 Checkout error rate above 5%').waitFor({ timeout: timeoutMs });
    await card.getByText('Triggered: nobody has acknowledged yet').waitFor({ timeout: timeoutMs });
    await card.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await card.getByText('Acknowledged by Dana').waitFor({ timeout: timeoutMs });
    return {
      title: await card.locator('.title').innerText(),
      status: await card.getByRole('status').innerText(),
    };
  } finally {
    await context.close();
  }
}
