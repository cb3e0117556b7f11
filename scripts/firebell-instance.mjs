/**
 * A Firebell of its own, started as `npm start` starts it (scripts/start.mjs on the built bundle) with its own
 * port, state and secrets in a temporary directory that stop() deletes: for the local trial and the bad-input sweep.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A port on 127.0.0.1 that nothing listens on right now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Start it and resolve once it serves with D1 migrated; `env` adds settings such as ALLOW_INSECURE_PUSH. */
export async function startFirebell({ env = {}, timeoutMs = 60_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'firebell-own-'));
  const devVars = join(dir, 'dev.vars');
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      FIREBELL_STATE: join(dir, 'state'),
      FIREBELL_DEV_VARS: devVars,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a hard kill takes workerd down with it.
    detached: true,
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // start.mjs says it is running once D1 is migrated (an API answer alone can come between two migrations).
  const deadline = Date.now() + timeoutMs;
  while (!/Firebell is running at/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `Firebell did not start${child.exitCode !== null ? ` (exit ${child.exitCode})` : ` within ${timeoutMs / 1000} s`}:\n${output}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const adminToken = /ADMIN_TOKEN="([^"]+)"/.exec(readFileSync(devVars, 'utf8'))[1];
  return {
    origin: `http://127.0.0.1:${port}`,
    adminToken,
    devVars,
    child,
    output: () => output,
    stop,
  };
}
