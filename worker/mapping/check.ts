/**
 * The static check run when an admin saves a mapping: every expression and every template placeholder must parse.
 * Whether the fields exist in real bodies is the live preview's job, not this one's.
 */
import type { Mapping } from '../../schema/mapping-schemas';
import { compile, placeholders } from './expression';

const EXPRESSIONS = ['alerts', 'occurred_at', 'links', 'images', 'details'] as const;
const TEMPLATES = ['summary', 'dedup_key', 'source'] as const;

/** Sentences naming the field, e.g. "severity.value: expression `level +` does not parse: …"; empty when all parse. */
export function mappingErrors(mapping: Mapping): string[] {
  const errors: string[] = [];
  const check = (field: string, expr: string | undefined) => {
    if (expr === undefined) return;
    if (expr.trim() === '') {
      errors.push(`${field}: an empty expression`);
      return;
    }
    try {
      compile(expr);
    } catch (err) {
      errors.push(`${field}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  for (const field of TEMPLATES) {
    const template = mapping[field];
    if (template === undefined) continue;
    try {
      for (const part of placeholders(template)) check(field, part.expr);
    } catch (err) {
      errors.push(`${field}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  check('severity.value', mapping.severity?.value);
  check('action.value', mapping.action?.value);
  for (const field of EXPRESSIONS) check(field, mapping[field]);
  return errors;
}
