/// <reference types="node" />
// The PWA and its service worker share wire shapes with the Worker through schema/ only: an import from
// worker/ would couple the bundle to server code (and could drag a validator or a Node API into it).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// happy-dom gives modules an http: import.meta.url; vitest runs from the repository root (pwa/vitest.config.ts).
const ROOT = process.cwd();
const WORKER = join(ROOT, 'worker') + sep;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sources(path);
    return /\.(ts|tsx|mts)$/.test(entry.name) ? [path] : [];
  });
}

/** Every specifier `file` imports or re-exports (static, dynamic or type-only) that lands in worker/. */
function workerImports(file: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((spec) => {
      const target = spec.startsWith('.') ? resolve(dirname(file), spec) : join(ROOT, spec);
      return (target + sep).startsWith(WORKER);
    });
}

describe('the PWA import boundary', () => {
  it('flags static, type-only, re-exported and dynamic imports that reach into worker/', () => {
    const file = join(ROOT, 'pwa', 'src', 'sw', 'example.ts');
    const text = [
      "import type { PagePayload } from '../../../worker/push/payload';",
      "export { SECTION_KEYS } from '../../../worker/review/types';",
      "const lazy = () => import('../../../worker/app');",
      "import { SERVER_PATH_PREFIXES } from '../../../schema/server-paths';",
      "import { h } from 'preact';",
    ].join('\n');
    expect(workerImports(file, text)).toEqual([
      '../../../worker/push/payload',
      '../../../worker/review/types',
      '../../../worker/app',
    ]);
  });

  it('finds no file under pwa/ that imports from worker/', () => {
    const offenders = sources(join(ROOT, 'pwa')).flatMap((file) =>
      workerImports(file, readFileSync(file, 'utf8')).map(
        (spec) => `${relative(ROOT, file)} imports ${spec}`,
      ),
    );
    expect(offenders).toEqual([]);
  });
});
