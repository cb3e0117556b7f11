/**
 * A custom integration's mapping applied to one received body: JSONata expressions and `{{ }}` templates turn any
 * monitor's JSON into normalized alert events. Nothing here drops an event: every field that fails falls back to a
 * documented default, and the reason becomes a note, returned and kept on the alert (details firebell_mapping_notes).
 */
import type { AlertAction, AlertEvent, AlertLink, Severity } from '../../schema/alert';
import type { Mapping } from '../../schema/mapping-schemas';
import {
  clip,
  fallbackDedupKey,
  fitKey,
  isHttpUrl,
  isRecord,
  mapSeverity,
  normalizeEvent,
  parseTimestamp,
} from '../adapters/normalize';
import { asText, evaluate, quote, renderTemplate, type StepBudget } from './expression';
import { inputProblem, plainJson } from './values';

export interface MappingResult {
  /** Normalized (worker/adapters/normalize.ts normalizeEvent), ready for the router. */
  events: AlertEvent[];
  /** Human sentences: each fallback used and why, e.g. "severity: no value at `level`; used the default warning". */
  notes: string[];
}

/** Alerts one body may raise; the rest are left out with a note (a 512 KB body of real alerts holds far fewer). */
export const MAX_ALERTS = 1_000;
/**
 * Steps all expressions of one body may take together, so a long list cannot multiply the per-expression bound.
 * A step costs a few µs, so this caps one body's mapping near half a second of CPU even when every field runs away.
 */
export const BODY_STEPS = 100_000;
/** Notes kept per alert and per result; past it, a count. */
export const MAX_NOTES = 20;
/** The details key under which an alert keeps the notes of its own mapping. */
export const NOTES_KEY = 'firebell_mapping_notes';
/** No severity mapped: "error", as the generic shape, PagerDuty's agent and Alertmanager default. */
export const FALLBACK_SEVERITY: Severity = 'error';
export const FALLBACK_ACTION: AlertAction = 'trigger';
const NOTE_CHARS = 300;

// Words monitors use for their state; a Map so user text like "constructor" cannot reach Object.prototype.
const ACTION_ALIASES = new Map<string, AlertAction>([
  ...[
    'trigger',
    'triggered',
    'firing',
    'problem',
    'alert',
    'alerting',
    'down',
    'open',
    'error',
  ].map((k) => [k, 'trigger'] as const),
  ...['acknowledge', 'acknowledged', 'ack'].map((k) => [k, 'acknowledge'] as const),
  ...['resolve', 'resolved', 'recovery', 'recovered', 'ok', 'up', 'closed', 'close'].map(
    (k) => [k, 'resolve'] as const,
  ),
]);
const mapAction = (text: string | undefined): AlertAction | undefined =>
  text === undefined ? undefined : ACTION_ALIASES.get(text.trim().toLowerCase());

/** True when a preview should flag the body: it raised no alert, or a fallback was used on the way. */
export function mappingFailed(result: MappingResult): boolean {
  return result.events.length === 0 || result.notes.length > 0;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function capNotes(notes: string[]): string[] {
  const clipped = notes.map((n) => clip(n, NOTE_CHARS));
  return clipped.length > MAX_NOTES
    ? [...clipped.slice(0, MAX_NOTES), `…and ${notes.length - MAX_NOTES} more notes`]
    : clipped;
}

/** Map one received body to alert events; see docs/mappings.md for each field and its fallback. */
export async function applyMapping(
  mapping: Mapping,
  body: unknown,
  context: { integrationName: string },
): Promise<MappingResult> {
  const budget: StepBudget = { steps: BODY_STEPS };
  const problem = inputProblem(body);
  if (problem) {
    const note = `body: it ${problem}; no expression ran`;
    return { events: [await fallbackEvent(context.integrationName, [note])], notes: [note] };
  }
  const notes: string[] = [];
  const items = await alertItems(mapping, body, budget, notes);
  const events: AlertEvent[] = [];
  for (const [i, item] of items.entries()) {
    const mapped = await mapItem(mapping, item, body, context, budget);
    events.push(mapped.event);
    const prefix = items.length > 1 ? `alert ${i + 1}: ` : '';
    notes.push(...mapped.notes.map((n) => prefix + n));
  }
  return { events, notes: capNotes(notes) };
}

async function alertItems(
  mapping: Mapping,
  body: unknown,
  budget: StepBudget,
  notes: string[],
): Promise<unknown[]> {
  if (mapping.alerts === undefined) return [body];
  let value: unknown;
  try {
    value = await evaluate(mapping.alerts, body, { body }, budget);
  } catch (err) {
    notes.push(`alerts: ${message(err)}; mapped the whole body as one alert`);
    return [body];
  }
  // JSONata gives nothing (undefined) for an empty list as for a missing one: both mean "no alerts in this body".
  const items = value === undefined ? [] : Array.isArray(value) ? [...value] : [value];
  if (items.length === 0) notes.push(`alerts: ${quote(mapping.alerts)} gave no items; no alert`);
  if (items.length > MAX_ALERTS) {
    notes.push(
      `alerts: ${items.length.toLocaleString('en-US')} items; mapped the first ${MAX_ALERTS.toLocaleString('en-US')}`,
    );
    items.length = MAX_ALERTS;
  }
  return items;
}

/** The alert a body that cannot be read at all still raises, so the page is never lost. */
async function fallbackEvent(integrationName: string, notes: string[]): Promise<AlertEvent> {
  const summary = `Alert from ${integrationName}`;
  return withNotes(
    normalizeEvent({
      action: FALLBACK_ACTION,
      dedupKey: await fallbackDedupKey(summary),
      summary,
      severity: FALLBACK_SEVERITY,
    }),
    notes,
  );
}

function withNotes(event: AlertEvent, notes: string[]): AlertEvent {
  // Added after normalizeEvent so a details object cut for size still says why fallbacks were used.
  return notes.length ? { ...event, details: { ...event.details, [NOTES_KEY]: notes } } : event;
}

async function mapItem(
  mapping: Mapping,
  item: unknown,
  body: unknown,
  context: { integrationName: string },
  budget: StepBudget,
): Promise<{ event: AlertEvent; notes: string[] }> {
  const notes: string[] = [];
  const bindings = { body };
  /** Evaluate, or note the failure and what was used instead and give undefined. */
  const run = async (field: string, expr: string, instead: string): Promise<unknown> => {
    try {
      return await evaluate(expr, item, bindings, budget);
    } catch (err) {
      notes.push(`${field}: ${message(err)}; ${instead}`);
      return undefined;
    }
  };
  const render = async (field: string, template: string): Promise<string> => {
    try {
      const rendered = await renderTemplate(template, item, bindings, budget);
      notes.push(...rendered.notes.map((n) => `${field}: ${n}`));
      return rendered.text.trim();
    } catch (err) {
      notes.push(`${field}: ${message(err)}`);
      return '';
    }
  };

  let summary = await render('summary', mapping.summary);
  if (!summary) {
    summary = `Alert from ${context.integrationName}`;
    notes.push(`summary: rendered empty; used "${summary}"`);
  }
  const severity = mapping.severity
    ? await mapped('severity', mapping.severity, run, notes, mapSeverity, FALLBACK_SEVERITY)
    : FALLBACK_SEVERITY;
  const action = mapping.action
    ? await mapped('action', mapping.action, run, notes, mapAction, FALLBACK_ACTION)
    : FALLBACK_ACTION;

  let source: string | undefined;
  if (mapping.source !== undefined) {
    source = (await render('source', mapping.source)) || undefined;
    if (source === undefined) notes.push('source: rendered empty; left out');
  }
  let dedupKey: string | undefined;
  if (mapping.dedup_key !== undefined) {
    const rendered = await render('dedup_key', mapping.dedup_key);
    if (rendered) dedupKey = await fitKey(rendered);
    else notes.push('dedup_key: rendered empty; used a hash of summary and source');
  }

  const occurredAt =
    mapping.occurred_at === undefined
      ? undefined
      : timestamp(await run('occurred_at', mapping.occurred_at, 'left out'), notes);
  const links = [
    ...(mapping.links === undefined
      ? []
      : toLinks('links', await run('links', mapping.links, 'no links'), notes, false)),
    ...(mapping.images === undefined
      ? []
      : toLinks('images', await run('images', mapping.images, 'no images'), notes, true)),
  ];

  let details: unknown = item;
  if (mapping.details !== undefined) {
    const before = notes.length;
    details = await run('details', mapping.details, 'kept the whole alert item');
    if (details === undefined) {
      if (notes.length === before)
        notes.push(`details: no value at ${quote(mapping.details)}; kept the whole alert item`);
      details = item;
    }
  }
  // The body arrives parsed from JSON, so it is plain already; anything an expression built is copied.
  let plain: unknown = body;
  if (details !== body)
    try {
      plain = plainJson(details);
    } catch (err) {
      notes.push(`details: ${message(err)}; kept none`);
      plain = undefined;
    }

  const event = normalizeEvent({
    action,
    dedupKey: dedupKey ?? (await fallbackDedupKey(summary, source)),
    summary,
    severity,
    source,
    occurredAt,
    details: plain,
    links,
  });
  return { event: withNotes(event, capNotes(notes)), notes };
}

/** Severity or action: the expression's value through the map (exact, then any case), the default, known words. */
async function mapped<T extends string>(
  field: string,
  spec: { value: string; map?: Record<string, T> | undefined; default?: T | undefined },
  run: (field: string, expr: string, instead: string) => Promise<unknown>,
  notes: string[],
  known: (text: string | undefined) => T | undefined,
  fallback: T,
): Promise<T> {
  const used = spec.default !== undefined ? `the default ${spec.default}` : fallback;
  const before = notes.length;
  const value = await run(`${field}.value`, spec.value, `used ${used}`);
  if (notes.length > before) return spec.default ?? fallback;
  const text = asText(value);
  if (text !== undefined && spec.map) {
    if (Object.hasOwn(spec.map, text)) return spec.map[text] as T;
    const lower = text.toLowerCase();
    for (const [key, mappedTo] of Object.entries(spec.map))
      if (key.toLowerCase() === lower) return mappedTo;
  }
  if (spec.default === undefined) {
    const word = known(text);
    if (word) return word;
  }
  if (text === undefined) {
    notes.push(`${field}: no value at ${quote(spec.value)}; used ${used}`);
  } else {
    const shown = JSON.stringify(clip(text, 80));
    const why = spec.map ? 'which is not in the map' : `which is not a known ${field}`;
    notes.push(`${field}: ${quote(spec.value)} gave ${shown}, ${why}; used ${used}`);
  }
  return spec.default ?? fallback;
}

/** Epoch seconds or ms (a number or digits), or an ISO 8601 string, as epoch ms. */
function timestamp(value: unknown, notes: string[]): number | undefined {
  if (value === undefined) return undefined;
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : undefined;
  // Below 1e11 is seconds (1e11 s is the year 5138; 1e11 ms is 1973).
  const ms =
    number === undefined
      ? parseTimestamp(value)
      : Number.isFinite(number) && number > 0
        ? Math.round(number < 1e11 ? number * 1000 : number)
        : undefined;
  if (ms === undefined)
    notes.push(
      `occurred_at: ${JSON.stringify(clip(asText(value) ?? '', 80))} is not epoch seconds, ms or an ISO 8601 time; left out`,
    );
  return ms;
}

/** Links from URL strings or {href, text}; images from URL strings or {src, href, alt}, shown as links. */
function toLinks(field: string, value: unknown, notes: string[], images: boolean): AlertLink[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  const links: AlertLink[] = [];
  const bad: string[] = [];
  for (const entry of list) {
    let link: AlertLink | undefined;
    if (typeof entry === 'string')
      link = { href: entry.trim(), ...(images ? { text: 'Image' } : {}) };
    else if (isRecord(entry)) {
      const href = images ? (entry.href ?? entry.src) : entry.href;
      const text = images ? (entry.alt ?? 'Image') : entry.text;
      if (typeof href === 'string')
        link = { href: href.trim(), ...(typeof text === 'string' && text ? { text } : {}) };
    }
    if (link && isHttpUrl(link.href)) links.push(link);
    else bad.push(clip(asText(entry) ?? String(entry), 80));
  }
  if (bad.length) {
    const shape = images ? 'an http(s) URL or {src, href, alt}' : 'an http(s) URL or {href, text}';
    notes.push(
      `${field}: left out ${bad.length} not ${shape}: ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
    );
  }
  return links;
}
