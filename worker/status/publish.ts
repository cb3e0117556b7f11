/**
 * Writes to the status page: publish an incident or post its next public update (also told on the incident's
 * timeline, through its Durable Object), post an admin's notice, and settle the page after any change.
 */
import type { Actor } from '../../schema/incident-schemas';
import type { NoticeInput, Publication, PublishInput } from '../../schema/status-page-schemas';
import { settle, unknownComponents } from '../directory/status-components';
import {
  getPublication,
  publicationForIncident,
  writeUpdate,
} from '../directory/status-publications';
import { invalid } from '../edge';
import type { Env } from '../env';
import { ProblemError } from '../errors';
import type { CommandResult } from '../incident/object';
import { incidentStub } from '../stubs';
import { noteVersion } from './cache';
import { updateLabel } from './labels';
import { tellSubscribers } from './notify-subscribers';

/** Bump the page version (and log component state changes) so readers see the write within seconds. */
export async function afterWrite(env: Env, origin: string, at: number): Promise<void> {
  const version = await settle(env.DB, at);
  await noteVersion(origin, version, at);
}

async function checkComponents(
  db: D1Database,
  components: { id: string }[] | undefined,
): Promise<void> {
  const unknown = await unknownComponents(
    db,
    (components ?? []).map((c) => c.id),
  );
  if (unknown.length)
    throw invalid([{ path: 'components', message: `unknown component ${unknown.join(', ')}` }]);
}

/** Publish `incidentId` (first call) or post its next public update. */
export async function publishIncident(
  env: Env,
  origin: string,
  incidentId: string,
  input: PublishInput,
  actor: Actor,
  at: number,
): Promise<Publication> {
  const existing = await publicationForIncident(env.DB, incidentId);
  if (!existing && !input.title)
    throw invalid([{ path: 'title', message: 'a public title is required to publish' }]);
  await checkComponents(env.DB, input.components);
  const line = `${updateLabel(input.status)}: ${input.body}`;
  const text = existing
    ? `Status page update. ${line}`
    : `Published to the status page as "${input.title}". ${line}`;
  // The timeline first: an unknown incident or a rate limit stops the publication before anything is public.
  // RPC return types are structurally rewritten by workers-types; the object returns a CommandResult.
  const result = (await incidentStub(env, incidentId).command(
    { type: 'post_status_update', text },
    actor,
  )) as CommandResult;
  if (!result.ok) throw ProblemError.from(result.problem);
  const id = await writeUpdate(env.DB, {
    existing,
    incidentId,
    kind: 'incident',
    title: input.title,
    status: input.status,
    body: input.body,
    components: input.components,
    at,
  });
  await afterWrite(env, origin, at);
  const publication = (await getPublication(env.DB, id))!;
  await tellSubscribers(env, origin, publication, at);
  return publication;
}

/** An admin's notice or maintenance, or its next update (`existing`). */
export async function postNotice(
  env: Env,
  origin: string,
  existing: Publication | null,
  input: Partial<Omit<NoticeInput, 'body'>> & { body: string },
  at: number,
): Promise<Publication> {
  await checkComponents(env.DB, input.components);
  const kind = existing?.kind ?? input.kind ?? 'notice';
  const status = input.status ?? (kind === 'maintenance' ? 'scheduled' : 'investigating');
  const id = await writeUpdate(env.DB, {
    existing,
    incidentId: null,
    kind,
    title: input.title,
    status,
    body: input.body,
    components: existing && !input.components?.length ? undefined : input.components,
    scheduledFor: input.scheduledFor ?? null,
    scheduledUntil: input.scheduledUntil ?? null,
    at,
  });
  await afterWrite(env, origin, at);
  const publication = (await getPublication(env.DB, id))!;
  await tellSubscribers(env, origin, publication, at);
  return publication;
}
