/**
 * What the directory API answers about services, devices, tokens and the payloads integrations received
 * (types only, shared with the PWA; services' and payloads' are derived from ./integration-schemas).
 */
import type { RecordedPayload } from './integration-schemas';

export type { RecordedPayload, Service } from './integration-schemas';

/** One of my devices registered for pages, without key material (GET /api/push/subscriptions). */
export interface PushDevice {
  id: string;
  label: string;
  endpoint: string;
  createdAt: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastFailure: string | null;
}

/** A personal API token, never its secret (GET /api/tokens). */
export interface ApiToken {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export type PayloadOutcome = RecordedPayload['outcome'];

/** What a request to an integration carried, as the integration listing shows it. */
export type PayloadInput = Omit<RecordedPayload, 'receivedAt' | 'outcome' | 'detail'>;
