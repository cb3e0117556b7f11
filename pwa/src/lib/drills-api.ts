/** Page drills (worker/routes/drills.ts): settings, the report, "Run drill now", failing methods. Types only from schema/. */
import type {
  Drill,
  DrillCheck,
  DrillSettings,
  FailingMethod,
} from '../../../schema/drill-schemas';
import { get, post, put, type RequestOptions } from './api';

export type { Drill, DrillCheck, DrillSettings, FailingMethod };

const team = (id: string) => `/api/teams/${encodeURIComponent(id)}`;

export const getDrillSettings = (teamId: string, opts?: RequestOptions) =>
  get<{ settings: DrillSettings; nextDrillAt: number | null }>(
    `${team(teamId)}/drill-settings`,
    opts,
  );
export const saveDrillSettings = (teamId: string, settings: DrillSettings) =>
  put<{ settings: DrillSettings; nextDrillAt: number | null }>(
    `${team(teamId)}/drill-settings`,
    settings,
  );
export const listDrills = (teamId: string, opts?: RequestOptions) =>
  get<{ drills: Drill[] }>(`${team(teamId)}/drills`, opts);
export const runDrill = (teamId: string) => post<{ drill: Drill }>(`${team(teamId)}/drills`, {});
export const failingMethods = (opts?: RequestOptions) =>
  get<{ failing: FailingMethod[] }>('/api/drills/failing', opts);
