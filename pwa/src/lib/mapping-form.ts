/**
 * The mapping editor's form: one text per mapping key, to and from the Mapping the API takes, the checks
 * that need no server (value maps), and which field an error message names.
 */
import { ALERT_ACTIONS, SEVERITIES, type AlertAction, type Severity } from '../../../schema/alert';
import type { Mapping } from '../../../schema/mapping-schemas';

export interface MappingForm {
  alerts: string;
  summary: string;
  severityValue: string;
  severityMap: string;
  severityDefault: Severity | '';
  actionValue: string;
  actionMap: string;
  actionDefault: AlertAction | '';
  dedup_key: string;
  source: string;
  occurred_at: string;
  links: string;
  images: string;
  details: string;
}

export type FieldKey = keyof MappingForm;
export type FieldErrors = Partial<Record<FieldKey, string[]>>;

/** Value maps are edited as lines `from = to`, e.g. `disaster = critical`. */
const mapText = (map: Record<string, string> | undefined) =>
  Object.entries(map ?? {})
    .map(([from, to]) => `${from} = ${to}`)
    .join('\n');

export function toForm(m: Mapping): MappingForm {
  return {
    alerts: m.alerts ?? '',
    summary: m.summary,
    severityValue: m.severity?.value ?? '',
    severityMap: mapText(m.severity?.map),
    severityDefault: m.severity?.default ?? '',
    actionValue: m.action?.value ?? '',
    actionMap: mapText(m.action?.map),
    actionDefault: m.action?.default ?? '',
    dedup_key: m.dedup_key ?? '',
    source: m.source ?? '',
    occurred_at: m.occurred_at ?? '',
    links: m.links ?? '',
    images: m.images ?? '',
    details: m.details ?? '',
  };
}

/** Parse `from = to` lines; the last `=` splits, since a monitor's value may hold one but ours never do. */
function parseMap<T extends string>(
  text: string,
  allowed: readonly T[],
): { map: Record<string, T>; errors: string[] } {
  const map: Record<string, T> = {};
  const errors: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.lastIndexOf('=');
    const from = at < 0 ? '' : line.slice(0, at).trim();
    const to =
      at < 0
        ? ''
        : line
            .slice(at + 1)
            .trim()
            .toLowerCase();
    if (at < 0 || !from) errors.push(`line ${i + 1}: write it as “value = ${allowed[0]}”`);
    else if (!(allowed as readonly string[]).includes(to))
      errors.push(`line ${i + 1}: “${to}” is not one of ${allowed.join(', ')}`);
    else map[from] = to as T;
  }
  return { map, errors };
}

/** The Mapping the form describes (empty fields left out), or the errors that stop it being sent. */
export function fromForm(f: MappingForm): { mapping: Mapping | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const opt = (s: string) => (s.trim() ? s.trim() : undefined);
  if (!f.summary.trim()) errors.summary = ['A summary is needed: it becomes the incident title.'];
  const sev = parseMap(f.severityMap, SEVERITIES);
  const act = parseMap(f.actionMap, ALERT_ACTIONS);
  if (sev.errors.length) errors.severityMap = sev.errors;
  if (act.errors.length) errors.actionMap = act.errors;
  if (!f.severityValue.trim() && (f.severityMap.trim() || f.severityDefault))
    errors.severityValue = ['Say where the severity is read from.'];
  if (!f.actionValue.trim() && (f.actionMap.trim() || f.actionDefault))
    errors.actionValue = ['Say where the action is read from.'];
  if (Object.keys(errors).length) return { mapping: null, errors };

  const mapping: Mapping = { summary: f.summary };
  const set = <K extends keyof Mapping>(key: K, value: Mapping[K] | undefined) => {
    if (value !== undefined) mapping[key] = value;
  };
  set('alerts', opt(f.alerts));
  if (f.severityValue.trim())
    mapping.severity = {
      value: f.severityValue.trim(),
      ...(Object.keys(sev.map).length ? { map: sev.map } : {}),
      ...(f.severityDefault ? { default: f.severityDefault } : {}),
    };
  if (f.actionValue.trim())
    mapping.action = {
      value: f.actionValue.trim(),
      ...(Object.keys(act.map).length ? { map: act.map } : {}),
      ...(f.actionDefault ? { default: f.actionDefault } : {}),
    };
  set('dedup_key', opt(f.dedup_key));
  set('source', opt(f.source));
  set('occurred_at', opt(f.occurred_at));
  set('links', opt(f.links));
  set('images', opt(f.images));
  set('details', opt(f.details));
  return { mapping, errors };
}

/** How messages name fields (the mapping's own keys, dotted), longest first so `severity.map` beats `severity`. */
const NAMED: [string, FieldKey][] = (
  [
    ['severity.value', 'severityValue'],
    ['severity.map', 'severityMap'],
    ['severity.default', 'severityDefault'],
    ['severity', 'severityValue'],
    ['action.value', 'actionValue'],
    ['action.map', 'actionMap'],
    ['action.default', 'actionDefault'],
    ['action', 'actionValue'],
    ['alerts', 'alerts'],
    ['summary', 'summary'],
    ['dedup_key', 'dedup_key'],
    ['source', 'source'],
    ['occurred_at', 'occurred_at'],
    ['links', 'links'],
    ['images', 'images'],
    ['details', 'details'],
  ] as [string, FieldKey][]
).sort((a, b) => b[0].length - a[0].length);

/**
 * Sort the server's messages (e.g. "summary: unexpected end of expression") to the fields they name;
 * the rest are `general`. A leading "mapping." or a backquoted name are read the same way.
 */
export function errorsByField(messages: string[]): { fields: FieldErrors; general: string[] } {
  const fields: FieldErrors = {};
  const general: string[] = [];
  for (const message of messages) {
    const text = message.replace(/^\W*(mapping\.)?/i, '');
    const hit = NAMED.find(
      ([name]) =>
        (text.toLowerCase().startsWith(name) &&
          /^($|[\s:.,)\]\[`'"])/.test(text.slice(name.length))) ||
        message.includes(`\`${name}\``),
    );
    if (hit) (fields[hit[1]] ??= []).push(message);
    else general.push(message);
  }
  return { fields, general };
}
