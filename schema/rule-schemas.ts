/**
 * A service's event rules, on the wire: an ordered list of conditions over the normalized alert, each with actions
 * (change the alert, route, suppress, drop). Rules run in the service's router after the payload mapping and
 * before deduplication; worker/rules/evaluate.ts runs them, worker/rules/check.ts checks them on save (regular
 * expressions RE2 refuses, templates that do not parse, routing loops). Conditions are plain data so they run
 * without an interpreter; only templates (`{{ expression }}`, worker/mapping/expression.ts) run JSONata.
 */
import { z } from '@hono/zod-openapi';
import { SEVERITIES } from './alert';
import { EXPRESSION_MAX } from './mapping-schemas';

/** Rules per service: the evaluator runs them all on every alert, so the bound keeps an alert's cost bounded. */
export const RULES_MAX = 100;
export const ACTIONS_MAX = 10;
/** Levels of `all`/`any` above a field test: deeper logic is clearer as two rules. */
export const CONDITION_DEPTH_MAX = 4;
/** Entries in one `all`/`any` list. */
export const CONDITION_LIST_MAX = 20;
/** Field tests and groups in one rule's whole condition. */
export const CONDITION_NODES_MAX = 50;
/** Values in one `in` list. */
export const IN_VALUES_MAX = 100;
/** Characters in one compared value or regular expression. */
export const VALUE_MAX = 1000;
/** Characters of a field's text a `matches` test reads: past this, the rest of a long text is not searched. */
export const MATCH_INPUT_MAX = 16 * 1024;

export const CONDITION_OPS = [
  'equals',
  'not_equals',
  'contains',
  'matches',
  'exists',
  'in',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** Fields a condition reads that are not under `details.`, `labels.` or `annotations.`. */
export const PLAIN_FIELDS = ['summary', 'source', 'severity', 'integration', 'dedup_key'] as const;
/** Fields that hold a map, read as `<map>.<key>` (details take a dotted path into nested objects). */
export const MAP_FIELDS = ['details', 'labels', 'annotations'] as const;

/**
 * Why `field` names nothing a condition can read, or undefined when it does. Shared by the schema and the save
 * check so both say the same thing.
 */
export function fieldProblem(field: string): string | undefined {
  if ((PLAIN_FIELDS as readonly string[]).includes(field)) return undefined;
  const dot = field.indexOf('.');
  const map = dot === -1 ? field : field.slice(0, dot);
  if ((MAP_FIELDS as readonly string[]).includes(map)) {
    const rest = dot === -1 ? '' : field.slice(dot + 1);
    if (rest === '')
      return `\`${map}\` needs a key, e.g. \`${map}.${map === 'details' ? 'host' : 'team'}\``;
    if (map === 'details' && rest.split('.').some((key) => key === ''))
      return `\`${field}\` has an empty step in its path`;
    return undefined;
  }
  return `unknown field \`${field}\`: use one of ${PLAIN_FIELDS.join(', ')}, or details.<path>, labels.<name>, annotations.<name>`;
}

/** A condition: every / any of a list, or one test of a field. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { field: string; op: ConditionOp; value?: string | string[] | undefined };

const value = z.string().max(VALUE_MAX);

/**
 * One object shape with a refinement rather than a zod union: a union reports only "Invalid input" at the top,
 * while this names the bad key (`…all[1].op`), which is what an admin needs from a 400.
 */
const conditionShape: z.ZodType<Condition> = z
  .object({
    get all() {
      return z.array(conditionShape).min(1).max(CONDITION_LIST_MAX).optional();
    },
    get any() {
      return z.array(conditionShape).min(1).max(CONDITION_LIST_MAX).optional();
    },
    field: z.string().min(1).max(200).optional().openapi({
      description:
        'summary, source, severity, integration, dedup_key, details.<dotted path>, labels.<name> or annotations.<name>',
    }),
    op: z.enum(CONDITION_OPS).optional(),
    value: z
      .union([value, z.array(value).min(1).max(IN_VALUES_MAX)])
      .optional()
      .openapi({
        description:
          'Text for equals, not_equals, contains (case-insensitive) and matches (an RE2 regular expression); a list for in; none for exists',
      }),
  })
  .strict()
  .superRefine((c, ctx) => {
    const kinds = [c.all, c.any, c.field ?? c.op].filter((k) => k !== undefined).length;
    if (kinds !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'a condition is exactly one of {all: […]}, {any: […]} or {field, op, value}',
      });
      return;
    }
    if (c.all !== undefined || c.any !== undefined) return;
    if (c.field === undefined)
      return void ctx.addIssue({
        code: 'custom',
        path: ['field'],
        message: 'a test needs a field',
      });
    const problem = fieldProblem(c.field);
    if (problem) ctx.addIssue({ code: 'custom', path: ['field'], message: problem });
    if (c.op === undefined)
      return void ctx.addIssue({
        code: 'custom',
        path: ['op'],
        message: `a test needs an op: one of ${CONDITION_OPS.join(', ')}`,
      });
    if (c.op === 'exists') {
      if (c.value !== undefined)
        ctx.addIssue({ code: 'custom', path: ['value'], message: '`exists` takes no value' });
    } else if (c.op === 'in') {
      if (!Array.isArray(c.value))
        ctx.addIssue({ code: 'custom', path: ['value'], message: '`in` needs a list of values' });
    } else if (typeof c.value !== 'string')
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `\`${c.op}\` needs one text value (use \`in\` for a list)`,
      });
    else if (c.op === 'matches' && c.value === '')
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'an empty regular expression' });
  })
  .openapi('Condition', {
    description:
      'Exactly one of {all: Condition[]}, {any: Condition[]} or {field, op, value}; nested at most 4 levels',
  }) as unknown as z.ZodType<Condition>; // the refinement above is what makes the loose shape this union

export const conditionSchema = conditionShape;

/** Levels of `all`/`any` in a condition (0 for a single test) and its nodes in all. */
export function conditionSize(condition: Condition): { depth: number; nodes: number } {
  const list = 'all' in condition ? condition.all : 'any' in condition ? condition.any : undefined;
  if (!list) return { depth: 0, nodes: 1 };
  let depth = 0;
  let nodes = 1;
  for (const child of list) {
    const size = conditionSize(child);
    depth = Math.max(depth, size.depth);
    nodes += size.nodes;
  }
  return { depth: depth + 1, nodes };
}

const template = z.string().min(1).max(EXPRESSION_MAX).openapi({
  description:
    'Text with {{ expression }} placeholders over the alert, e.g. "{{ labels.instance }}: {{ summary }}"',
});

export const ruleActionSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('set_severity'), severity: z.enum(SEVERITIES) }).strict(),
    z.object({ type: z.literal('set_title'), template }).strict(),
    z
      .object({
        type: z.literal('add_label'),
        name: z.string().trim().min(1).max(200),
        value: template,
      })
      .strict(),
    z
      .object({ type: z.literal('add_note'), text: z.string().trim().min(1).max(VALUE_MAX) })
      .strict(),
    z.object({ type: z.literal('route'), service_id: z.string().min(1).max(64) }).strict(),
    z.object({ type: z.literal('suppress') }).strict(),
    z.object({ type: z.literal('drop') }).strict(),
    z.object({ type: z.literal('set_dedup_key'), template }).strict(),
    z
      .object({
        type: z.literal('auto_resolve'),
        /** Up to a week: an incident quiet for longer is closed by people, not a timer. */
        after_minutes: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 60),
      })
      .strict(),
    z
      .object({
        type: z.literal('attach_runbook'),
        /** One of the service's runbooks (an unknown id is refused on save); the last one that runs wins. */
        runbook_id: z.string().min(1).max(64),
      })
      .strict(),
  ])
  .openapi('RuleAction');

export const RULE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const ruleSchema = z
  .object({
    id: z.string().regex(RULE_ID, 'letters, digits, - and _ (at most 64)'),
    name: z.string().trim().min(1).max(200),
    enabled: z.boolean().default(true),
    condition: conditionSchema,
    actions: z.array(ruleActionSchema).min(1).max(ACTIONS_MAX),
    /** After this rule matches, go on to the next rules; without it the first match is the last. */
    continue: z.boolean().default(false),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const { depth, nodes } = conditionSize(rule.condition);
    if (depth > CONDITION_DEPTH_MAX)
      ctx.addIssue({
        code: 'custom',
        path: ['condition'],
        message: `conditions nest at most ${CONDITION_DEPTH_MAX} levels of all/any (this one has ${depth}); split it into rules`,
      });
    if (nodes > CONDITION_NODES_MAX)
      ctx.addIssue({
        code: 'custom',
        path: ['condition'],
        message: `a rule's condition has at most ${CONDITION_NODES_MAX} tests and groups (this one has ${nodes})`,
      });
  })
  .openapi('Rule');

export const ruleSetSchema = z
  .object({ rules: z.array(ruleSchema).max(RULES_MAX) })
  .strict()
  .openapi('RuleSet');

export type RuleAction = z.infer<typeof ruleActionSchema>;
export type Rule = z.infer<typeof ruleSchema>;
/** A rule as sent, before defaults (`enabled`, `continue`) are filled in. */
export type RuleInput = z.input<typeof ruleSchema>;
export type RuleSet = z.infer<typeof ruleSetSchema>;
