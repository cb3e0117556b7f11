/** Maintenance windows and silences. Types only from schema/, so no zod in the PWA. */
import type { MaintenanceWindow, Silence, WindowInput } from '../../../schema/maintenance-schemas';
import { get, post, type RequestOptions } from './api';

export type { MaintenanceWindow, Silence, WindowInput };

export const listWindows = (opts?: RequestOptions) =>
  get<{ windows: MaintenanceWindow[] }>('/api/maintenance-windows', opts);
export const createWindow = (body: WindowInput) =>
  post<{ window: MaintenanceWindow }>('/api/maintenance-windows', body);
export const endWindow = (id: string) =>
  post<{ window: MaintenanceWindow }>(`/api/maintenance-windows/${encodeURIComponent(id)}/end`, {});
export const listSilences = (opts?: RequestOptions) =>
  get<{ silences: Silence[] }>('/api/silences?state=active', opts);
export const expireSilence = (id: string) =>
  post<{ silence: Silence }>(`/api/silences/${encodeURIComponent(id)}/expire`, {});
export const silenceIncident = (incidentId: string, length: '1h' | '4h' | '24h') =>
  post<{ silence: Silence }>(`/api/incidents/${encodeURIComponent(incidentId)}/silence`, {
    for: length,
  });

/** Services in a window now and the earliest end among them: "2 services in maintenance until 14:00". */
export function inMaintenance(
  windows: readonly MaintenanceWindow[],
): { services: number; until: number } | null {
  const now = windows.filter((w) => w.current);
  if (!now.length) return null;
  return {
    services: new Set(now.flatMap((w) => w.serviceIds)).size,
    until: Math.min(...now.map((w) => w.current?.end ?? Infinity)),
  };
}
