#!/usr/bin/env node
// A stand-in for the `wrangler` CLI in the deploy test (no Cloudflare account is reachable here). It records each
// call (argv, stdin, the network-off variables) as a JSON line in $FAKE_WRANGLER_LOG, keeps the account's D1
// databases in $FAKE_WRANGLER_STATE, checks what real wrangler would refuse, and answers in wrangler 4's format.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const stdin = process.stdin.isTTY ? '' : readFileSync(0, 'utf8');
const {
  FAKE_WRANGLER_LOG: log,
  FAKE_WRANGLER_STATE: statePath,
  FAKE_WRANGLER_FAIL: failOn,
} = process.env;
const offline = Object.fromEntries(
  [
    'WRANGLER_SEND_METRICS',
    'CLOUDFLARE_CF_FETCH_ENABLED',
    'WRANGLER_HIDE_BANNER',
    'WRANGLER_SEND_ERROR_REPORTS',
  ].map((k) => [k, process.env[k]]),
);
appendFileSync(log, `${JSON.stringify({ args, stdin, offline })}\n`);

const state = existsSync(statePath)
  ? JSON.parse(readFileSync(statePath, 'utf8'))
  : { databases: [], applied: {}, secrets: {}, deploys: 0 };
const save = () => writeFileSync(statePath, JSON.stringify(state));
const fail = (message) => {
  process.stderr.write(`✘ [ERROR] ${message}\n`);
  process.exit(1);
};
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
/** The database the --config file names, as wrangler resolves the binding DB. */
const configuredDatabase = () => {
  const config = option('--config') ?? 'wrangler.toml';
  const text = readFileSync(config, 'utf8');
  const id = /^database_id = "([^"]+)"$/m.exec(text)?.[1];
  const db = state.databases.find((d) => d.uuid === id);
  if (!db)
    fail(
      `Couldn't find a D1 DB with the name or binding 'DB' in your account (database_id ${id}). [code: 7404]`,
    );
  return { db, config, text };
};

if (failOn && args.join(' ').startsWith(failOn))
  fail('Not logged in. Run `wrangler login` or set CLOUDFLARE_API_TOKEN. [code: 10000]');

const command = args.slice(0, 2).join(' ');
if (command === 'd1 list' && args.includes('--json')) {
  console.log(JSON.stringify(state.databases, null, 2));
} else if (command === 'd1 create') {
  const name = args[2];
  if (state.databases.some((d) => d.name === name))
    fail('A database with that name already exists [code: 7502]');
  const db = {
    uuid: randomUUID(),
    name,
    created_at: new Date().toISOString(),
    version: 'production',
    num_tables: 0,
    file_size: 0,
  };
  state.databases.push(db);
  save();
  console.log(
    `✅ Successfully created DB '${name}' in region WEUR\nCreated your new D1 database.\n`,
  );
  console.log(
    `To access your new D1 Database in your Worker, add the following snippet to your configuration file:\n[[d1_databases]]\nbinding = "${name}"\ndatabase_name = "${name}"\ndatabase_id = "${db.uuid}"`,
  );
} else if (
  args.slice(0, 3).join(' ') === 'd1 migrations apply' &&
  args[3] === 'DB' &&
  args.includes('--remote')
) {
  const { db, config, text } = configuredDatabase();
  const dir = join(
    dirname(config),
    /^migrations_dir = "([^"]+)"$/m.exec(text)?.[1] ?? 'migrations',
  );
  const done = (state.applied[db.uuid] ??= []);
  const todo = readdirSync(dir)
    .filter((f) => f.endsWith('.sql') && !done.includes(f))
    .sort();
  if (!todo.length) console.log('✅ No migrations to apply!');
  for (const file of todo) {
    done.push(file);
    console.log(`│ ${file} │ ✅ │`);
  }
  save();
} else if (command === 'secret put' && args[2]) {
  const { db } = configuredDatabase();
  if (!stdin) fail('No secret value on stdin.');
  state.secrets[args[2]] = db.uuid;
  save();
  console.log(
    `🌀 Creating the secret for the Worker "firebell"\n✨ Success! Uploaded secret ${args[2]}`,
  );
} else if (args[0] === 'deploy') {
  const { config, text } = configuredDatabase();
  const assets = /^directory = "([^"]+)"$/m.exec(text)?.[1];
  if (!assets || !existsSync(join(dirname(config), assets)))
    fail(
      `The directory specified by the "assets.directory" field in your configuration file does not exist: ${assets}`,
    );
  state.deploys += 1;
  save();
  console.log(
    'Total Upload: 512.00 KiB / gzip: 128.00 KiB\nUploaded firebell (3.10 sec)\nDeployed firebell triggers (0.80 sec)\n  https://firebell.example-account.workers.dev\nCurrent Version ID: 3f6c2a4e-0000-4000-8000-000000000000',
  );
} else {
  fail(`The stand-in does not know \`wrangler ${args.join(' ')}\``);
}
