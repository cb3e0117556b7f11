/**
 * Generic JSON (or form) alerts for curl and scripts. Strict about field names, because a typo like
 * `sumary` from a shell script should fail loudly rather than page with a blank alert.
 */
import { genericAlertSchema } from '../../schema/ingest-schemas';
import type { AdapterResult } from './normalize';
import { capErrors, fallbackDedupKey, normalizeEvent } from './normalize';

/** The alert's shape and every refusal message are schema/ingest-schemas.ts's genericAlertSchema. */
export async function adaptGeneric(body: unknown, _now: number): Promise<AdapterResult> {
  const parsed = genericAlertSchema.safeParse(body);
  if (!parsed.success) {
    // Unknown fields first: a typo explains the rest (zod lists them after the known fields).
    const issues = parsed.error.issues.toSorted(
      (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
    );
    return { ok: false, errors: capErrors(issues.map((issue) => issue.message)) };
  }
  const { summary, severity, action, dedup_key, source, details, links } = parsed.data;
  return {
    ok: true,
    events: [
      normalizeEvent({
        action,
        // Without a key, resending the same summary from the same source resolves/dedups the same incident.
        dedupKey: dedup_key ?? (await fallbackDedupKey(summary, source)),
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
