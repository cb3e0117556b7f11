#!/usr/bin/env node
/**
 * Build a variant of Firebell with a patch applied, outside the working tree (diagnostic; not part of `npm run bench`):
 *   node bench/variant.mjs <dir> [patch-file …]
 * Copies worker/, schema/, scripts/, wrangler.toml, tsconfig.json and package.json to <dir>, links node_modules and
 * pwa/, applies each patch (`git apply`), and bundles the Worker as scripts/build-worker.mjs does. Point the bench at
 * it with FIREBELL_ROOT=<dir> (bench/lib.mjs starts <dir>/scripts/start.mjs from <dir>), e.g. through bench/ab.mjs.
 * This is how the fixes proposed in docs/performance.md were measured without touching worker/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WRANGLER_OFFLINE } from '../scripts/wrangler-env.mjs';
import { ROOT } from './lib.mjs';

const [dirArg, ...patches] = process.argv.slice(2);
if (!dirArg) throw new Error('usage: node bench/variant.mjs <dir> [patch-file …]');
const dir = resolve(dirArg);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
for (const item of [
  'worker',
  'schema',
  'scripts',
  'wrangler.toml',
  'tsconfig.json',
  'package.json',
])
  cpSync(join(ROOT, item), join(dir, item), { recursive: true });
symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
mkdirSync(join(dir, 'pwa'));
symlinkSync(join(ROOT, 'pwa', 'dist'), join(dir, 'pwa', 'dist'));
for (const patch of patches) {
  execFileSync('git', ['apply', '--unsafe-paths', '--directory', '.', resolve(patch)], {
    cwd: dir,
    stdio: 'inherit',
  });
  console.log(`applied ${patch}`);
}
execFileSync(
  join(ROOT, 'node_modules', '.bin', 'wrangler'),
  ['deploy', '--dry-run', '--outdir', 'dist/worker'],
  {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...WRANGLER_OFFLINE },
  },
);
if (!existsSync(join(dir, 'dist', 'worker', 'index.js')))
  throw new Error('the variant did not build');
console.log(`built ${dir}/dist/worker/index.js`);
