/** Event rule test helpers: rules saved through the API as an admin would, alerts sent as a monitor would. */
import type { RuleInput } from '../../schema/rule-schemas';
import { ADMIN, api, json } from '../helpers';
import { send } from '../ingest/support';

export interface RuleOutcomeBody {
  alertKey: string;
  dedupKey: string;
  outcome: 'passed' | 'suppressed' | 'dropped' | 'routed';
  serviceId: string;
  then?: string;
  rules: { id: string; name: string }[];
  notes?: string[];
}

export interface Accepted {
  status: 'accepted';
  incidents: { dedupKey: string; incidentId: string | null; result: string }[];
  rules?: {
    version: number;
    judged: number;
    passed: number;
    suppressed: number;
    dropped: number;
    routed: number;
    alerts: RuleOutcomeBody[];
  };
}

export function putRules(serviceId: string, rules: RuleInput[]): Promise<Response> {
  return api(`/api/services/${serviceId}/rules`, {
    method: 'PUT',
    body: { rules },
    headers: ADMIN,
  });
}

/** Save rules, failing loudly when they are refused; returns the new version. */
export async function saveRules(serviceId: string, rules: RuleInput[]): Promise<number> {
  return (await json<{ version: number }>(putRules(serviceId, rules), 200)).version;
}

/** A generic alert, answered 202; returns the answer. */
export async function alert(url: string, body: Record<string, unknown>): Promise<Accepted> {
  return json<Accepted>(send(url, { severity: 'warning', ...body }), 202);
}

export async function activity(serviceId: string) {
  return json<{
    suppressed: { at: number; summary: string; rules: { id: string; name: string }[] }[];
    drops: { ruleId: string; name: string; count: number }[];
  }>(api(`/api/services/${serviceId}/suppressed`, { headers: ADMIN }), 200);
}
