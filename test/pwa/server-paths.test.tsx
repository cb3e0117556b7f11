/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_PATH_PREFIXES } from '../../schema/server-paths';

describe('the paths the Worker answers itself', () => {
  it('are the same in wrangler.toml run_worker_first as in the list the service worker keeps away from the app shell', () => {
    const toml = readFileSync(join(process.cwd(), 'wrangler.toml'), 'utf8');
    const line = /^run_worker_first\s*=\s*(\[.*\])\s*$/m.exec(toml);
    expect(line, 'wrangler.toml has a one-line run_worker_first array').not.toBeNull();
    const patterns: unknown = JSON.parse(line![1]!);
    expect(patterns).toEqual(SERVER_PATH_PREFIXES.map((prefix) => `${prefix}*`));
  });
});
