/**
 * A service's event rules (docs/rules.md): read, save, try on the last 20 received payloads, and what they
 * suppressed or dropped. Types only from schema/ (zod stays out of the PWA); loaded with the Admin page.
 */
import type { Condition, ConditionOp, Rule, RuleAction } from '../../../schema/rule-schemas';
import { get, post, put, type RequestOptions } from './api';

export type { Condition, ConditionOp, Rule, RuleAction };

/** The operators a field test takes, in the order the editor offers them (schema CONDITION_OPS). */
export const OPS = [
  'equals',
  'not_equals',
  'contains',
  'matches',
  'exists',
  'in',
] as const satisfies readonly ConditionOp[];
export const ACTION_TYPES = [
  'set_severity',
  'set_title',
  'add_label',
  'add_note',
  'route',
  'suppress',
  'drop',
  'set_dedup_key',
  'auto_resolve',
  'attach_runbook',
] as const satisfies readonly RuleAction['type'][];

export interface StoredRules {
  rules: Rule[];
  version: number;
  updatedAt: number | null;
}

interface RuleRef {
  id: string;
  name: string;
}

export interface PreviewAlert {
  before: { summary: string; severity: string; dedupKey: string };
  matched: RuleRef[];
  outcome: 'passed' | 'suppressed' | 'dropped' | 'routed';
  routeTo?: string;
  alert: { summary: string; severity: string; dedupKey: string };
  notes: string[];
}

export interface RulesPreviewResult {
  receivedAt: number;
  integrationId: string;
  integrationName: string;
  integrationType: string;
  error: string | null;
  notes: string[];
  alerts: PreviewAlert[];
}

export interface RuleActivity {
  suppressed: {
    at: number;
    summary: string;
    severity: string;
    source: string | null;
    dedupKey: string;
    integrationId: string;
    integrationName: string;
    rules: RuleRef[];
  }[];
  drops: { ruleId: string; name: string; count: number; lastAt: number }[];
}

const base = (serviceId: string) => `/api/services/${encodeURIComponent(serviceId)}`;

export const getRules = (serviceId: string, opts?: RequestOptions) =>
  get<StoredRules>(`${base(serviceId)}/rules`, opts);

/** 400 carries `errors` [{path, message}] with paths like `rules.2.condition.all.0.op` or `rules.2.actions.0.service_id`. */
export const saveRules = (serviceId: string, rules: Rule[]) =>
  put<StoredRules>(`${base(serviceId)}/rules`, { rules });

/** The rules run on the last 20 received payloads; nothing is stored. */
export const previewRules = (serviceId: string, rules: Rule[], opts?: RequestOptions) =>
  post<{ results: RulesPreviewResult[] }>(`${base(serviceId)}/rules/preview`, { rules }, opts);

export const getRuleActivity = (serviceId: string, opts?: RequestOptions) =>
  get<RuleActivity>(`${base(serviceId)}/suppressed`, opts);
