/**
 * Worker-side calls into a service's router object other than alert events (those go through
 * intake.deliver): change events, commands an integration sends to one incident, and the outcomes of
 * Opsgenie requests. Each call is rate-limited and recorded by the router like an alert event.
 */
import type { ChangeEvent } from '../../schema/change';
import type { IncidentCommand } from '../../schema/incident';
import type { PayloadInput } from '../../schema/directory';
import type { ChangeDraft } from '../adapters/normalize';
import type { Integration } from '../directory/integrations';
import type { Env } from '../env';
import { serviceRouter } from '../stubs';
import type { ChangeQuery } from './change-store';
import type { RequestOutcome } from './request-log';
import type { ChangeResult, IntakeSource, IntegrationCommandResult } from './router';

/** The integration as the router knows it: who to count the request against and name on the timeline. */
export const sourceOf = (integration: Integration): IntakeSource => ({
  integrationId: integration.id,
  name: integration.name,
  type: integration.type,
  ratePerMinute: integration.ratePerMinute,
});

/** Record one change event for the integration's service (or the adapter's complaints about it). */
export async function deliverChange(
  env: Env,
  integration: Integration,
  payload: PayloadInput,
  adapted: { change: ChangeDraft } | { errors: string[] },
): Promise<ChangeResult> {
  const result = await serviceRouter(env, integration.serviceId).receiveChange({
    serviceId: integration.serviceId,
    source: sourceOf(integration),
    payload,
    ...('change' in adapted
      ? { change: adapted.change }
      : { change: null, errors: adapted.errors }),
  });
  // RPC return types are structurally rewritten by workers-types; the object returns a ChangeResult.
  return result as ChangeResult;
}

/** Run a command on an incident of the integration's service, as the integration. */
export async function commandAsIntegration(
  env: Env,
  integration: Integration,
  payload: PayloadInput,
  incidentId: string,
  command: IncidentCommand,
): Promise<IntegrationCommandResult> {
  const result = await serviceRouter(env, integration.serviceId).receiveCommand({
    serviceId: integration.serviceId,
    source: sourceOf(integration),
    payload,
    incidentId,
    command,
  });
  return result as IntegrationCommandResult;
}

/** A service's change events, newest first. */
export async function serviceChanges(
  env: Env,
  serviceId: string,
  query: ChangeQuery,
): Promise<ChangeEvent[]> {
  return (await serviceRouter(env, serviceId).recentChanges(query)) as ChangeEvent[];
}

/** Keep what an accepted Opsgenie request did, for GET /v2/alerts/requests/:id. */
export async function recordRequest(
  env: Env,
  integration: Integration,
  outcome: Omit<RequestOutcome, 'integrationId'>,
): Promise<void> {
  await serviceRouter(env, integration.serviceId).recordRequest({
    ...outcome,
    integrationId: integration.id,
  });
}

export async function requestOutcome(
  env: Env,
  integration: Integration,
  requestId: string,
): Promise<RequestOutcome | null> {
  return (await serviceRouter(env, integration.serviceId).requestOutcome(
    integration.id,
    requestId,
  )) as RequestOutcome | null;
}
