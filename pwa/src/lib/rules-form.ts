/**
 * The rules editor's form: each rule as texts and flags, to and from the Rule the API takes, and which rule,
 * test or action a 400's error path names. A condition that is one all/any list of field tests is edited as
 * rows; anything nested is edited as JSON.
 */
import type { Severity } from '../../../schema/alert';
import type { Condition, ConditionOp, Rule, RuleAction } from './rules-api';

export interface TestForm {
  field: string;
  op: ConditionOp;
  /** Text; for `in`, values separated by commas. */
  value: string;
}

export interface ActionForm {
  type: RuleAction['type'];
  severity: Severity;
  template: string;
  name: string;
  value: string;
  text: string;
  service_id: string;
  after_minutes: string;
  runbook_id: string;
}

export interface RuleForm {
  /** Stable across edits and reorders, for keys and element ids; the rule's own id is `id`. */
  key: string;
  id: string;
  name: string;
  enabled: boolean;
  continue: boolean;
  mode: 'rows' | 'json';
  join: 'all' | 'any';
  tests: TestForm[];
  json: string;
  actions: ActionForm[];
}

let counter = 0;
const localKey = () => `r${++counter}`;

/** A fresh rule id: ids are what incidents record, so a new one never reuses an old one's. */
const newId = () => `rule-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export const blankTest = (): TestForm => ({ field: 'summary', op: 'contains', value: '' });

export const blankAction = (type: RuleAction['type'] = 'suppress'): ActionForm => ({
  type,
  severity: 'critical',
  template: '',
  name: '',
  value: '',
  text: '',
  service_id: '',
  after_minutes: '30',
  runbook_id: '',
});

export const blankRule = (): RuleForm => ({
  key: localKey(),
  id: newId(),
  name: '',
  enabled: true,
  continue: false,
  mode: 'rows',
  join: 'all',
  tests: [blankTest()],
  json: '',
  actions: [blankAction()],
});

const isTest = (c: Condition): c is Extract<Condition, { field: string }> => 'field' in c;

function testForm(c: Extract<Condition, { field: string }>): TestForm {
  const value = Array.isArray(c.value) ? c.value.join(', ') : (c.value ?? '');
  return { field: c.field, op: c.op, value };
}

function actionForm(a: RuleAction): ActionForm {
  const f = blankAction(a.type);
  switch (a.type) {
    case 'set_severity':
      return { ...f, severity: a.severity };
    case 'set_title':
    case 'set_dedup_key':
      return { ...f, template: a.template };
    case 'add_label':
      return { ...f, name: a.name, value: a.value };
    case 'add_note':
      return { ...f, text: a.text };
    case 'route':
      return { ...f, service_id: a.service_id };
    case 'auto_resolve':
      return { ...f, after_minutes: String(a.after_minutes) };
    case 'attach_runbook':
      return { ...f, runbook_id: a.runbook_id };
    default:
      return f;
  }
}

/** A condition's rows, when it is one all/any list of field tests (or a single test); null when nested. */
export function rowsOf(c: Condition): Pick<RuleForm, 'join' | 'tests'> | null {
  const list = 'all' in c ? c.all : 'any' in c ? c.any : [c];
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'object' && x !== null && isTest(x)))
    return null;
  return { join: 'any' in c ? 'any' : 'all', tests: list.map(testForm) };
}

/** The rows a JSON condition can go back to, or null when it does not parse or is nested. */
export function rowsFromJson(json: string): Pick<RuleForm, 'join' | 'tests'> | null {
  try {
    const c = JSON.parse(json) as unknown;
    return typeof c === 'object' && c !== null ? rowsOf(c as Condition) : null;
  } catch {
    return null;
  }
}

export function toForm(rule: Rule): RuleForm {
  const c = rule.condition;
  const rows = rowsOf(c);
  return {
    key: localKey(),
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    continue: rule.continue,
    mode: rows ? 'rows' : 'json',
    join: rows?.join ?? 'all',
    tests: rows?.tests ?? [],
    json: JSON.stringify(c, null, 2),
    actions: rule.actions.map(actionForm),
  };
}

export function testCondition(t: TestForm): Condition {
  if (t.op === 'exists') return { field: t.field.trim(), op: t.op };
  if (t.op === 'in')
    return {
      field: t.field.trim(),
      op: t.op,
      value: t.value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    };
  return { field: t.field.trim(), op: t.op, value: t.value };
}

/** The condition as the rows describe it, for the switch to JSON. */
export function rowsCondition(f: RuleForm): Condition {
  const tests = f.tests.map(testCondition);
  return f.join === 'any' ? { any: tests } : { all: tests };
}

function action(f: ActionForm): RuleAction {
  switch (f.type) {
    case 'set_severity':
      return { type: f.type, severity: f.severity };
    case 'set_title':
    case 'set_dedup_key':
      return { type: f.type, template: f.template };
    case 'add_label':
      return { type: f.type, name: f.name, value: f.value };
    case 'add_note':
      return { type: f.type, text: f.text };
    case 'route':
      return { type: f.type, service_id: f.service_id };
    case 'auto_resolve':
      return { type: f.type, after_minutes: Number(f.after_minutes) };
    case 'attach_runbook':
      return { type: f.type, runbook_id: f.runbook_id };
    default:
      return { type: f.type as 'suppress' | 'drop' };
  }
}

/** Error texts keyed by {@link errorKey}: `3` for a rule, `3.test.1`, `3.action.0`. */
export type RuleErrors = Record<string, string[]>;

export const errorKey = (rule: number, part?: 'test' | 'action', n?: number) =>
  part === undefined ? String(rule) : `${rule}.${part}.${n}`;

function add(errors: RuleErrors, key: string, message: string) {
  (errors[key] ??= []).push(message);
}

/** The rules the API takes, or the errors only the form can see (JSON that does not parse, no name). */
export function fromForm(forms: RuleForm[]): { rules: Rule[] | null; errors: RuleErrors } {
  const errors: RuleErrors = {};
  const rules = forms.map((f, r): Rule => {
    let condition: Condition = rowsCondition(f);
    if (f.mode === 'json') {
      try {
        condition = JSON.parse(f.json) as Condition;
      } catch (err) {
        add(errors, errorKey(r), `condition: not JSON (${(err as Error).message})`);
      }
    }
    if (!f.name.trim()) add(errors, errorKey(r), 'name: give the rule a name');
    return {
      id: f.id,
      name: f.name.trim(),
      enabled: f.enabled,
      condition,
      actions: f.actions.map(action),
      continue: f.continue,
    };
  });
  return { rules: Object.keys(errors).length ? null : rules, errors };
}

/**
 * A 400's `{path, message}` placed next to what it names (`rules.2.condition.all.0.op`,
 * `rules.2.actions.0.service_id`; the older bracket spelling `rules[2]…` is read too). The message keeps the rest
 * of the path (`value: …`) so it reads on its own.
 */
export function errorsByRule(
  list: { path: string; message: string }[],
  forms: RuleForm[],
): { byKey: RuleErrors; general: string[] } {
  const byKey: RuleErrors = {};
  const general: string[] = [];
  for (const { path, message } of list) {
    const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
    const rule = Number(parts[1]);
    if (parts[0] !== 'rules' || !Number.isInteger(rule) || !forms[rule]) {
      general.push(path && path !== '(body)' ? `${path}: ${message}` : message);
      continue;
    }
    const rest = parts.slice(2);
    const form = forms[rule]!;
    if (rest[0] === 'actions' && rest[1] !== undefined && rest.length > 2) {
      add(
        byKey,
        errorKey(rule, 'action', Number(rest[1])),
        `${rest.slice(2).join('.')}: ${message}`,
      );
    } else if (
      form.mode === 'rows' &&
      rest[0] === 'condition' &&
      (rest[1] === 'all' || rest[1] === 'any') &&
      rest[2] !== undefined
    ) {
      const tail = rest.slice(3).join('.');
      add(byKey, errorKey(rule, 'test', Number(rest[2])), tail ? `${tail}: ${message}` : message);
    } else {
      add(byKey, errorKey(rule), rest.length ? `${rest.join('.')}: ${message}` : message);
    }
  }
  return { byKey, general };
}
