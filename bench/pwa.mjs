/**
 * 6. PWA: initial JS gzip bytes (the module scripts and modulepreloads index.html references, gzip level 9 as a
 * static pre-compressor would, level 6 as most servers do on the fly), and Lighthouse 12.2.3 mobile scores when
 * /usr/bin/chromium exists (run in a child process with a time limit: bench/lighthouse-run.mjs).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './lib.mjs';

export function initialJs(dist = join(ROOT, 'pwa', 'dist')) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = new Set();
  for (const m of html.matchAll(/<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']/g))
    refs.add(m[1]);
  for (const m of html.matchAll(
    /<link\b[^>]*\brel=["']modulepreload["'][^>]*\bhref=["']([^"']+)["']/g,
  ))
    refs.add(m[1]);
  const css = [
    ...html.matchAll(/<link\b[^>]*\brel=["']stylesheet["'][^>]*\bhref=["']([^"']+)["']/g),
  ].map((m) => m[1]);
  const size = (ref) => {
    const bytes = readFileSync(join(dist, ref.replace(/^\//, '')));
    return {
      file: ref,
      bytes: bytes.length,
      gzip9: gzipSync(bytes, { level: 9 }).length,
      gzip6: gzipSync(bytes, { level: 6 }).length,
    };
  };
  const files = [...refs].map(size);
  const sum = (k, list) => list.reduce((a, f) => a + f[k], 0);
  const styles = css.map(size);
  return {
    files,
    bytes: sum('bytes', files),
    gzip: sum('gzip9', files),
    gzipLevel6: sum('gzip6', files),
    css: { files: styles, gzip: sum('gzip9', styles) },
  };
}

export const CHROMIUM = '/usr/bin/chromium';

/** Lighthouse mobile (its default form factor and simulated throttling) on `url`; null without Chromium. */
export function lighthouse(url, { timeoutMs = 150_000 } = {}) {
  if (!existsSync(CHROMIUM)) return Promise.resolve({ skipped: `no ${CHROMIUM}` });
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'lighthouse-run.mjs'), url], {
      cwd: ROOT,
      env: { ...process.env, CHROME_PATH: CHROMIUM },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('LIGHTHOUSE '));
      resolve(
        line
          ? JSON.parse(line.slice('LIGHTHOUSE '.length))
          : { error: `lighthouse exited ${code}: ${out.slice(-600)}` },
      );
    });
  });
}
