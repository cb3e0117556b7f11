#!/usr/bin/env node
// `npm run backup [-- file]` and `npm run restore -- <file>`: the secrets (.dev.vars) and the state folder
// (.wrangler/state/v3) together, as one .tar.gz. They only work as a pair: every key, token, session and push
// subscription in the state is bound to the secrets. Stop Firebell first, so the SQLite files are at rest.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEV_VARS = process.env.FIREBELL_DEV_VARS ?? '.dev.vars';
const STATE = process.env.FIREBELL_STATE ?? '.wrangler/state/v3';
const TOP = 'firebell-backup';

function tar(args) {
  const res = spawnSync('tar', args, { encoding: 'utf8' });
  if (res.error) throw new Error(`could not run tar: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`tar ${args[0]} failed: ${res.stderr.trim()}`);
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** Write `.dev.vars` and the state folder into `file` (readable by its owner only, since it holds the secrets). */
export function backup(
  file = `firebell-backup-${stamp()}.tar.gz`,
  { devVars = DEV_VARS, state = STATE } = {},
) {
  for (const [what, path] of [
    ['the secrets', devVars],
    ['the state folder', state],
  ]) {
    if (!existsSync(path)) throw new Error(`nothing to back up: ${what} (${path}) does not exist`);
  }
  const staging = mkdtempSync(join(tmpdir(), 'firebell-backup-'));
  try {
    cpSync(devVars, join(staging, TOP, 'dev.vars'));
    cpSync(state, join(staging, TOP, 'state'), { recursive: true });
    tar(['-czf', resolve(file), '-C', staging, TOP]);
    chmodSync(file, 0o600);
    return resolve(file);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Put a backup's secrets and state back; whatever is in their place is moved aside (…before-restore-<time>), never deleted. */
export function restore(file, { devVars = DEV_VARS, state = STATE } = {}) {
  if (!file || !existsSync(file))
    throw new Error(`no backup file ${file ?? ''}: npm run restore -- <firebell-backup-….tar.gz>`);
  const staging = mkdtempSync(join(tmpdir(), 'firebell-restore-'));
  try {
    tar(['-xzf', resolve(file), '-C', staging]);
    const from = { devVars: join(staging, TOP, 'dev.vars'), state: join(staging, TOP, 'state') };
    if (!existsSync(from.devVars) || !existsSync(from.state))
      throw new Error(`${file} is not a Firebell backup: it lacks ${TOP}/dev.vars or ${TOP}/state`);
    const aside = [];
    const suffix = `.before-restore-${stamp()}`;
    for (const path of [devVars, state]) {
      if (!existsSync(path)) continue;
      renameSync(path, `${path}${suffix}`);
      aside.push(`${path}${suffix}`);
    }
    cpSync(from.devVars, devVars);
    chmodSync(devVars, 0o600);
    cpSync(from.state, state, { recursive: true });
    return { aside };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, file] = process.argv.slice(2);
  try {
    if (command === 'restore') {
      const { aside } = restore(file);
      console.log(
        `Restored ${DEV_VARS} and ${STATE} from ${file}.${aside.length ? ` What was there is kept as ${aside.join(' and ')}.` : ''} Start Firebell again: npm start`,
      );
    } else {
      console.log(
        `Backed up ${DEV_VARS} and ${STATE} to ${backup(command)} (it holds the secrets: keep it somewhere safe).`,
      );
    }
  } catch (err) {
    console.error(`Not done: ${err.message}`);
    process.exit(1);
  }
}
