/**
 * The people a command names (assignees, a role's holder): they must exist and be active (not disabled or
 * removed); their names go on the timeline. Read from D1 before the incident is loaded, so the decision
 * builds on the incident as it is after the lookup.
 */
import type { IncidentCommand } from '../../schema/incident';
import { activeUserNames } from '../directory/users';
import { ProblemError, type Problem } from '../errors';

export type NamedUsers =
  { ok: true; names: Record<string, string> } | { ok: false; problem: Problem };

/** Display names of the users `command` names, or a 400 naming those that are unknown or inactive. */
export async function namesFor(db: D1Database, command: IncidentCommand): Promise<NamedUsers> {
  const ids =
    command.type === 'reassign'
      ? command.assignees
      : command.type === 'assign_role'
        ? [command.userId]
        : [];
  if (!ids.length) return { ok: true, names: {} };
  const names = await activeUserNames(db, ids);
  const unknown = ids.filter((id) => !(id in names));
  if (unknown.length)
    return {
      ok: false,
      problem: new ProblemError(
        400,
        'validation',
        `Unknown user${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`,
      ).toProblem(),
    };
  return { ok: true, names };
}
