/**
 * Firebell incidents as Opsgenie alerts, for the Alert API's reads (get, list), as pure functions.
 *
 * The mapping: one Opsgenie alert is one Firebell incident, because both group repeats of one alias
 * (dedup key) into one thing with a count. id = the incident id, tinyId = the incident number,
 * alias = the dedup key; status is open until the incident resolves.
 */
import type { Severity } from '../../schema/alert';
import type { Actor, Incident, IncidentAlert, IncidentStatus } from '../../schema/incident';
import type { OpsgenieAlert, OpsgenieBaseAlert } from '../../schema/opsgenie-schemas';
import { PRIORITIES } from './opsgenie';
import { isRecord } from './normalize';

export type { OpsgenieAlert, OpsgenieBaseAlert } from '../../schema/opsgenie-schemas';
export type OpsgenieIntegration = OpsgenieBaseAlert['integration'];

const PRIORITY_OF: Record<Severity, string> = {
  critical: 'P1',
  error: 'P2',
  warning: 'P3',
  info: 'P4',
};

const iso = (ms: number) => new Date(ms).toISOString();
const strings = (value: unknown): string[] =>
  Array.isArray(value) && value.every((v: unknown) => typeof v === 'string') ? value : [];
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The alert that opened the incident (its key is the dedup key for Opsgenie senders), or the first one. */
function mainAlert(
  incident: Incident,
  alerts: readonly IncidentAlert[],
): IncidentAlert | undefined {
  return alerts.find((a) => a.key === incident.dedupKey) ?? alerts[0];
}

/**
 * The priority an Opsgenie sender gave, while it still matches the incident's severity; otherwise the
 * severity's own (a person or a later alert changed it). P4 and P5 are both info, so a sent P5 survives.
 */
function priorityOf(incident: Incident, details: Record<string, unknown>): string {
  const sent = text(details.priority);
  return PRIORITIES.get(sent) === incident.severity ? sent : PRIORITY_OF[incident.severity];
}

/**
 * The Opsgenie alert for an incident and its alerts. `integrationOf` names the integration that opened it
 * (Firebell's own "Web" for incidents opened by hand).
 */
export function toOpsgenieAlert(
  incident: Incident,
  alerts: readonly IncidentAlert[],
  integrationOf: (actor: Actor) => OpsgenieIntegration,
): OpsgenieAlert {
  const main = mainAlert(incident, alerts);
  const details = isRecord(main?.details) ? main.details : {};
  const report: OpsgenieBaseAlert['report'] = {};
  if (incident.acknowledgedAt !== null) {
    report.ackTime = incident.acknowledgedAt - incident.createdAt;
    if (incident.acknowledgedBy) report.acknowledgedBy = incident.acknowledgedBy.name;
  }
  if (incident.resolvedAt !== null) {
    report.closeTime = incident.resolvedAt - incident.createdAt;
    if (incident.resolvedBy) report.closedBy = incident.resolvedBy.name;
  }
  return {
    id: incident.id,
    tinyId: String(incident.number),
    alias: incident.dedupKey ?? '',
    message: incident.title,
    status: incident.status === 'resolved' ? 'closed' : 'open',
    acknowledged: incident.acknowledgedAt !== null,
    // Firebell does not track who looked; an acknowledged incident has certainly been seen.
    isSeen: incident.acknowledgedAt !== null,
    tags: strings(details.tags),
    snoozed: false,
    // Opsgenie's count is how often the alert occurred (deduplicated repeats included): notifications, not distinct alerts.
    count: incident.notificationCount,
    lastOccurredAt: iso(Math.max(incident.createdAt, ...alerts.map((a) => a.lastSeenAt))),
    createdAt: iso(incident.createdAt),
    updatedAt: iso(incident.updatedAt),
    source: main?.source ?? '',
    owner: incident.acknowledgedBy?.kind === 'user' ? incident.acknowledgedBy.name : '',
    priority: priorityOf(incident, details),
    responders: [],
    integration: integrationOf(incident.createdBy),
    report,
    actions: strings(details.actions),
    entity: text(details.entity),
    description: text(details.description) || incident.description,
    details: { ...(main?.labels ?? {}) },
  };
}

/** The list form of an alert: Opsgenie's BaseAlert, without actions, entity, description and details. */
export function toOpsgenieBaseAlert(alert: OpsgenieAlert): OpsgenieBaseAlert {
  const { actions: _a, entity: _e, description: _d, details: _x, ...base } = alert;
  return base;
}

const SORTS = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  tinyId: 'number',
  count: 'notification_count',
  message: 'title',
  status: 'status',
} as const;
export type ListSort = (typeof SORTS)[keyof typeof SORTS];

export interface ListParams {
  statuses: IncidentStatus[];
  /** true: someone acknowledged it; false: nobody did (open, or closed without acknowledgement); null: either. */
  acknowledged: boolean | null;
  sort: ListSort;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

const ALL: readonly IncidentStatus[] = ['triggered', 'acknowledged', 'resolved'];
/** The status query terms Firebell understands, each as the incident statuses it keeps. */
const STATUS_TERMS = new Map<string, readonly IncidentStatus[]>([
  ['status:open', ['triggered', 'acknowledged']],
  ['status:closed', ['resolved']],
]);
/** Acknowledged is its own fact, as in Opsgenie: resolving is not acknowledging, so a closed alert may be either. */
const ACK_TERMS = new Map<string, boolean>([
  ['acknowledged:true', true],
  ['acknowledged:false', false],
]);
const TERMS = [...STATUS_TERMS.keys(), ...ACK_TERMS.keys()];

function integer(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number | string {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max
    ? n
    : `${name} should be an integer from ${min} to ${max}.`;
}

/** Opsgenie's list parameters, or a message in Opsgenie's style saying what is wrong or unsupported. */
export function parseListParams(
  get: (name: string) => string | undefined,
): { ok: true; params: ListParams } | { ok: false; message: string } {
  if (get('searchIdentifier'))
    return { ok: false, message: 'Saved searches are not supported by Firebell; use query.' };
  let statuses = [...ALL];
  let acknowledged: boolean | null = null;
  for (const term of (get('query') ?? '')
    .split(/\s+/)
    .filter((t) => t && t.toUpperCase() !== 'AND')) {
    const keep = STATUS_TERMS.get(term.toLowerCase());
    const ack = ACK_TERMS.get(term.toLowerCase());
    if (keep) statuses = statuses.filter((s) => keep.includes(s));
    else if (ack !== undefined) {
      if (acknowledged !== null && acknowledged !== ack) statuses = []; // acknowledged:true AND acknowledged:false
      acknowledged = ack;
    } else
      return {
        ok: false,
        message: `Query term '${term.slice(0, 100)}' is not supported by Firebell; use ${TERMS.join(', ')} (joined by AND).`,
      };
  }
  const sortName = get('sort') ?? 'createdAt';
  const sort = Object.hasOwn(SORTS, sortName) ? SORTS[sortName as keyof typeof SORTS] : undefined;
  if (!sort)
    return {
      ok: false,
      message: `Sort by '${sortName.slice(0, 100)}' is not supported by Firebell; use ${Object.keys(SORTS).join(', ')}.`,
    };
  const order = get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc')
    return { ok: false, message: 'Order should be one of asc, desc.' };
  const offset = integer(get('offset'), 'Offset', 0, 0, 100_000);
  const limit = integer(get('limit'), 'Limit', 20, 1, 100);
  if (typeof offset === 'string') return { ok: false, message: offset };
  if (typeof limit === 'string') return { ok: false, message: limit };
  return { ok: true, params: { statuses, acknowledged, sort, order, offset, limit } };
}
