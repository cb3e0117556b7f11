/** Admin writes: services and integrations, invites, schedules, teams, escalation policies. Loaded with the Admin page only. */
import { del, get, patch, post, put, type RequestOptions } from './api';
import type {
  ChangeEvent,
  Integration,
  IntegrationType,
  IntegrationWithKey,
  Override,
  Policy,
  PolicyInput,
  Role,
  Schedule,
  ScheduleInput,
  Service,
  Team,
} from './types';

const svc = (id: string) => `/api/services/${encodeURIComponent(id)}`;
const integration = (serviceId: string, id: string) =>
  `${svc(serviceId)}/integrations/${encodeURIComponent(id)}`;
const policy = (id: string) => `/api/policies/${encodeURIComponent(id)}`;
const schedule = (id: string) => `/api/schedules/${encodeURIComponent(id)}`;
const team = (id: string) => `/api/teams/${encodeURIComponent(id)}`;

export const createService = (body: { name: string; description?: string; policyId?: string }) =>
  post<{ service: Service }>('/api/services', body);
export const updateService = (id: string, body: { name?: string; description?: string }) =>
  patch<{ service: Service }>(svc(id), body);
/** 409 names the open incidents and live integrations that keep it. */
export const deleteService = (id: string) => del(svc(id));
export const listIntegrations = (serviceId: string, opts?: RequestOptions) =>
  get<{
    integrations: (Integration & { recentPayloads: NonNullable<Integration['recentPayloads']> })[];
  }>(`${svc(serviceId)}/integrations`, opts);
/** The answer holds the key: the only time it is ever shown. */
export const createIntegration = (
  serviceId: string,
  body: { type: IntegrationType; name?: string },
) => post<IntegrationWithKey>(`${svc(serviceId)}/integrations`, body);
/** The service's newest change events (deploys, config pushes), newest first. */
export const listChanges = (serviceId: string, opts?: RequestOptions) =>
  get<{ changes: ChangeEvent[] }>(`${svc(serviceId)}/changes?limit=20`, opts);
export const updateIntegration = (
  serviceId: string,
  id: string,
  body: { name?: string; ratePerMinute?: number },
) => patch<Integration>(integration(serviceId, id), body);
export const rotateIntegration = (serviceId: string, id: string) =>
  post<IntegrationWithKey>(`${integration(serviceId, id)}/rotate`, {});
export const revokeIntegration = (serviceId: string, id: string) => del(integration(serviceId, id));

export const createInvite = (role: Role) =>
  post<{ url: string; token: string; expiresAt: number }>('/api/auth/invites', { role });

export const listPolicies = (opts?: RequestOptions) =>
  get<{ policies: Policy[] }>('/api/policies', opts);
export const createPolicy = (body: PolicyInput) => post<{ policy: Policy }>('/api/policies', body);
export const updatePolicy = (id: string, body: PolicyInput) =>
  put<{ policy: Policy }>(policy(id), body);
/** 409 names the services it pages for. */
export const deletePolicy = (id: string) => del(policy(id));
/** Make `policyId` the one that pages for the service. */
export const attachPolicy = (policyId: string, serviceId: string) =>
  put<{ serviceId: string; policyId: string }>(
    `${policy(policyId)}/services/${encodeURIComponent(serviceId)}`,
    {},
  );
export const detachPolicy = (policyId: string, serviceId: string) =>
  del(`${policy(policyId)}/services/${encodeURIComponent(serviceId)}`);

export const createSchedule = (body: ScheduleInput) =>
  post<{ schedule: Schedule }>('/api/schedules', body);
export const updateSchedule = (id: string, body: ScheduleInput) =>
  put<{ schedule: Schedule }>(schedule(id), body);
/** 409 names the policies that target it. */
export const deleteSchedule = (id: string) => del(schedule(id));
export const addOverride = (
  scheduleId: string,
  body: { userId: string; start: number; end: number },
) => post<{ override: Override }>(`${schedule(scheduleId)}/overrides`, body);
export const deleteOverride = (scheduleId: string, id: string) =>
  del(`${schedule(scheduleId)}/overrides/${encodeURIComponent(id)}`);

export const listTeams = (opts?: RequestOptions) => get<{ teams: Team[] }>('/api/teams', opts);
export const createTeam = (body: { name: string; userIds?: string[] }) =>
  post<{ team: Team }>('/api/teams', body);
export const renameTeam = (id: string, name: string) => patch<{ team: Team }>(team(id), { name });
export const setTeamMembers = (id: string, userIds: string[]) =>
  put<{ team: Team }>(`${team(id)}/members`, { userIds });
/** 409 names the schedules it owns. */
export const deleteTeam = (id: string) => del(team(id));
