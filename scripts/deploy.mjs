#!/usr/bin/env node
// `npm run deploy -- --contact mailto:you@example.com`: Firebell on Cloudflare, over HTTPS, so a real phone can
// be paged. One command, safe to re-run; it needs `npx wrangler login` (or CLOUDFLARE_API_TOKEN) first.
//   1. the D1 database: found by name, created on the first run;
//   2. its migrations, applied remotely;
//   3. the secrets: generated once into .deploy.vars (gitignored, mode 600) and kept, since new VAPID keys would
//      orphan every phone's subscription; each is piped to `wrangler secret put` on stdin, never on the command line;
//   4. `wrangler deploy` with wrangler.deploy.toml: wrangler.toml with the real database id (generated, gitignored).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDevVars, vapidKeys } from './setup.mjs';
import { WRANGLER } from './wrangler-env.mjs';

const SECRETS_FILE = '.deploy.vars';
const CONFIG = 'wrangler.deploy.toml';
const SECRET_NAMES = [
  'ADMIN_TOKEN',
  'SESSION_SECRET',
  'VAPID_PUBLIC_KEY',
  'VAPID_PRIVATE_KEY',
  'VAPID_SUBJECT',
];
const PLACEHOLDER_ID = /^database_id = "00000000-0000-0000-0000-000000000000"$/m;

class DeployError extends Error {}

/** Run wrangler; its output is shown as it would be, and returned. `input` goes to its stdin. */
function wrangler(args, input = '') {
  console.log(`\n$ wrangler ${args.join(' ')}`);
  const res = spawnSync(WRANGLER, args, {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (res.error)
    throw new DeployError(`could not run wrangler (${WRANGLER}): ${res.error.message}`);
  if (res.stdout) process.stdout.write(res.stdout);
  if (res.status !== 0)
    throw new DeployError(
      `wrangler ${args[0]}${args[1] && !args[1].startsWith('-') ? ` ${args[1]}` : ''} failed (exit ${res.status}); see its output above`,
    );
  return res.stdout;
}

/** The id of the D1 database `name`, creating it on the first run. Read from `d1 list --json`, never scraped from prose. */
function databaseId(name) {
  const find = () => {
    const out = wrangler(['d1', 'list', '--json']);
    const list = JSON.parse(out.slice(out.indexOf('[')));
    return list.find((db) => db.name === name)?.uuid;
  };
  const existing = find();
  if (existing) {
    console.log(`Using the existing D1 database "${name}" (${existing}).`);
    return existing;
  }
  wrangler(['d1', 'create', name]);
  const created = find();
  if (!created)
    throw new DeployError(
      `wrangler created the D1 database "${name}" but it is not in \`wrangler d1 list\``,
    );
  return created;
}

/** Secrets for this deployment: kept from an earlier run, or made now (which needs a contact for the VAPID subject). */
function secrets(contact) {
  if (existsSync(SECRETS_FILE)) {
    const kept = parseDevVars(readFileSync(SECRETS_FILE, 'utf8'));
    const missing = SECRET_NAMES.filter((k) => !kept[k]);
    if (missing.length)
      throw new DeployError(
        `${SECRETS_FILE} lacks ${missing.join(', ')}; restore it from your backup, or move it away to start over (new keys unsubscribe every phone)`,
      );
    if (contact && contact !== kept.VAPID_SUBJECT)
      console.log(
        `Keeping VAPID_SUBJECT ${kept.VAPID_SUBJECT} from ${SECRETS_FILE}; edit that file to change it.`,
      );
    return kept;
  }
  if (!contact)
    throw new DeployError(
      'the first deploy needs a contact for push services: --contact mailto:you@example.com (or an https: URL)',
    );
  const vapid = vapidKeys();
  const made = {
    ADMIN_TOKEN: `fba_${randomBytes(32).toString('base64url')}`,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: contact,
  };
  const body = [
    '# Firebell production secrets, made by scripts/deploy.mjs. Never commit this file; back it up.',
    ...SECRET_NAMES.map((k) => `${k}="${made[k]}"`),
  ];
  writeFileSync(SECRETS_FILE, `${body.join('\n')}\n`, { mode: 0o600 });
  console.log(
    `Wrote new secrets to ${SECRETS_FILE} (keep it: the ADMIN_TOKEN is in it, and the same VAPID keys must be used on every deploy).`,
  );
  return made;
}

function main() {
  const { values } = parseArgs({
    options: { contact: { type: 'string' }, database: { type: 'string', default: 'firebell' } },
  });
  if (
    values.contact !== undefined &&
    !/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/.test(values.contact)
  ) {
    throw new DeployError(
      `--contact must be a mailto: address or an https: URL (got ${values.contact})`,
    );
  }
  if (!existsSync('pwa/dist/index.html'))
    throw new DeployError('pwa/dist is missing: run `npm run deploy`, which builds the PWA first');
  const template = readFileSync('wrangler.toml', 'utf8');
  if (!PLACEHOLDER_ID.test(template))
    throw new DeployError(
      'wrangler.toml no longer has the placeholder database_id this script replaces',
    );
  const vars = secrets(values.contact);

  const id = databaseId(values.database);
  writeFileSync(
    CONFIG,
    `# Generated by scripts/deploy.mjs from wrangler.toml; do not edit.\n${template.replace(PLACEHOLDER_ID, `database_id = "${id}"`)}`,
  );
  wrangler(['d1', 'migrations', 'apply', 'DB', '--remote', '--config', CONFIG]);
  for (const name of SECRET_NAMES)
    wrangler(['secret', 'put', name, '--config', CONFIG], vars[name]);
  const deployed = wrangler(['deploy', '--config', CONFIG]);

  const url = /https:\/\/[\w.-]+\.workers\.dev/.exec(deployed)?.[0] ?? 'https://<your worker URL>';
  console.log(`
Firebell is deployed at ${url}
Sign in as admin on your phone with a one-use link, made with the ADMIN_TOKEN from ${SECRETS_FILE}:
  curl -s -X POST ${url}/api/auth/invites -H "authorization: Bearer $(grep ADMIN_TOKEN ${SECRETS_FILE} | cut -d'"' -f2)" \\
    -H 'content-type: application/json' -d '{"userId":"usr_admin"}' | node -p 'JSON.parse(require("fs").readFileSync(0)).url'
Then Settings → turn on notifications, and send yourself a test page.`);
}

try {
  main();
} catch (err) {
  if (!(err instanceof DeployError)) throw err;
  console.error(`\nDeploy stopped: ${err.message}`);
  process.exit(1);
}
