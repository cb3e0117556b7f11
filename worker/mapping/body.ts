/**
 * A custom integration's body as its mapping sees it: JSON (any JSON content type), text, or a form. The one
 * reader for the hook and for previews over recorded payloads, so a preview maps exactly what the hook mapped.
 */
import { parseJson } from '../service/intake';

/** The content types a custom integration reads, as a 415 names them. */
export const CUSTOM_BODY_TYPES = [
  'application/json (or any +json type)',
  'text/plain',
  'application/x-www-form-urlencoded',
] as const;

export type CustomBody =
  { ok: true; value: unknown } | { ok: false; status: 400 | 415; message: string };

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/;

/**
 * The body's value: JSON as parsed; text that is JSON as parsed, other text as `{ text }`; a form's fields as an
 * object (repeated fields as arrays). No content type is read like text, as `curl --data-binary` without -H sends.
 */
export function readCustomBody(text: string, contentType: string | null): CustomBody {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (JSON_TYPE.test(type)) {
    const parsed = parseJson(text);
    return parsed.ok ? parsed : { ok: false, status: 400, message: parsed.message };
  }
  if (type === '' || type === 'text/plain') {
    const parsed = parseJson(text);
    return parsed.ok ? parsed : { ok: true, value: { text } };
  }
  if (type === 'application/x-www-form-urlencoded') {
    // `curl -d '{…}'` without -H labels JSON as a form; a real form never starts with "{" or "[".
    const head = text.trimStart()[0];
    if (head === '{' || head === '[') {
      const parsed = parseJson(text);
      if (parsed.ok) return parsed;
    }
    return { ok: true, value: formFields(new URLSearchParams(text)) };
  }
  return {
    ok: false,
    status: 415,
    message: `send ${CUSTOM_BODY_TYPES.join(', ')}; got ${type.slice(0, 100)}`,
  };
}

/** Fields → object, a field sent more than once → an array of its values in order. */
function formFields(form: URLSearchParams): Record<string, string | string[]> {
  const fields = new Map<string, string | string[]>();
  for (const [name, value] of form) {
    const seen = fields.get(name);
    if (seen === undefined) fields.set(name, value);
    else if (Array.isArray(seen)) seen.push(value);
    else fields.set(name, [seen, value]);
  }
  // fromEntries defines own properties, so a field named "__proto__" stays a field.
  return Object.fromEntries(fields);
}
