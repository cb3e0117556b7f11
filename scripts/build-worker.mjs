#!/usr/bin/env node
// Bundle the Worker exactly as `wrangler deploy` would, without deploying (no login needed).
import { execFileSync } from 'node:child_process';
import { WRANGLER_OFFLINE } from './wrangler-env.mjs';

execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', 'dist/worker'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, ...WRANGLER_OFFLINE },
});
console.log('Built dist/worker/index.js');
