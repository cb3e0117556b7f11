/**
 * The pure event-rule evaluator: a service's rules, compiled once per rule-set version, judge one normalized alert
 * and say what to do with it (page, route, suppress, drop) and how it changed. Conditions are plain JavaScript
 * over precompiled tests (no JSONata), so a storm of alerts costs microseconds each; only the template actions of
 * rules that matched run the shared expression module. Regular expressions run on RE2 (linear in the text), over
 * at most MATCH_INPUT_MAX characters: a bound on the input, never on elapsed time, since the clock does not
 * advance during CPU work on deployed Workers.
 */
import { RE2JS } from 're2js';
import type { AlertEvent, IntegrationType } from '../../schema/alert';
import { LIMITS } from '../../schema/alert';
import type { Condition, Rule, RuleAction } from '../../schema/rule-schemas';
import { MATCH_INPUT_MAX, fieldProblem } from '../../schema/rule-schemas';
import { clip } from '../../schema/text';
import { KEY_MAX, fitKey } from '../adapters/normalize';
import { ExpressionError, asText, renderTemplate } from '../mapping/expression';

export type Verdict = 'page' | 'suppress' | 'drop' | { route: string };

export interface RuleOutcome {
  /**
   * The alert after set_severity, set_title, add_label and set_dedup_key, each value cut to the LIMITS the
   * adapters' normalize step enforces (a title to a summary's length, a label to a label's, a long key hashed),
   * with `truncated` set when a cut was made. The same object as the input when no rule changed it.
   */
  alert: AlertEvent;
  /** The rules whose condition held, in order (a rule matched even if one of its templates failed). */
  matched: { id: string; name: string }[];
  verdict: Verdict;
  /** add_note texts and sentences about templates that failed (the value they would have set was kept). */
  notes: string[];
  /** From the last auto_resolve action that ran: resolve the incident after this many minutes without alerts. */
  autoResolveMinutes?: number;
  /** From the last attach_runbook action that ran. */
  runbookId?: string;
}

export interface RuleContext {
  integrationType: IntegrationType | string;
}

/** The alert as conditions and templates read it: the field names rules use (dedup_key, integration). */
export interface AlertView {
  summary: string;
  source?: string;
  severity: string;
  integration: string;
  dedup_key: string;
  details?: Record<string, unknown>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One evaluation: the alert being changed, and each field's text read so far (reset when an action changes it). */
interface State {
  /** The input until an action changes it, then this evaluation's own copy (changed in place from then on). */
  alert: AlertEvent;
  owned: boolean;
  ownedLabels: boolean;
  integration: string;
  slots: ReadonlyMap<string, number>;
  texts: (string | undefined | null)[];
  lower: (string | undefined | null)[];
  /**
   * What templates read: built on first use, then kept up to date in place. The template module sizes an input
   * once per object (a walk of every value), so one object per alert is walked once, not after every change;
   * the changes rules make (a text, a flat map of texts) cannot take it past the module's depth or size bounds.
   */
  view?: AlertView | undefined;
}
/** Marks a field not read yet in State.texts (a field with no value reads as undefined). */
const UNREAD = null;

type Test = (s: State) => boolean;
type Read = (s: State) => unknown;

interface CompiledRule {
  id: string;
  name: string;
  test: Test;
  actions: RuleAction[];
  continue: boolean;
}

export interface CompiledRules {
  rules: CompiledRule[];
  /** Each distinct field read, with its slot in State.texts. */
  slots: ReadonlyMap<string, number>;
}

const NEVER: Test = () => false;

/** A field name as a reader of the alert; undefined when the name is unknown (the condition never holds). */
function reader(field: string): Read | undefined {
  if (fieldProblem(field)) return undefined;
  switch (field) {
    case 'summary':
      return (s) => s.alert.summary;
    case 'source':
      return (s) => s.alert.source;
    case 'severity':
      return (s) => s.alert.severity;
    case 'integration':
      return (s) => s.integration;
    case 'dedup_key':
      return (s) => s.alert.dedupKey;
  }
  const dot = field.indexOf('.');
  const map = field.slice(0, dot);
  const key = field.slice(dot + 1);
  if (map === 'labels') return (s) => s.alert.labels?.[key];
  if (map === 'annotations') return (s) => s.alert.annotations?.[key];
  const path = key.split('.');
  return (s) => dig(s.alert.details, path);
}

/** A dotted path into details; a number step indexes a list. Own properties only. */
function dig(value: unknown, path: readonly string[]): unknown {
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Compile a rule set once per version; the result is reused for every alert until the rules change. */
export function compileRules(rules: readonly Rule[]): CompiledRules {
  const slots = new Map<string, number>();
  const compiled: CompiledRule[] = [];
  for (const rule of rules) {
    if (rule.enabled === false) continue;
    compiled.push({
      id: rule.id,
      name: rule.name,
      test: compileCondition(rule.condition, slots),
      actions: rule.actions,
      continue: rule.continue === true,
    });
  }
  return { rules: compiled, slots };
}

/** A field's text (strings as they are, numbers and booleans as written, objects as JSON), read once per state. */
function textOf(slot: number, read: Read): (s: State) => string | undefined {
  return (s) => {
    const hit = s.texts[slot];
    if (hit !== UNREAD) return hit;
    const text = asText(read(s));
    s.texts[slot] = text;
    return text;
  };
}

function lowerOf(slot: number, text: (s: State) => string | undefined) {
  return (s: State) => {
    const hit = s.lower[slot];
    if (hit !== UNREAD) return hit;
    const lower = text(s)?.toLowerCase();
    s.lower[slot] = lower;
    return lower;
  };
}

function compileCondition(condition: Condition, slots: Map<string, number>): Test {
  if ('all' in condition) {
    const tests = condition.all.map((c) => compileCondition(c, slots));
    return (s) => {
      for (const test of tests) if (!test(s)) return false;
      return true;
    };
  }
  if ('any' in condition) {
    const tests = condition.any.map((c) => compileCondition(c, slots));
    return (s) => {
      for (const test of tests) if (test(s)) return true;
      return false;
    };
  }
  const read = reader(condition.field);
  if (!read) return NEVER;
  let slot = slots.get(condition.field);
  if (slot === undefined) slots.set(condition.field, (slot = slots.size));
  const text = textOf(slot, read);
  const { value } = condition;
  switch (condition.op) {
    case 'exists':
      return (s) => {
        const t = text(s);
        return t !== undefined && t !== '';
      };
    case 'equals':
      return typeof value === 'string' ? (s) => text(s) === value : NEVER;
    case 'not_equals':
      return typeof value === 'string' ? (s) => text(s) !== value : NEVER;
    case 'contains': {
      if (typeof value !== 'string') return NEVER;
      const needle = value.toLowerCase();
      const lower = lowerOf(slot, text);
      return (s) => lower(s)?.includes(needle) === true;
    }
    case 'in': {
      if (!Array.isArray(value)) return NEVER;
      const set = new Set(value);
      return (s) => {
        const t = text(s);
        return t !== undefined && set.has(t);
      };
    }
    case 'matches': {
      const pattern = typeof value === 'string' ? linear(value) : undefined;
      if (!pattern) return NEVER;
      return (s) => {
        const t = text(s);
        return (
          t !== undefined &&
          pattern.test(t.length > MATCH_INPUT_MAX ? t.slice(0, MATCH_INPUT_MAX) : t)
        );
      };
    }
  }
  return NEVER;
}

/**
 * Compiled patterns kept per isolate, by text: compiling one on RE2 takes 0.1–0.3 ms, and a new rule-set version
 * (or another service's rules) mostly repeats patterns already compiled. A program is immutable, so sharing is safe.
 */
const PATTERN_CACHE_SIZE = 1_000;
const patterns = new Map<string, RE2JS | null>();

/** The RE2 program for a rule's pattern, or undefined when RE2 refuses it (the save check reports that). */
export function linear(pattern: string): RE2JS | undefined {
  let program = patterns.get(pattern);
  if (program === undefined) {
    try {
      program = RE2JS.compile(pattern);
    } catch {
      program = null;
    }
    if (patterns.size >= PATTERN_CACHE_SIZE)
      patterns.delete(patterns.keys().next().value as string);
    patterns.set(pattern, program);
  }
  return program ?? undefined;
}

/** The alert under the names rules use, for templates. */
export function alertView(alert: AlertEvent, integration: string): AlertView {
  return {
    summary: alert.summary,
    ...(alert.source !== undefined ? { source: alert.source } : {}),
    severity: alert.severity,
    integration,
    dedup_key: alert.dedupKey,
    ...(alert.details !== undefined ? { details: alert.details } : {}),
    ...(alert.labels !== undefined ? { labels: alert.labels } : {}),
    ...(alert.annotations !== undefined ? { annotations: alert.annotations } : {}),
  };
}

/** The alert, ready to change in place: copied on the first change (the caller's object is never changed). */
function own(s: State): AlertEvent {
  if (!s.owned) {
    s.alert = { ...s.alert };
    s.owned = true;
  }
  return s.alert;
}

/** After a change to `field`: it is read again by later conditions, and templates see the new value. */
function changed(s: State, field: string): void {
  const slot = s.slots.get(field);
  if (slot !== undefined) {
    s.texts[slot] = UNREAD;
    s.lower[slot] = UNREAD;
  }
  const view = s.view;
  if (view) {
    view.summary = s.alert.summary;
    view.severity = s.alert.severity;
    view.dedup_key = s.alert.dedupKey;
    if (s.alert.labels !== undefined) view.labels = s.alert.labels;
  }
}

/** Verdict strength: a quieter verdict from any rule that ran wins over a louder one. */
const STRENGTH = { page: 0, route: 1, suppress: 2, drop: 3 } as const;
const strength = (v: Verdict) => STRENGTH[typeof v === 'string' ? v : 'route'];

/**
 * Judge one alert. Rules run in order; a disabled rule never runs; the first rule whose condition holds runs its
 * actions and ends the evaluation unless it says `continue`. Later rules see the changes earlier ones made.
 * `drop` ends the evaluation at once. A template that fails keeps the value it would have replaced and adds a
 * note: a rule never loses an alert.
 */
export async function applyRules(
  compiled: CompiledRules,
  alert: AlertEvent,
  ctx: RuleContext,
): Promise<RuleOutcome> {
  const state: State = {
    alert,
    owned: false,
    ownedLabels: false,
    integration: ctx.integrationType,
    slots: compiled.slots,
    texts: new Array(compiled.slots.size).fill(UNREAD),
    lower: new Array(compiled.slots.size).fill(UNREAD),
  };
  const matched: { id: string; name: string }[] = [];
  const notes: string[] = [];
  let verdict: Verdict = 'page';
  let autoResolveMinutes: number | undefined;
  let runbookId: string | undefined;
  rules: for (const rule of compiled.rules) {
    if (!rule.test(state)) continue;
    matched.push({ id: rule.id, name: rule.name });
    for (const action of rule.actions) {
      const next = TEMPLATED.has(action.type)
        ? await templated(action, state, rule, notes)
        : act(action, state, notes);
      if (next !== undefined) {
        if (next === 'drop') {
          verdict = 'drop';
          break rules;
        }
        if (strength(next) >= strength(verdict)) verdict = next;
      }
      if (action.type === 'auto_resolve') autoResolveMinutes = action.after_minutes;
      if (action.type === 'attach_runbook') runbookId = action.runbook_id;
    }
    if (!rule.continue) break;
  }
  return {
    alert: state.alert,
    matched,
    verdict,
    notes,
    ...(autoResolveMinutes !== undefined ? { autoResolveMinutes } : {}),
    ...(runbookId !== undefined ? { runbookId } : {}),
  };
}

/** Actions that render a template; the others run without waiting on anything. */
const TEMPLATED: ReadonlySet<RuleAction['type']> = new Set([
  'set_title',
  'add_label',
  'set_dedup_key',
]);

/** Run one action that needs no template; returns the verdict it gives, if it gives one. */
function act(action: RuleAction, s: State, notes: string[]): Verdict | undefined {
  switch (action.type) {
    case 'set_severity':
      if (s.alert.severity === action.severity) return undefined;
      own(s).severity = action.severity;
      changed(s, 'severity');
      return undefined;
    case 'add_note':
      notes.push(action.text);
      return undefined;
    case 'route':
      return { route: action.service_id };
    case 'suppress':
      return 'suppress';
    case 'drop':
      return 'drop';
    default:
      return undefined;
  }
}

/** Run one template action (it gives no verdict). */
async function templated(
  action: RuleAction,
  s: State,
  rule: CompiledRule,
  notes: string[],
): Promise<undefined> {
  switch (action.type) {
    case 'set_title': {
      const text = await render(action.template, s, rule, 'set_title', 'the title', notes);
      if (text === undefined) return undefined;
      const summary = clip(text, LIMITS.summary);
      if (summary === s.alert.summary) return undefined;
      const alert = own(s);
      alert.summary = summary;
      if (summary !== text) alert.truncated = true;
      changed(s, 'summary');
      return undefined;
    }
    case 'add_label': {
      const text = await render(action.value, s, rule, 'add_label', `label ${action.name}`, notes);
      if (text === undefined) return undefined;
      const name = clip(action.name, LIMITS.labelValue);
      const value = clip(text, LIMITS.labelValue);
      if (s.alert.labels?.[name] === value) return undefined;
      const alert = own(s);
      if (!s.ownedLabels) {
        alert.labels = { ...alert.labels };
        s.ownedLabels = true;
      }
      (alert.labels as Record<string, string>)[name] = value;
      if (value !== text) alert.truncated = true;
      changed(s, `labels.${name}`);
      return undefined;
    }
    case 'set_dedup_key': {
      const text = await render(action.template, s, rule, 'set_dedup_key', 'the dedup key', notes);
      if (text === undefined) return undefined;
      const key = text.length <= KEY_MAX ? text : await fitKey(text);
      if (key === s.alert.dedupKey) return undefined;
      // The alert key stays: alerts regrouped under one dedup key remain distinct alerts in the incident.
      own(s).dedupKey = key;
      changed(s, 'dedup_key');
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A template's text over the alert, or undefined (with a note) when it does not parse, a placeholder fails or has
 * no value, or the text is blank: half a title or a dedup key with a hole is worse than the old value.
 */
async function render(
  template: string,
  s: State,
  rule: CompiledRule,
  action: string,
  what: string,
  notes: string[],
): Promise<string | undefined> {
  const because = (why: string) =>
    notes.push(`rule "${clip(rule.name, 80)}" (${rule.id}), ${action}: ${why}; kept ${what}`);
  let rendered;
  try {
    rendered = await renderTemplate(template, (s.view ??= alertView(s.alert, s.integration)));
  } catch (err) {
    because(err instanceof ExpressionError ? err.message : String(err));
    return undefined;
  }
  if (rendered.notes.length > 0) {
    because(rendered.notes.join('; '));
    return undefined;
  }
  const text = rendered.text.trim();
  if (text === '') {
    because('the template gave blank text');
    return undefined;
  }
  return text;
}
