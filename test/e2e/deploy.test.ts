import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const SECRET_NAMES = [
  'ADMIN_TOKEN',
  'SESSION_SECRET',
  'VAPID_PUBLIC_KEY',
  'VAPID_PRIVATE_KEY',
  'VAPID_SUBJECT',
];

/** KEY="value" lines, as scripts/setup.mjs writes them. */
function parseVars(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^([A-Z0-9_]+)="(.*)"$/gm)].map((m) => [m[1], m[2]]));
}

interface Call {
  args: string[];
  stdin: string;
  offline: Record<string, string | undefined>;
}

let dir: string;

/** A checkout as `npm run deploy` sees it after building the PWA: wrangler.toml, the migrations and pwa/dist. */
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebell-deploy-'));
  cpSync(join(ROOT, 'wrangler.toml'), join(dir, 'wrangler.toml'));
  cpSync(join(ROOT, 'schema/migrations'), join(dir, 'schema/migrations'), { recursive: true });
  mkdirSync(join(dir, 'pwa/dist'), { recursive: true });
  writeFileSync(join(dir, 'pwa/dist/index.html'), '<!doctype html><title>Firebell</title>');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Run scripts/deploy.mjs in the checkout with the stand-in wrangler; returns its exit code, output and the calls wrangler got. */
function deploy(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; output: string; calls: Call[] } {
  const logPath = join(dir, 'wrangler-calls.jsonl');
  writeFileSync(logPath, '');
  const res = spawnSync(process.execPath, [join(ROOT, 'scripts/deploy.mjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      WRANGLER: resolve(ROOT, 'test/e2e/fake-wrangler.mjs'),
      FAKE_WRANGLER_LOG: logPath,
      FAKE_WRANGLER_STATE: join(dir, 'account.json'),
      ...env,
    },
  });
  const calls = readFileSync(logPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Call);
  return { status: res.status, output: `${res.stdout}${res.stderr}`, calls };
}

const commandOf = (call: Call) => call.args.join(' ');

describe('deploying to Cloudflare (npm run deploy)', () => {
  it('creates the D1 database, migrates it remotely, sets every secret through stdin only, and deploys with the real database id', async () => {
    const { status, output, calls } = deploy(['--contact', 'mailto:oncall@example.com']);
    expect(status, output).toBe(0);
    expect(calls.map(commandOf)).toEqual([
      'd1 list --json',
      'd1 create firebell',
      'd1 list --json',
      'd1 migrations apply DB --remote --config wrangler.deploy.toml',
      ...SECRET_NAMES.map((name) => `secret put ${name} --config wrangler.deploy.toml`),
      'deploy --config wrangler.deploy.toml',
    ]);

    const account = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8')) as {
      databases: { uuid: string }[];
      applied: Record<string, string[]>;
      deploys: number;
    };
    const id = account.databases[0]?.uuid ?? '';
    expect(readFileSync(join(dir, 'wrangler.deploy.toml'), 'utf8')).toContain(
      `database_id = "${id}"`,
    );
    // Every migration in the repo, in order (schema/migrations is the list; this test must not go stale).
    const migrations = readdirSync('schema/migrations')
      .filter((f) => f.endsWith('.sql'))
      .sort();
    expect(migrations.slice(0, 4)).toEqual([
      '0001_directory.sql',
      '0002_oncall.sql',
      '0003_oncall_extra.sql',
      '0004_reviews.sql',
    ]);
    expect(account.applied[id]).toEqual(migrations);

    // The secrets are kept for the next deploy, readable by the owner only, and went to wrangler on stdin alone.
    const secrets = parseVars(readFileSync(join(dir, '.deploy.vars'), 'utf8'));
    expect(statSync(join(dir, '.deploy.vars')).mode & 0o777).toBe(0o600);
    expect(secrets.VAPID_SUBJECT).toBe('mailto:oncall@example.com');
    expect(Buffer.from(secrets.VAPID_PUBLIC_KEY ?? '', 'base64url')).toHaveLength(65);
    for (const name of SECRET_NAMES)
      expect(calls.find((c) => commandOf(c).startsWith(`secret put ${name} `))?.stdin).toBe(
        secrets[name],
      );
    const values = SECRET_NAMES.map((name) => secrets[name] ?? '');
    for (const call of calls)
      for (const value of values) expect(call.args.join(' ')).not.toContain(value);

    // Every call ran with wrangler's telemetry, update check and cf.json fetch turned off.
    for (const call of calls)
      expect(call.offline).toEqual({
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        WRANGLER_HIDE_BANNER: 'true',
        WRANGLER_SEND_ERROR_REPORTS: 'false',
      });
    expect(output).toContain(
      'Firebell is deployed at https://firebell.example-account.workers.dev',
    );
    expect(output).toContain(
      'curl -s -X POST https://firebell.example-account.workers.dev/api/auth/invites',
    );
  });

  it('reuses the database and the same secrets when run again, so phones stay subscribed', async () => {
    expect(deploy(['--contact', 'mailto:oncall@example.com']).status).toBe(0);
    const first = readFileSync(join(dir, '.deploy.vars'), 'utf8');
    const again = deploy([]);
    expect(again.status, again.output).toBe(0);
    expect(again.calls.map(commandOf)).not.toContain('d1 create firebell');
    expect(again.output).toMatch(/Using the existing D1 database "firebell"/);
    expect(again.output).toContain('No migrations to apply');
    expect(readFileSync(join(dir, '.deploy.vars'), 'utf8')).toBe(first);
    const secrets = parseVars(first);
    expect(again.calls.filter((c) => c.args[0] === 'secret').map((c) => c.stdin)).toEqual(
      SECRET_NAMES.map((name) => secrets[name]),
    );
  });

  it('refuses a first deploy without a contact for push services, before calling wrangler', async () => {
    const { status, output, calls } = deploy([]);
    expect(status).toBe(1);
    expect(output).toContain(
      'the first deploy needs a contact for push services: --contact mailto:',
    );
    expect(calls).toEqual([]);
  });

  it('stops at the first wrangler call that fails, says so, and deploys nothing', async () => {
    const { status, output, calls } = deploy(['--contact', 'mailto:oncall@example.com'], {
      FAKE_WRANGLER_FAIL: 'd1 list',
    });
    expect(status).toBe(1);
    expect(output).toContain('Not logged in');
    expect(output).toContain('Deploy stopped: wrangler d1 list failed (exit 1)');
    expect(calls.map(commandOf)).toEqual(['d1 list --json']);
  });
});
