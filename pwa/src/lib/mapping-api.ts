/**
 * Custom integrations' mappings: the ready-made list, preview against what the integration last received,
 * and save. Types only from schema/ (zod stays out of the PWA); loaded with the Admin page.
 */
import type { MappingPreview, PreviewResult } from '../../../schema/integration-schemas';
import type { Mapping, MappingPreset } from '../../../schema/mapping-schemas';
import { post, put, get, type RequestOptions } from './api';
import type { Integration, IntegrationWithKey } from './types';

export type { Mapping, MappingPreset };

/** What the mapping makes of each recorded payload (newest first), and whether it failed on every readable one. */
export type Preview = MappingPreview;
export type { PreviewResult };
/** One alert a recorded payload maps to, as the preview shows it. */
export type PreviewAlert = PreviewResult['alerts'][number];

/** The problem type of a save refused because the mapping fails on every recent payload. */
export const FAILS_EVERYWHERE = 'mapping-fails-everywhere';

/**
 * Where "start from blank" starts: the first of the usual title fields, else the body's beginning, so the
 * first preview already shows something; every other field keeps its default until filled in.
 */
export const BLANK_MAPPING: Mapping = {
  summary: '{{ title ?? summary ?? message ?? msg ?? $substring($string($), 0, 120) }}',
};

const integrationPath = (serviceId: string, id: string) =>
  `/api/services/${encodeURIComponent(serviceId)}/integrations/${encodeURIComponent(id)}`;

export const listPresets = (opts?: RequestOptions) =>
  get<{ presets: MappingPreset[] }>('/api/mapping-presets', opts);

/** A custom integration from a ready-made mapping (`preset`) or the admin's own. The answer holds the key. */
export const createCustomIntegration = (
  serviceId: string,
  body: { name?: string } & ({ preset: string } | { mapping: Mapping }),
) =>
  post<IntegrationWithKey>(`/api/services/${encodeURIComponent(serviceId)}/integrations`, {
    type: 'custom',
    ...body,
  });

/** 400 carries `errors` naming the fields; 409 {@link FAILS_EVERYWHERE} unless `confirm`. */
export const saveMapping = (serviceId: string, id: string, mapping: Mapping, confirm = false) =>
  put<{ integration: Integration }>(
    `${integrationPath(serviceId, id)}/mapping`,
    confirm ? { mapping, confirm } : { mapping },
  );

/** The mapping run on the integration's last received payloads; nothing is stored. */
export const previewMapping = (
  serviceId: string,
  id: string,
  mapping: Mapping,
  opts?: RequestOptions,
) => post<Preview>(`${integrationPath(serviceId, id)}/mapping/preview`, { mapping }, opts);
