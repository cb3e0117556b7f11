/**
 * What every Opsgenie Alert API call shares: the answer envelope, the GenieKey, and finding the alert
 * an identifier names. See worker/adapters/opsgenie-alert.ts for how alerts map onto incidents.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app-env';
import { fitKey } from '../adapters/normalize';
import { identifierProblem } from '../adapters/opsgenie';
import { incidentIdByNumber } from '../directory/incident-index';
import type { Integration } from '../directory/integrations';
import type { Env } from '../env';
import type { IncidentView } from '../incident/object';
import { authenticateKey, credentials } from '../service/intake';
import { incidentStub, serviceRouter } from '../stubs';

const INCIDENT_ID = /^inc_[0-9a-z]{1,64}$/;

export interface Answer {
  /** The id this request's answer carries; accepted writes keep their outcome under it. */
  requestId: string;
  send: (
    status: ContentfulStatusCode,
    fields: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => Response;
}

/** Opsgenie's envelope: every answer carries how long it took (seconds) and a request id. */
export function answer(c: Context<AppEnv>): Answer {
  const started = Date.now();
  const requestId = crypto.randomUUID();
  return {
    requestId,
    send: (status, fields, headers) => {
      // Workers clocks only move across I/O, so a fast request can measure 0; Opsgenie never says 0.
      const took = Math.max(0.001, Math.round(Date.now() - started) / 1000);
      return c.json({ ...fields, took, requestId }, status, headers);
    },
  };
}

/** The integration behind `Authorization: GenieKey <key>`, or the 401 to answer. */
export async function authenticate(
  c: Context<AppEnv>,
  reply: Answer,
): Promise<Integration | Response> {
  const key = credentials(c.req.raw, 'GenieKey');
  if (!key)
    return reply.send(401, {
      message: 'Could not authenticate: send Authorization: GenieKey <integration key>.',
    });
  const integration = await authenticateKey(c.env, 'opsgenie', key);
  return (
    integration ??
    reply.send(401, {
      message:
        'Could not authenticate: the key is not valid (it may have been rotated or revoked).',
    })
  );
}

export const tooManyRequests = (reply: Answer, retryAfterSeconds: number) =>
  reply.send(
    429,
    {
      message:
        'You are making too many requests! To avoid errors, we recommend you limit requests.',
    },
    { 'retry-after': String(retryAfterSeconds) },
  );

export type Identified =
  { ok: true; view: IncidentView } | { ok: false; status: 404 | 422; message: string };

/** An incident with its alerts and timeline, or null. */
export const viewOf = async (env: Env, id: string) =>
  (await incidentStub(env, id).view()) as IncidentView | null;

/**
 * The incident of the integration's service that an identifier names: `id` is the incident id, `tiny`
 * the incident number, `alias` the dedup key of an open incident (Opsgenie too only finds open alerts by
 * alias). `id` falls back to the alias, so senders that omit identifierType with an alias keep working.
 */
export async function findAlert(
  env: Env,
  integration: Integration,
  identifier: string,
  identifierType: string | undefined,
): Promise<Identified> {
  const problem = identifierProblem(identifier, identifierType);
  if (problem) return { ok: false, status: 422, message: problem };
  const type = identifierType ?? 'id';
  // Another service's incident does not exist as far as this key is concerned.
  const mine = async (id: string | null) => {
    const view = id ? await viewOf(env, id) : null;
    return view?.incident.serviceId === integration.serviceId ? view : null;
  };
  let view: IncidentView | null = null;
  if (type === 'tiny')
    view = /^\d{1,15}$/.test(identifier)
      ? await mine(await incidentIdByNumber(env.DB, Number(identifier)))
      : null;
  else {
    if (type === 'id' && INCIDENT_ID.test(identifier)) view = await mine(identifier);
    if (!view) {
      const open = await mine(
        await serviceRouter(env, integration.serviceId).openIncidentFor(await fitKey(identifier)),
      );
      // The router forgets a key lazily when a person resolves its incident, so check that it is still open.
      view = open?.incident.status === 'resolved' ? null : open;
    }
  }
  return view ? { ok: true, view } : { ok: false, status: 404, message: 'Alert does not exist' };
}
