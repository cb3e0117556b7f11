// The worker tests load the Worker as one esbuild bundle instead of ~250 modules through Vite's module runner.
// Each test file gets a fresh isolate, and loading the source graph cost about 4 s of CPU per file; the bundle
// costs well under one. Tests still import worker modules by their source paths: a Vite plugin answers those
// imports (and the libraries the Worker shares with tests, such as luxon) with thin modules that re-export the
// bundle's own copies, so a test and the Worker see the same module state (the clock seam) and the same classes.
// FIREBELL_TEST_FROM_SOURCE=1 runs the tests against the sources instead, for a debugger or exact stack traces.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const OUT = join(ROOT, '.tmp/test-worker');
const BUNDLE = join(OUT, 'index.js');
const SOURCE_DIRS = ['worker', 'schema'];
const VIRTUAL = '\0firebell-bundle:';

function sourceFiles(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** Bare imports of `files` (libraries, not `cloudflare:` or `node:` modules). */
function bareImports(files) {
  const libs = new Set();
  for (const file of files)
    for (const [, spec] of readFileSync(join(ROOT, file), 'utf8').matchAll(/from '([^.'][^']*)'/g))
      if (!spec.startsWith('cloudflare:') && !spec.startsWith('node:')) libs.add(spec);
  return libs;
}

const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * The libraries a test should share with the Worker rather than load a second copy of: the Worker's own imports,
 * and any other entry of the same packages a test imports (a test's hono middleware must throw the Worker's
 * HTTPException class, or the Worker's error handler would not recognise it).
 */
function sharedLibraries(workerFiles) {
  const used = bareImports(workerFiles);
  const packages = new Set([...used].map(packageOf));
  const testFiles = sourceFiles('test').filter((f) => !/^test\/(e2e|pwa|unit)\//.test(f));
  for (const spec of bareImports(testFiles)) if (packages.has(packageOf(spec))) used.add(spec);
  return [...used];
}

const slot = (key) => 'm_' + key.replace(/[^A-Za-z0-9]/g, '_');

/** Builds the bundle and returns, per source file and shared library, the names a shim must re-export. */
async function buildBundle() {
  const files = SOURCE_DIRS.flatMap(sourceFiles);
  // esbuild's metafile lists each file's exports (types are erased, as in the bundle).
  const scan = await build({
    entryPoints: files.map((file) => join(ROOT, file)),
    outdir: OUT,
    outbase: ROOT,
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'warning',
  });
  const names = new Map();
  for (const output of Object.values(scan.metafile.outputs))
    if (output.entryPoint)
      names.set(relative(ROOT, join(ROOT, output.entryPoint)).split(sep).join('/'), output.exports);
  for (const lib of sharedLibraries(files)) {
    try {
      names.set(lib, Object.keys(await import(lib)));
    } catch {
      // A library Node cannot load on its own (a Workers-only build) stays separate in tests.
    }
  }
  const entry = [
    `export * from './worker/index.ts';`,
    `export { default } from './worker/index.ts';`,
    ...[...names.keys()].map(
      (key) => `export * as ${slot(key)} from '${files.includes(key) ? './' + key : key}';`,
    ),
  ].join('\n');
  mkdirSync(OUT, { recursive: true });
  await build({
    stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'test-worker-entry.ts', loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // The resolution wrangler uses for a Worker.
    conditions: ['workerd', 'worker', 'browser', 'import', 'default'],
    mainFields: ['browser', 'module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    // Smaller to parse in every isolate; identifiers stay, so stack traces still name functions.
    minifyWhitespace: true,
    legalComments: 'none',
    outfile: BUNDLE,
    logLevel: 'warning',
  });
  return names;
}

function shim(key, exported) {
  // `const e0 = m["catch"]; export { e0 as catch }`: export names may be reserved words (zod exports `catch`).
  const named = exported.filter((n) => n !== 'default');
  return [
    `import { ${slot(key)} as m } from ${JSON.stringify(BUNDLE)};`,
    ...named.map((n, i) => `const e${i} = m[${JSON.stringify(n)}];`),
    named.length ? `export { ${named.map((n, i) => `e${i} as ${n}`).join(', ')} };` : '',
    exported.includes('default') ? 'export default m.default;' : '',
  ].join('\n');
}

/** The bundle's path (the tests' `main`) and the Vite plugin that points tests' imports into it. */
export async function workerBundle() {
  if (process.env.FIREBELL_TEST_FROM_SOURCE)
    return { main: undefined, plugin: { name: 'firebell-worker-source' } };
  const names = await buildBundle();
  const fromTest = (importer) =>
    importer !== undefined &&
    importer.startsWith(join(ROOT, 'test') + sep) &&
    !importer.includes(`${sep}setup${sep}`);
  return {
    main: BUNDLE,
    plugin: {
      name: 'firebell-worker-bundle',
      enforce: 'pre',
      async resolveId(source, importer) {
        if (!fromTest(importer)) return null;
        if (!source.startsWith('.')) return names.has(source) ? VIRTUAL + source : null;
        const resolved = await this.resolve(source, importer, { skipSelf: true });
        if (!resolved) return null;
        const key = relative(ROOT, resolved.id).split(sep).join('/');
        return names.has(key) ? VIRTUAL + key : null;
      },
      load(id) {
        // No source map for the bundle: esbuild made none (stack traces name the bundle's functions), and the
        // one Vite would build for its 3 MB cost ~1 s in every test file's isolate.
        if (id === BUNDLE) return { code: readFileSync(BUNDLE, 'utf8'), map: { mappings: '' } };
        if (id.startsWith(VIRTUAL))
          return shim(id.slice(VIRTUAL.length), names.get(id.slice(VIRTUAL.length)));
        return null;
      },
    },
  };
}
