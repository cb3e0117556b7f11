/**
 * The static check run when an admin saves a mapping: every expression and every template placeholder must parse,
 * and every regular expression literal must run on RE2 (no backreferences, no lookaround).
 * Whether the fields exist in real bodies is the live preview's job, not this one's.
 */
import type { Mapping } from '../../schema/mapping-schemas';
import { compile, placeholders, quote } from './expression';
import { linearPattern } from './linear-regex';

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
    let ast: unknown;
    try {
      ast = compile(expr).ast();
    } catch (err) {
      errors.push(`${field}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    for (const regexp of regexLiterals(ast)) {
      try {
        linearPattern(regexp);
      } catch (err) {
        errors.push(`${field}: in expression ${quote(expr)}, ${(err as Error).message}`);
      }
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

/** Every `/…/` literal in a parsed expression, wherever the parser put it (arguments, `~>`, predicates, lambdas). */
export function regexLiterals(ast: unknown): RegExp[] {
  const found: RegExp[] = [];
  const seen = new Set<object>();
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (node instanceof RegExp) found.push(node);
    else for (const child of Object.values(node)) walk(child);
  };
  walk(ast);
  return found;
}
