/// <reference types="node" />
// The PWA and its service worker share wire shapes with the Worker through schema/ only: an import from
// worker/ would couple the bundle to server code (and could drag a validator or a Node API into it).
// schema/ in turn depends on neither side, and what the PWA may load at runtime from it never loads zod.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// happy-dom gives modules an http: import.meta.url; vitest runs from the repository root (pwa/vitest.config.ts).
const ROOT = process.cwd();
const WORKER = join(ROOT, 'worker') + sep;
const PWA = join(ROOT, 'pwa') + sep;
const SCHEMA = join(ROOT, 'schema');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sources(path);
    return /\.(ts|tsx|mts)$/.test(entry.name) ? [path] : [];
  });
}

/** Every specifier `file` imports or re-exports (static, dynamic or type-only) that lands in one of `dirs`. */
function importsInto(dirs: string[], file: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((spec) => {
      const target = spec.startsWith('.') ? resolve(dirname(file), spec) : join(ROOT, spec);
      return dirs.some((dir) => (target + sep).startsWith(dir));
    });
}
const workerImports = (file: string, text: string) => importsInto([WORKER], file, text);

/** Zod shapes live in schema/*-schemas.ts; loading one (or zod itself) loads zod. */
const loadsZod = (spec: string) =>
  spec === 'zod' || spec === '@hono/zod-openapi' || /-schemas$/.test(spec);

/** Specifiers `text` imports or re-exports at runtime (not `import type` / `export type`) that load zod. */
function runtimeZodImports(text: string): string[] {
  const source = ts.createSourceFile(
    'x.ts',
    text,
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.TSX,
  );
  return source.statements.flatMap((node) => {
    if (!(ts.isImportDeclaration(node) || ts.isExportDeclaration(node))) return [];
    const spec = node.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !loadsZod(spec.text)) return [];
    const typeOnly = ts.isImportDeclaration(node)
      ? node.importClause?.isTypeOnly === true ||
        (node.importClause?.name === undefined &&
          node.importClause?.namedBindings !== undefined &&
          ts.isNamedImports(node.importClause.namedBindings) &&
          node.importClause.namedBindings.elements.every((e) => e.isTypeOnly))
      : node.isTypeOnly;
    return typeOnly ? [] : [spec.text];
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

describe('the schema/ boundary', () => {
  it('flags runtime imports of zod or a zod shape module, and lets type-only ones through', () => {
    const text = [
      "import type { Incident } from './incident-schemas';",
      "import { type Team } from './people-schemas';",
      "export type { PagePayload } from './push-schemas';",
      "import { incidentSchema } from './incident-schemas';",
      "export { teamSchema } from './people-schemas';",
      "import { z } from '@hono/zod-openapi';",
      "import { LIMITS } from './alert';",
    ].join('\n');
    expect(runtimeZodImports(text)).toEqual([
      './incident-schemas',
      './people-schemas',
      '@hono/zod-openapi',
    ]);
  });

  it('finds no file under schema/ that imports from worker/ or pwa/', () => {
    const offenders = sources(SCHEMA).flatMap((file) =>
      importsInto([WORKER, PWA], file, readFileSync(file, 'utf8')).map(
        (spec) => `${relative(ROOT, file)} imports ${spec}`,
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps zod out of what the PWA loads: pwa/ and the zod-free schema/ modules take zod shapes as types only', () => {
    const zodFree = sources(SCHEMA).filter((file) => !/-schemas\.ts$/.test(file));
    const offenders = [...sources(join(ROOT, 'pwa')), ...zodFree].flatMap((file) =>
      runtimeZodImports(readFileSync(file, 'utf8')).map(
        (spec) => `${relative(ROOT, file)} loads ${spec}`,
      ),
    );
    expect(offenders).toEqual([]);
  });
});
