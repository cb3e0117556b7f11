/** The public status page, from the responders' side: components (admin) and publishing an incident. Types only from schema/. */
import type {
  ComponentState,
  Publication,
  StatusComponent,
  UpdateStatus,
} from '../../../schema/status-page-schemas';
import { del, get, patch, post } from './api';

export type { ComponentState, Publication, StatusComponent, UpdateStatus };

export const listStatusComponents = () =>
  get<{ components: StatusComponent[] }>('/api/status/components');
export const createStatusComponent = (body: {
  name: string;
  group: string | null;
  serviceIds: string[];
}) => post<{ component: StatusComponent }>('/api/status/components', body);
export const updateStatusComponent = (
  id: string,
  body: { overrideState?: ComponentState | null },
) =>
  patch<{ component: StatusComponent }>(`/api/status/components/${encodeURIComponent(id)}`, body);
export const deleteStatusComponent = (id: string) =>
  del(`/api/status/components/${encodeURIComponent(id)}`);

const page = (incidentId: string) => `/api/incidents/${encodeURIComponent(incidentId)}/status-page`;
export const getPublication = (incidentId: string) =>
  get<{ publication: Publication | null }>(page(incidentId));
export const publishUpdate = (
  incidentId: string,
  body: {
    title?: string;
    status: UpdateStatus;
    body: string;
    components?: { id: string; state: ComponentState }[];
  },
) => post<{ publication: Publication }>(page(incidentId), body);

export const STATE_LABELS: Record<ComponentState, string> = {
  operational: 'Operational',
  under_maintenance: 'Under maintenance',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export const UPDATE_LABELS: Record<UpdateStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/** A first draft for each status, so an update is a few taps; the responder edits what is specific. */
export const TEMPLATES: Record<UpdateStatus, string> = {
  investigating:
    'We are investigating reports of problems with {components}. We will post an update as soon as we know more.',
  identified:
    'We have identified the cause of the problems with {components} and are working on a fix.',
  monitoring: 'A fix has been applied to {components}. We are monitoring the results.',
  resolved:
    'This incident is resolved: {components} are working normally again. Thank you for your patience.',
};

export function template(status: UpdateStatus, componentNames: string[]): string {
  const names = componentNames.length ? componentNames.join(', ') : 'our service';
  return TEMPLATES[status].replace('{components}', names);
}
