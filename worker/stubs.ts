/**
 * The one place that turns a name into a Durable Object stub, typed with the object's class so callers get
 * its RPC methods. Each object is addressed by a name (idFromName), never a random id: any Worker isolate
 * must reach the same object for the same incident or service.
 */
import type { Env } from './env';
import type { IncidentFeed } from './feed/object';
import type { IncidentObject } from './incident/object';
import type { ServiceRouter } from './service/router';

/** Stubs made in this isolate, by class: read by the bench (routes/bench-counters.ts), never by Firebell. */
export const STUB_COUNTS = { incident: 0, service: 0, feed: 0 };

/** The deployment has one incident-list feed, under this name. */
const FEED_NAME = 'incidents';

/** The incident's object: the only writer of that incident. */
export const incidentStub = (
  env: Pick<Env, 'INCIDENT'>,
  incidentId: string,
): DurableObjectStub<IncidentObject> => {
  STUB_COUNTS.incident++;
  return env.INCIDENT.get(env.INCIDENT.idFromName(incidentId));
};

/** A service's router object: dedup, rate limits and the order of its alert events. */
export const serviceRouter = (
  env: Pick<Env, 'SERVICE'>,
  serviceId: string,
): DurableObjectStub<ServiceRouter> => {
  STUB_COUNTS.service++;
  return env.SERVICE.get(env.SERVICE.idFromName(serviceId));
};

/** The incident-list feed that fans each change out to every open list. */
export const feedStub = (env: Pick<Env, 'FEED'>): DurableObjectStub<IncidentFeed> => {
  STUB_COUNTS.feed++;
  return env.FEED.get(env.FEED.idFromName(FEED_NAME));
};
