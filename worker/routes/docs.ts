/**
 * /api/docs: the API reference, rendered on the server from the same OpenAPI document as
 * /api/openapi.json. Plain HTML and one stylesheet, no script at all: nothing from another origin ever
 * runs on Firebell's origin, and its Content-Security-Policy can forbid scripts outright.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';

/** What the docs page may load: its own stylesheet, nothing else. */
export const DOCS_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

type Json = Record<string, unknown>;
type Spec = {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, Json>>;
  components?: { schemas?: Record<string, Json> };
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const esc = (text: unknown) =>
  String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Mount the page and its stylesheet on the root app, whose registry holds every route. */
export function mountDocs(app: OpenAPIHono<AppEnv>, spec: () => unknown): void {
  let page: string | null = null; // routes are all registered before the first request, so render once
  app.get('/api/docs', (c) => c.html((page ??= render(asSpec(spec())))));
  app.get('/api/docs/style.css', (c) =>
    c.body(STYLE, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    }),
  );
}

/** Every field is read defensively below, so a loosely typed view of the document is enough. */
const asSpec = (doc: unknown): Spec => (isJson(doc) ? (doc as Spec) : {});

function render(spec: Spec): string {
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      const op = ops[method];
      if (!isJson(op)) continue;
      const tag = Array.isArray(op.tags) && typeof op.tags[0] === 'string' ? op.tags[0] : 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(spec, method, path, op)]);
    }
  }
  const tags = [...byTag.keys()].sort();
  const title = esc(spec.info?.title ?? 'API');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} reference</title><link rel="stylesheet" href="/api/docs/style.css"></head>
<body><header><h1>${title} <small>${esc(spec.info?.version)}</small></h1><p>${esc(spec.info?.description)}</p>
<p>Authenticate with <code>Authorization: Bearer &lt;token&gt;</code> (ADMIN_TOKEN or a personal API token), or the app’s session cookie.
Errors are <code>application/problem+json</code>. Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
<nav><ul>${tags.map((t) => `<li><a href="#tag-${esc(slug(t))}">${esc(t)}</a></li>`).join('')}</ul></nav></header>
<main>${tags.map((t) => `<section id="tag-${esc(slug(t))}"><h2>${esc(t)}</h2>${(byTag.get(t) ?? []).join('')}</section>`).join('')}</main></body></html>`;
}

function operation(spec: Spec, method: string, path: string, op: Json): string {
  const params = (Array.isArray(op.parameters) ? op.parameters : []).filter(isJson);
  const body =
    isJson(op.requestBody) && isJson(op.requestBody.content)
      ? op.requestBody.content['application/json']
      : undefined;
  const responses = isJson(op.responses) ? Object.entries(op.responses) : [];
  const secured = Array.isArray(op.security) && op.security.length > 0;
  return `<article id="${esc(slug(`${method} ${path}`))}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}${secured ? '' : ' <span class="open">no sign-in</span>'}</p>${op.description ? `<p class="d">${esc(op.description)}</p>` : ''}
${params.length ? `<h4>Parameters</h4><ul>${params.map((p) => `<li><code>${esc(p.name)}</code> <span class="t">${esc(p.in)}${p.required ? ', required' : ''}${describe(spec, p.schema)}</span>${p.description ? ` — ${esc(p.description)}` : ''}</li>`).join('')}</ul>` : ''}
${isJson(body) ? `<h4>Body (JSON)</h4>${fields(spec, body.schema, 0)}` : ''}
<h4>Answers</h4><ul>${responses.map(([status, r]) => `<li><code>${esc(status)}</code> ${esc(isJson(r) ? r.description : '')}</li>`).join('')}</ul></article>`;
}

/** A schema's fields as a nested list (three levels deep at most: enough to read, short enough to scan). */
function fields(spec: Spec, raw: unknown, depth: number): string {
  const schema = resolve(spec, raw);
  const props = isJson(schema.properties) ? Object.entries(schema.properties) : [];
  if (!props.length && schema.type === 'object' && depth === 0)
    return '<p class="t">{} (no fields)</p>';
  if (!props.length || depth > 2) return `<p class="t">${esc(typeName(spec, schema))}</p>`;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return `<ul>${props
    .map(([name, sub]) => {
      const child = resolve(spec, sub);
      const nested = isJson(child.properties)
        ? fields(spec, child, depth + 1)
        : isJson(child.items) && isJson(resolve(spec, child.items).properties)
          ? fields(spec, child.items, depth + 1)
          : '';
      return `<li><code>${esc(name)}</code> <span class="t">${required.has(name) ? 'required, ' : ''}${esc(typeName(spec, child))}${constraints(child)}</span>${child.description ? ` — ${esc(child.description)}` : ''}${nested}</li>`;
    })
    .join('')}</ul>`;
}

function describe(spec: Spec, raw: unknown): string {
  return raw === undefined
    ? ''
    : `, ${esc(typeName(spec, resolve(spec, raw)))}${constraints(resolve(spec, raw))}`;
}

function typeName(spec: Spec, schema: Json): string {
  if (Array.isArray(schema.enum))
    return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in schema) return JSON.stringify(schema.const);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) return list.map((s) => typeName(spec, resolve(spec, s))).join(' or ');
  }
  if (schema.type === 'array') return `array of ${typeName(spec, resolve(spec, schema.items))}`;
  const type = Array.isArray(schema.type)
    ? schema.type.join(' or ')
    : typeof schema.type === 'string'
      ? schema.type
      : 'object';
  return schema.format ? `${type} (${String(schema.format)})` : type;
}

function constraints(schema: Json): string {
  const parts: string[] = [];
  if (schema.minLength !== undefined || schema.maxLength !== undefined)
    parts.push(`${schema.minLength ?? 0}–${schema.maxLength ?? '∞'} characters`);
  if (schema.minimum !== undefined || schema.maximum !== undefined)
    parts.push(`${schema.minimum ?? '−∞'}–${schema.maximum ?? '∞'}`);
  if (schema.maxItems !== undefined) parts.push(`at most ${String(schema.maxItems)} items`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.length ? `; ${esc(parts.join('; '))}` : '';
}

function resolve(spec: Spec, raw: unknown): Json {
  if (!isJson(raw)) return {};
  if (typeof raw.$ref === 'string')
    return spec.components?.schemas?.[raw.$ref.split('/').pop() ?? ''] ?? {};
  return raw;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const STYLE = `:root{color-scheme:light dark;--fg:#1b1b1f;--bg:#fff;--muted:#5f6368;--line:#e3e3e8;--code:#f4f4f6}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8ec;--bg:#141417;--muted:#a0a0a8;--line:#2c2c33;--code:#1f1f24}}
body{margin:0 auto;max-width:60rem;padding:1rem;font:15px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
h1 small{font-size:.6em;color:var(--muted)}h2{border-bottom:1px solid var(--line);padding-bottom:.25rem;margin-top:2rem;text-transform:capitalize}
h3{font-size:1rem;margin:1.25rem 0 .25rem}h4{font-size:.85rem;margin:.5rem 0 .25rem;color:var(--muted)}
article{border:1px solid var(--line);border-radius:8px;padding:.5rem .9rem;margin:.75rem 0}
code{background:var(--code);padding:0 .25em;border-radius:4px;font-size:.92em}ul{margin:.25rem 0;padding-left:1.25rem}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0}.t,.d{color:var(--muted)}
.m{display:inline-block;min-width:4.2em;font:700 .75rem/1.6 ui-monospace,monospace;text-align:center;border-radius:4px;color:#fff;background:#5f6368}
.get{background:#1a73e8}.post{background:#188038}.put,.patch{background:#b06000}.delete{background:#c5221f}
.open{font-size:.75rem;border:1px solid var(--line);border-radius:999px;padding:0 .5em;color:var(--muted)}`;
