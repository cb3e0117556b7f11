/**
 * `npm start` on real state: it never regenerates secrets over existing state, health means ready,
 * the admin sign-in link is printed only when it should be, and the README's backup and restore work.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Firebell, freePort, until } from './harness';

const started: Firebell[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((fb) => fb.dispose()));
});

async function start(): Promise<Firebell> {
  const fb = await Firebell.start();
  started.push(fb);
  return fb;
}

/** A service with a generic integration; returns the integration's key. */
async function integrationKey(fb: Firebell): Promise<string> {
  const svc = await fb.api<{ service: { id: string } }>('/api/services', {
    body: { name: 'checkout' },
  });
  const integration = await fb.api<{ key: string }>(
    `/api/services/${svc.body.service.id}/integrations`,
    { body: { type: 'generic' } },
  );
  expect(integration.status).toBe(201);
  return integration.body.key;
}

async function trigger(fb: Firebell, key: string, dedup: string): Promise<number> {
  const res = await fetch(`${fb.origin}/hooks/generic/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      summary: `Disk full (${dedup})`,
      severity: 'critical',
      dedup_key: dedup,
    }),
  });
  return res.status;
}

async function refusal(fb: Firebell): Promise<{ exitCode: number; output: string }> {
  const err = (await fb.boot().then(
    () => null,
    (e: unknown) => e,
  )) as { exitCode?: number; output?: string } | null;
  if (!err || err.exitCode === undefined)
    throw new Error(`expected start.mjs to refuse to start; it started:\n${fb.output}`);
  return { exitCode: err.exitCode, output: err.output ?? '' };
}

describe('starting on existing state', () => {
  it('refuses to start when .dev.vars is lost, says which file to restore, and the old key works once it is back', async () => {
    const fb = await start();
    const key = await integrationKey(fb);
    expect(await trigger(fb, key, 'before')).toBe(202);
    await fb.stop();

    renameSync(fb.devVars, `${fb.devVars}.lost`);
    const refused = await refusal(fb);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.output).toContain(`but ${fb.devVars} is missing`);
    expect(refused.output).toContain('npm run restore');
    expect(existsSync(fb.devVars)).toBe(false); // nothing regenerated behind the user's back

    renameSync(`${fb.devVars}.lost`, fb.devVars);
    await fb.boot();
    expect(await trigger(fb, key, 'after')).toBe(202);
  });

  it('refuses a .dev.vars that lost its SESSION_SECRET', async () => {
    const fb = await start();
    await fb.stop();
    const vars = readFileSync(fb.devVars, 'utf8');
    writeFileSync(fb.devVars, vars.replace(/^SESSION_SECRET=.*$/m, ''));
    const refused = await refusal(fb);
    expect(refused.output).toContain(`${fb.devVars} lacks SESSION_SECRET`);
  });

  it('refuses the .dev.vars of another Firebell, naming the secrets that differ', async () => {
    const [mine, other] = [await start(), await start()];
    await Promise.all([mine.stop(), other.stop()]);
    writeFileSync(mine.devVars, readFileSync(other.devVars, 'utf8'));
    const refused = await refusal(mine);
    expect(refused.output).toContain(
      'SESSION_SECRET, VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY differ from the ones the state was made with',
    );
  });

  it('restores the secrets and state with npm run restore from a npm run backup, and old keys keep working', async () => {
    const fb = await start();
    const key = await integrationKey(fb);
    expect(await trigger(fb, key, 'before-backup')).toBe(202);
    await fb.stop();

    const file = join(fb.dir, 'backup.tar.gz');
    const env = { ...process.env, FIREBELL_DEV_VARS: fb.devVars, FIREBELL_STATE: fb.stateDir };
    const made = spawnSync('npm', ['run', '--silent', 'backup', '--', file], {
      env,
      encoding: 'utf8',
    });
    expect(made.status, made.stderr).toBe(0);

    rmSync(fb.devVars);
    rmSync(fb.stateDir, { recursive: true });
    const restored = spawnSync('npm', ['run', '--silent', 'restore', '--', file], {
      env,
      encoding: 'utf8',
    });
    expect(restored.status, restored.stderr).toBe(0);

    await fb.boot();
    expect(await trigger(fb, key, 'after-restore')).toBe(202);
    // The backup may have caught the first incident between its page and its list entry (both go out after the
    // 202): the entry it owes is written by its alarm once Firebell is back, within seconds.
    const titles = await until(async () => {
      const list = await fb.api<{ incidents: { title: string }[] }>('/api/incidents');
      const got = list.body.incidents.map((i) => i.title);
      return got.includes('Disk full (before-backup)') && got;
    }, 'the incident from before the backup in the list');
    expect(titles).toEqual(
      expect.arrayContaining(['Disk full (before-backup)', 'Disk full (after-restore)']),
    );
  });
});

describe('health means ready', () => {
  it('answers an authenticated request the moment /api/health first says 200 on a fresh state', async () => {
    const fb = new Firebell(await freePort());
    started.push(fb);
    const booting = fb.boot();
    await until(
      async () => (await fetch(`${fb.origin}/api/health`)).status === 200,
      'the first 200 from /api/health',
      30_000,
      2,
    );
    const token = /ADMIN_TOKEN="([^"]+)"/.exec(readFileSync(fb.devVars, 'utf8'))?.[1];
    const headers = { authorization: `Bearer ${token}` };
    const [incidents, services] = await Promise.all([
      fetch(`${fb.origin}/api/incidents`, { headers }),
      fetch(`${fb.origin}/api/services`, { headers }),
    ]);
    expect([incidents.status, await incidents.text()]).toEqual([
      200,
      expect.stringContaining('"incidents"'),
    ]);
    expect(services.status).toBe(200);
    await booting;
  });
});

describe('the admin sign-in link', () => {
  it('is printed on first start, not on a restart, and a new one asked for with --sign-in-link voids the old one', async () => {
    const fb = await start();
    const first = fb.signInLink;
    expect(first).toMatch(/\/join\/inv_/);

    await fb.restart();
    expect(fb.output).not.toContain('/join/');
    expect(fb.output).toContain('npm start -- --sign-in-link');

    await fb.restart('SIGTERM', ['--sign-in-link']);
    const second = fb.signInLink;
    expect(second).toMatch(/\/join\/inv_/);
    expect(second).not.toBe(first);

    const accept = (link: string) =>
      fetch(`${fb.origin}/api/auth/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: link.split('/join/')[1] }),
      });
    expect((await accept(first)).status).toBe(403);
    const signedIn = await accept(second);
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as { user: { id: string } }).user.id).toBe('usr_admin');
  });
});
