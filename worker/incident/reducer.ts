/**
 * Incident state transitions as pure functions: (incident, command, actor, now) → outcome.
 * The Durable Object persists and broadcasts what these return; nothing here does I/O.
 */
import type { Severity } from '../../schema/alert';
import type { Actor, Incident, IncidentCommand, TimelineKind } from '../../schema/incident';

/** A timeline entry before the store gives it a sequence number. */
export interface EntryDraft {
  kind: TimelineKind;
  text: string;
  data?: Record<string, unknown>;
}

export type Outcome =
  | { ok: true; incident: Incident; entries: EntryDraft[] }
  | { ok: false; status: 400 | 409; detail: string };

/** What the reducer needs to know beyond the incident: role names and display names for user ids. */
export interface CommandContext {
  roles: readonly string[];
  names: Readonly<Record<string, string>>;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, error: 1, warning: 2, info: 3 };

/** True when `a` is more severe than `b`. */
export function moreSevere(a: Severity, b: Severity): boolean {
  return SEVERITY_RANK[a] < SEVERITY_RANK[b];
}

export function roleLabel(role: string): string {
  return role.replace(/_/g, ' ');
}

function nameOf(ctx: CommandContext, userId: string): string {
  return ctx.names[userId] ?? userId;
}

const unchanged = (incident: Incident): Outcome => ({ ok: true, incident, entries: [] });
const refuse = (detail: string): Outcome => ({ ok: false, status: 409, detail });

/** Apply one responder command. Repeating a command that already took effect is a no-op, not an error. */
export function applyCommand(
  incident: Incident,
  command: IncidentCommand,
  actor: Actor,
  now: number,
  ctx: CommandContext,
): Outcome {
  const label = `Incident #${incident.number}`;
  const next = (patch: Partial<Incident>, entry: EntryDraft): Outcome => ({
    ok: true,
    incident: { ...incident, ...patch, updatedAt: now },
    entries: [entry],
  });

  switch (command.type) {
    case 'acknowledge':
      if (incident.status === 'acknowledged') return unchanged(incident);
      if (incident.status === 'resolved')
        return refuse(`${label} is already resolved; reopen it before acknowledging.`);
      return next(
        { status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: actor },
        { kind: 'acknowledged', text: `Acknowledged by ${actor.name}` },
      );

    case 'resolve':
      if (incident.status === 'resolved') return unchanged(incident);
      return next(
        // Resolving is not acknowledging: acknowledgedAt stays null when nobody acknowledged, so MTTA is not 0 s.
        { status: 'resolved', resolvedAt: now, resolvedBy: actor, firingCount: 0 },
        {
          kind: 'resolved',
          text: command.note
            ? `Resolved by ${actor.name}: ${command.note}`
            : `Resolved by ${actor.name}`,
          ...(command.note ? { data: { note: command.note } } : {}),
        },
      );

    case 'reopen':
      if (incident.status === 'triggered') return unchanged(incident);
      if (incident.status === 'acknowledged')
        return refuse(
          `${label} is acknowledged, not resolved; only a resolved incident can be reopened.`,
        );
      return next(
        // Paging starts again from level 1: who was paged before is not who is paged now.
        {
          status: 'triggered',
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
          resolvedBy: null,
          paged: [],
        },
        {
          kind: 'reopened',
          text: command.reason
            ? `Reopened by ${actor.name}: ${command.reason}`
            : `Reopened by ${actor.name}`,
          ...(command.reason ? { data: { reason: command.reason } } : {}),
        },
      );

    case 'reassign': {
      const assignees = [...new Set(command.assignees)];
      if (sameMembers(assignees, incident.assignees)) return unchanged(incident);
      const who = assignees.length ? assignees.map((id) => nameOf(ctx, id)).join(', ') : 'nobody';
      return next(
        { assignees },
        { kind: 'reassigned', text: `${actor.name} assigned ${who}`, data: { assignees } },
      );
    }

    case 'assign_role': {
      if (!ctx.roles.includes(command.role))
        return {
          ok: false,
          status: 400,
          detail: `Unknown role '${command.role}'; roles are ${ctx.roles.join(', ')}.`,
        };
      if (incident.roles[command.role] === command.userId) return unchanged(incident);
      const who = nameOf(ctx, command.userId);
      return next(
        { roles: { ...incident.roles, [command.role]: command.userId } },
        {
          kind: 'role_assigned',
          text: `${who} is now ${roleLabel(command.role)} (set by ${actor.name})`,
          data: { role: command.role, userId: command.userId },
        },
      );
    }

    case 'unassign_role': {
      if (!ctx.roles.includes(command.role))
        return {
          ok: false,
          status: 400,
          detail: `Unknown role '${command.role}'; roles are ${ctx.roles.join(', ')}.`,
        };
      if (incident.roles[command.role] == null) return unchanged(incident);
      return next(
        { roles: { ...incident.roles, [command.role]: null } },
        {
          kind: 'role_unassigned',
          text: `${actor.name} cleared ${roleLabel(command.role)}`,
          data: { role: command.role },
        },
      );
    }

    case 'set_severity':
      if (incident.severity === command.severity) return unchanged(incident);
      return next(
        { severity: command.severity },
        {
          kind: 'severity_changed',
          text: `${actor.name} changed severity from ${incident.severity} to ${command.severity}`,
          data: { from: incident.severity, to: command.severity },
        },
      );

    case 'change_title':
      if (incident.title === command.title) return unchanged(incident);
      return next(
        { title: command.title, titleEdited: true },
        {
          kind: 'title_changed',
          text: `${actor.name} renamed the incident to “${command.title}”`,
          data: { from: incident.title, to: command.title },
        },
      );

    case 'add_note':
      return next({}, { kind: 'note', text: command.text });

    case 'post_status_update':
      return next({}, { kind: 'status_update', text: command.text });

    case 'escalate':
      // Escalation is the object's paging engine's to run; the reducer has no state to change for it.
      return unchanged(incident);

    case 'tick_step':
      // The checklist is folded from the timeline (runbook-steps.ts decides); the incident itself is unchanged.
      return unchanged(incident);
  }
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
