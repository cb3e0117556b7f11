/**
 * Custom integrations' mappings: the ready-made list, preview against what the integration last received,
 * and save. Types only from schema/ (zod stays out of the PWA); loaded with the Admin page.
 */
import type { Mapping, MappingPreset } from '../../../schema/mapping-schemas';
import { post, put, get, type RequestOptions } from './api';
import type { IntegrationWithKey, Severity } from './types';

export type { Mapping, MappingPreset };

/** One alert a recorded payload maps to, as the preview shows it. */
export interface PreviewAlert {
  action: 'trigger' | 'acknowledge' | 'resolve';
  summary: string;
  severity: Severity;
  dedupKey: string;
  source?: string;
  links: { href: string; text?: string }[];
  details?: Record<string, unknown>;
}

/** What one of the last received payloads maps to; `error` when it could not be read at all. */
export interface PreviewResult {
  receivedAt: number;
  contentType: string | null;
  /** The stored copy was cut: the preview ran on its beginning only. */
  truncated: boolean;
  bytes: number;
  alerts: PreviewAlert[];
  notes: string[];
  error: string | null;
}

export interface Preview {
  results: PreviewResult[];
  failsOnAll: boolean;
}

/** The problem type of a save refused because the mapping fails on every recent payload. */
export const FAILS_EVERYWHERE = 'mapping-fails-everywhere';

/**
 * Where "start from blank" starts: the first of the usual title fields, else the body's beginning, so the
 * first preview already shows something; every other field falls back (and says so) until filled in.
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
  put<unknown>(
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
