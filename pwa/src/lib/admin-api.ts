/** Admin writes: services and integrations, invites, schedules, escalation policies. Loaded with the Admin page only. */
import { del, get, post, put, type RequestOptions } from './api';
import type { ChangeEvent, EscalationLevel, Integration, IntegrationType, IntegrationWithKey, Policy, Role, Schedule, ScheduleLayer, Service } from './types';

const svc = (id: string) => `/api/services/${encodeURIComponent(id)}`;

export const createService = (body: { name: string; description?: string; policyId?: string }) => post<{ service: Service }>('/api/services', body);
export const listIntegrations = (serviceId: string, opts?: RequestOptions) =>
  get<{ integrations: (Integration & { recentPayloads: NonNullable<Integration['recentPayloads']> })[] }>(`${svc(serviceId)}/integrations`, opts);
/** The answer holds the key: the only time it is ever shown. */
export const createIntegration = (serviceId: string, body: { type: IntegrationType; name?: string }) => post<IntegrationWithKey>(`${svc(serviceId)}/integrations`, body);
/** The service's newest change events (deploys, config pushes), newest first. */
export const listChanges = (serviceId: string, opts?: RequestOptions) => get<{ changes: ChangeEvent[] }>(`${svc(serviceId)}/changes?limit=20`, opts);
export const rotateIntegration = (serviceId: string, id: string) => post<IntegrationWithKey>(`${svc(serviceId)}/integrations/${encodeURIComponent(id)}/rotate`, {});
export const revokeIntegration = (serviceId: string, id: string) => del(`${svc(serviceId)}/integrations/${encodeURIComponent(id)}`);

export const createInvite = (role: Role) => post<{ url: string; token: string; expiresAt: number }>('/api/auth/invites', { role });

export const listPolicies = (opts?: RequestOptions) => get<{ policies: Policy[] }>('/api/policies', opts);
export const createPolicy = (body: { name: string; levels: EscalationLevel[] }) => post<{ policy: Policy }>('/api/policies', body);
/** Make `policyId` the one that pages for the service. */
export const attachPolicy = (policyId: string, serviceId: string) =>
  put<{ serviceId: string; policyId: string }>(`/api/policies/${encodeURIComponent(policyId)}/services/${encodeURIComponent(serviceId)}`, {});
export const detachPolicy = (policyId: string, serviceId: string) => del(`/api/policies/${encodeURIComponent(policyId)}/services/${encodeURIComponent(serviceId)}`);

export const createSchedule = (body: { name: string; timeZone: string; layers: Pick<ScheduleLayer, 'users' | 'rotation' | 'start'>[] }) =>
  post<{ schedule: Schedule }>('/api/schedules', body);
