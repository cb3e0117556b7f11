/**
 * What the directory API answers about services, devices, tokens and the payloads integrations received
 * (types only, shared with the PWA, derived from the zod shapes in ./integration-schemas,
 * ./credential-schemas and ./device-schemas).
 */
import type { RecordedPayload } from './integration-schemas';

export type { RecordedPayload, Service } from './integration-schemas';

export type { ApiToken } from './credential-schemas';
export type { PushDevice } from './device-schemas';

export type PayloadOutcome = RecordedPayload['outcome'];

/** What a request to an integration carried, as the integration listing shows it. */
export type PayloadInput = Omit<RecordedPayload, 'receivedAt' | 'outcome' | 'detail'>;
