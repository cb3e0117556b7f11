import { describe, expect, it } from 'vitest';
import type { Incident, IncidentAlert } from '../../schema/incident';
import {
  parseListParams,
  toOpsgenieAlert,
  toOpsgenieBaseAlert,
} from '../../worker/adapters/opsgenie-alert';

const T = Date.parse('2026-11-26T11:00:00Z');
const incident: Incident = {
  id: 'inc_abc',
  number: 7,
  title: 'Queue backlog',
  description: 'From worker-3',
  serviceId: 'svc_1',
  severity: 'info',
  status: 'triggered',
  assignees: [],
  roles: {},
  dedupKey: 'backlog',
  alertCount: 1,
  firingCount: 1,
  notificationCount: 3,
  truncatedAlerts: 0,
  titleEdited: false,
  paged: [],
  createdAt: T,
  createdBy: { kind: 'integration', id: 'int_1', name: 'Opsgenie' },
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  updatedAt: T + 5_000,
  escalationLevel: 1,
  nobodyPaged: false,
  lastSeq: 2,
};
const alert: IncidentAlert = {
  key: 'backlog',
  status: 'firing',
  summary: 'Queue backlog',
  severity: 'info',
  source: 'worker-3',
  labels: { queue: 'mail' },
  details: { priority: 'P5', tags: ['queue', 7], actions: ['Restart'], entity: 'mail-queue' },
  links: [],
  count: 3,
  firstSeenAt: T,
  lastSeenAt: T + 60_000,
};
const integration = () => ({ id: 'int_1', name: 'Opsgenie', type: 'API' });
const params = (query: Record<string, string>) => parseListParams((name) => query[name]);

describe('incidents as Opsgenie alerts', () => {
  it('keeps the priority the sender gave while it still matches the severity, and follows the severity once it changes', () => {
    expect(toOpsgenieAlert(incident, [alert], integration).priority).toBe('P5');
    expect(
      toOpsgenieAlert({ ...incident, severity: 'critical' }, [alert], integration).priority,
    ).toBe('P1');
  });

  it('takes tags, actions and entity from the alert that opened the incident, ignoring values of the wrong type', () => {
    const og = toOpsgenieAlert(
      incident,
      [{ ...alert, key: 'other', details: {} }, alert],
      integration,
    );
    expect(og).toMatchObject({
      tags: [],
      actions: ['Restart'],
      entity: 'mail-queue',
      details: { queue: 'mail' },
      description: 'From worker-3',
      lastOccurredAt: new Date(T + 60_000).toISOString(),
    });
  });

  it('leaves actions, entity, description and details out of the list form', () => {
    expect(
      Object.keys(toOpsgenieBaseAlert(toOpsgenieAlert(incident, [alert], integration))),
    ).not.toEqual(expect.arrayContaining(['actions', 'entity', 'description', 'details']));
  });

  it('narrows the statuses by every query term, and defaults to the newest 20 first', () => {
    expect(params({})).toEqual({
      ok: true,
      params: {
        statuses: ['triggered', 'acknowledged', 'resolved'],
        acknowledged: null,
        sort: 'created_at',
        order: 'desc',
        offset: 0,
        limit: 20,
      },
    });
    expect(params({ query: 'status:open AND acknowledged:true' })).toMatchObject({
      ok: true,
      params: { statuses: ['triggered', 'acknowledged'], acknowledged: true },
    });
    // Resolving is not acknowledging: a closed alert nobody acknowledged is one to find.
    expect(params({ query: 'status:closed acknowledged:false' })).toMatchObject({
      ok: true,
      params: { statuses: ['resolved'], acknowledged: false },
    });
    expect(params({ query: 'acknowledged:true AND acknowledged:false' })).toMatchObject({
      ok: true,
      params: { statuses: [] },
    });
  });

  it('refuses what it cannot honour, including names that exist on every object', () => {
    expect(params({ sort: 'constructor' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Sort by 'constructor' is not supported/),
    });
    expect(params({ offset: '-1' })).toEqual({
      ok: false,
      message: 'Offset should be an integer from 0 to 100000.',
    });
    expect(params({ order: 'sideways' })).toEqual({
      ok: false,
      message: 'Order should be one of asc, desc.',
    });
  });
});
