/**
 * Generic JSON (or form) alerts for curl and scripts. Strict about field names, because a typo like
 * `sumary` from a shell script should fail loudly rather than page with a blank alert.
 */
import type { AlertAction, AlertLink } from '../../schema/alert';
import { GENERIC_DEFAULT_SEVERITY } from '../../schema/severity';
import { ALERT_ACTIONS } from '../../schema/alert';
import type { AdapterResult } from './normalize';
import {
  KEY_MAX,
  capErrors,
  fallbackDedupKey,
  isRecord,
  listNames,
  mapSeverity,
  normalizeEvent,
  unknownKeys,
} from './normalize';

const FIELDS = [
  'summary',
  'details',
  'severity',
  'dedup_key',
  'action',
  'links',
  'source',
  'token',
] as const;
const ALLOWED: ReadonlySet<string> = new Set(FIELDS);
const ACTIONS: ReadonlySet<string> = new Set(ALERT_ACTIONS);

function optionalString(
  errors: string[],
  body: Record<string, unknown>,
  key: string,
): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    errors.push(`${key} must be a string`);
    return undefined;
  }
  return value.trim() === '' ? undefined : value.trim();
}

function readLinks(errors: string[], value: unknown): AlertLink[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.push('links must be an array of URLs or {href, text} objects');
    return [];
  }
  const links: AlertLink[] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item === 'string') links.push({ href: item.trim() });
    else if (
      isRecord(item) &&
      typeof item.href === 'string' &&
      (item.text === undefined || typeof item.text === 'string')
    ) {
      links.push(
        item.text ? { href: item.href.trim(), text: item.text } : { href: item.href.trim() },
      );
    } else
      errors.push(
        `links[${i}] must be a URL string or an object with a string href and optional string text`,
      );
  });
  return links;
}

/** `token` is accepted and ignored: the route authenticates with it and strips it before logging. */
export async function adaptGeneric(body: unknown, _now: number): Promise<AdapterResult> {
  if (!isRecord(body)) return { ok: false, errors: ['body must be a JSON object'] };
  const errors: string[] = [];
  const unknown = unknownKeys(body, ALLOWED);
  if (unknown.length)
    errors.push(`unknown field(s): ${listNames(unknown)} (allowed: ${FIELDS.join(', ')})`);

  const before = errors.length;
  const summary = optionalString(errors, body, 'summary');
  if (summary === undefined && errors.length === before)
    errors.push('summary is required and must not be blank');

  const severityText = optionalString(errors, body, 'severity');
  const severity =
    severityText === undefined ? GENERIC_DEFAULT_SEVERITY : mapSeverity(severityText);
  if (!severity) errors.push('severity must be one of critical, error, warning, info');

  const actionText = optionalString(errors, body, 'action') ?? 'trigger';
  const action = ACTIONS.has(actionText) ? (actionText as AlertAction) : undefined;
  if (!action) errors.push('action must be one of trigger, acknowledge, resolve');

  const dedupKey = optionalString(errors, body, 'dedup_key');
  if (dedupKey && dedupKey.length > KEY_MAX)
    errors.push(`dedup_key must be at most ${KEY_MAX} characters`);
  const source = optionalString(errors, body, 'source');
  optionalString(errors, body, 'token');

  const details = body.details;
  if (
    details !== undefined &&
    details !== null &&
    typeof details !== 'string' &&
    !isRecord(details)
  )
    errors.push('details must be an object or a string');
  const links = readLinks(errors, body.links);

  if (errors.length || summary === undefined || !severity || !action)
    return { ok: false, errors: capErrors(errors) };
  return {
    ok: true,
    events: [
      normalizeEvent({
        action,
        // Without a key, resending the same summary from the same source resolves/dedups the same incident.
        dedupKey: dedupKey ?? (await fallbackDedupKey(summary, source)),
        summary,
        severity,
        source,
        details,
        links,
      }),
    ],
  };
}

/**
 * application/x-www-form-urlencoded → the JSON shape adaptGeneric takes (`curl -d summary=…`).
 * Repeated `links` (or `link`) fields build the links list; any other repeated field becomes an
 * array so adaptGeneric reports it as the wrong type instead of silently picking one value.
 */
export function genericFromForm(form: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const links: string[] = [];
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key);
    if (key === 'links' || key === 'link') links.push(...values);
    // defineProperty, not assignment: a field named "__proto__" must stay a field, not a prototype.
    else
      Object.defineProperty(out, key, {
        value: values.length === 1 ? values[0] : values,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  if (links.length) out.links = links;
  return out;
}
