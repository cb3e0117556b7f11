/**
 * The static check run when an admin saves a service's rules, beyond the schema: what would make a rule silently
 * never match or never render (regular expressions RE2 refuses, templates that do not parse or read fields an
 * alert does not have, unknown fields), duplicate ids, and routes that lead back to this service.
 * Each problem names its place, e.g. `rules.2.actions.0.service_id` (the schema's own spelling), for the 400 and for the editor.
 */
import { RE2JS } from 're2js';
import type { Condition, RuleSet } from '../../schema/rule-schemas';
import { MAP_FIELDS, PLAIN_FIELDS, fieldProblem } from '../../schema/rule-schemas';
import { regexLiterals } from '../mapping/check';
import { compile, placeholders, quote } from '../mapping/expression';
import { linearPattern } from '../mapping/linear-regex';

export interface RuleProblem {
  path: string;
  message: string;
}

export interface RuleCheckContext {
  /** The service these rules belong to. */
  serviceId: string;
  /** The services another service's saved rules route to (empty when none). */
  routesOf: (serviceId: string) => readonly string[];
}

/** Names a template may start a path with: the alert's fields as rules name them. */
const TEMPLATE_ROOTS: ReadonlySet<string> = new Set([...PLAIN_FIELDS, ...MAP_FIELDS]);

/** Every problem in a rule set, in rule order; empty when it may be saved. */
export function ruleErrors(ruleSet: RuleSet, ctx: RuleCheckContext): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const firstWithId = new Map<string, number>();
  ruleSet.rules.forEach((rule, r) => {
    const at = `rules.${r}`;
    const seen = firstWithId.get(rule.id);
    if (seen === undefined) firstWithId.set(rule.id, r);
    else
      problems.push({
        path: `${at}.id`,
        message: `duplicate id "${rule.id}" (also rules.${seen}.id)`,
      });
    conditionErrors(rule.condition, `${at}.condition`, problems);
    rule.actions.forEach((action, a) => {
      const place = `${at}.actions.${a}`;
      switch (action.type) {
        case 'set_title':
        case 'set_dedup_key':
          templateErrors(action.template, `${place}.template`, problems);
          break;
        case 'add_label':
          templateErrors(action.value, `${place}.value`, problems);
          break;
        case 'route': {
          const loop = routeLoop(ctx, action.service_id);
          if (loop)
            problems.push({
              path: `${place}.service_id`,
              message: `routing loop: ${loop.join(' → ')}; an alert would be routed back to where it came from`,
            });
          break;
        }
      }
    });
  });
  return problems;
}

function conditionErrors(condition: Condition, path: string, problems: RuleProblem[]): void {
  if ('all' in condition || 'any' in condition) {
    const [key, list] = 'all' in condition ? ['all', condition.all] : ['any', condition.any];
    list.forEach((child, i) => conditionErrors(child, `${path}.${key}.${i}`, problems));
    return;
  }
  const problem = fieldProblem(condition.field);
  if (problem) problems.push({ path: `${path}.field`, message: problem });
  if (condition.op === 'matches' && typeof condition.value === 'string') {
    try {
      RE2JS.compile(condition.value);
    } catch (err) {
      problems.push({
        path: `${path}.value`,
        message: `the regular expression ${quote(condition.value)} cannot run on the linear-time engine (RE2 syntax): ${reason(err)}`,
      });
    }
  }
}

/** RE2's refusal in an admin's terms for the syntax people reach for most; RE2's own words otherwise. */
function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/\(\?<[=!]/.test(message)) return 'lookbehind (`(?<=` and `(?<!`) is not supported';
  if (/\(\?[=!]/.test(message)) return 'lookahead (`(?=` and `(?!`) is not supported';
  if (/\\[1-9]/.test(message)) return 'backreferences such as `\\1` are not supported';
  return message;
}

/** Every placeholder must parse, its regex literals must run on RE2, and its paths must start at an alert field. */
export function templateErrors(template: string, path: string, problems: RuleProblem[]): void {
  let parts;
  try {
    parts = placeholders(template);
  } catch (err) {
    problems.push({ path, message: (err as Error).message });
    return;
  }
  for (const part of parts) {
    if (part.expr === '') {
      problems.push({ path, message: 'an empty `{{ }}` placeholder' });
      continue;
    }
    let ast: unknown;
    try {
      ast = compile(part.expr).ast();
    } catch (err) {
      problems.push({ path, message: (err as Error).message });
      continue;
    }
    for (const regexp of regexLiterals(ast)) {
      try {
        linearPattern(regexp);
      } catch (err) {
        problems.push({
          path,
          message: `in expression ${quote(part.expr)}, ${(err as Error).message}`,
        });
      }
    }
    for (const name of unknownRoots(ast))
      problems.push({
        path,
        message: `unknown field \`${name}\` in ${quote(part.expr)}: templates read ${[...TEMPLATE_ROOTS].join(', ')}`,
      });
  }
}

interface Node {
  type?: string;
  value?: unknown;
  steps?: Node[];
  arguments?: Node[];
  lhs?: Node;
  rhs?: Node;
  condition?: Node;
  then?: Node;
  else?: Node;
  expressions?: Node[];
  expression?: Node;
}

/**
 * The first names of the paths an expression reads from the alert, where they are not one of its fields.
 * Only paths read from the alert itself count: names inside a path's later steps or predicates are relative to
 * what the path reached (`details.items[status="down"]`), so they are not checked.
 */
function unknownRoots(ast: unknown): string[] {
  const found: string[] = [];
  const walk = (node: Node | undefined) => {
    if (!node || typeof node !== 'object') return;
    switch (node.type) {
      case 'path': {
        const steps = node.steps ?? [];
        // `$$.summary` and `$.summary` read from the alert too.
        const root =
          steps[0]?.type === 'variable' && (steps[0].value === '$' || steps[0].value === '');
        const first = root ? steps[1] : steps[0];
        if (first?.type === 'name' && !TEMPLATE_ROOTS.has(String(first.value)))
          found.push(String(first.value));
        else if (first && first.type !== 'name') walk(first);
        return;
      }
      case 'name':
        if (!TEMPLATE_ROOTS.has(String(node.value))) found.push(String(node.value));
        return;
      case 'function':
        node.arguments?.forEach(walk);
        return;
      case 'binary':
      case 'apply':
        walk(node.lhs as Node);
        walk(node.rhs);
        return;
      case 'condition':
        walk(node.condition);
        walk(node.then);
        walk(node.else);
        return;
      case 'block':
        node.expressions?.forEach(walk);
        return;
      case 'unary':
        if (node.value === '-') walk(node.expression);
        else if (node.value === '[') node.expressions?.forEach(walk);
        else if (node.value === '{' && Array.isArray(node.lhs))
          for (const pair of node.lhs as unknown as Node[][]) pair.forEach(walk);
        return;
    }
  };
  walk(ast as Node);
  return [...new Set(found)];
}

/**
 * The chain by which routing to `target` comes back to this service, following every service's saved routes
 * (this service's own routes are the rules being saved), or undefined when it never does.
 */
function routeLoop(ctx: RuleCheckContext, target: string): string[] | undefined {
  if (target === ctx.serviceId) return [ctx.serviceId, ctx.serviceId];
  const cameFrom = new Map<string, string>([[target, ctx.serviceId]]);
  const queue = [target];
  while (queue.length > 0) {
    const at = queue.shift() as string;
    for (const next of ctx.routesOf(at)) {
      if (next === ctx.serviceId) {
        const back: string[] = [];
        for (
          let s: string | undefined = at;
          s !== undefined && s !== ctx.serviceId;
          s = cameFrom.get(s)
        )
          back.push(s);
        return [ctx.serviceId, ...back.reverse(), ctx.serviceId];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, at);
        queue.push(next);
      }
    }
  }
  return undefined;
}
