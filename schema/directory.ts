/**
 * What the directory API answers about services, devices, tokens and the payloads integrations received
 * (types only, shared with the PWA).
 */

/** A service incidents are opened on (GET /api/services). */
export interface Service {
  id: string;
  name: string;
  description: string;
  policyId: string | null;
  createdAt: number;
}

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

export type PayloadOutcome = 'accepted' | 'rejected' | 'rate_limited' | 'failed';

/** What a request to an integration carried, as the integration listing shows it. */
export interface PayloadInput {
  method: string;
  contentType: string | null;
  userAgent: string | null;
  /** Size of the body as received. */
  bytes: number;
  /** The body with the integration key redacted, cut to PAYLOAD_MAX_BYTES (worker/service/store.ts). */
  body: string;
  truncated: boolean;
}

/** One request an integration received (newest first in an integration's `recentPayloads`). */
export interface RecordedPayload extends PayloadInput {
  receivedAt: number;
  outcome: PayloadOutcome;
  /** What came of it: the incident it opened or joined, or why it was refused. */
  detail: string;
}
