/**
 * Incident decisions, pure: (incident, facts, event or command, now) → a Change: the new incident, the
 * timeline entries and alerts to commit with it, and the effects to carry out after the commit.
 * No storage, no D1, no clock: the object loads the facts, commits the change in one transaction
 * (ledger.ts), then carries out its effects (effects.ts). Opening an incident is open.ts.
 */
import { LIMITS, type AlertEvent } from '../../schema/alert';
import type {
  Actor,
  Incident,
  IncidentAlert,
  IncidentCommand,
  TimelineEntry,
} from '../../schema/incident';
import { applyAlertEvents, type Overflow, type OverflowState } from './ingest';
import { applyCommand, type CommandContext, type EntryDraft } from './reducer';

/** What a committed change sets off, carried out in order after the commit. */
export type IncidentEffect =
  /** The new entries (`event`) and the rewritten running count (`entry_updated`) to everyone watching. */
  | { kind: 'broadcast' }
  /** The incident's summary to the live lists (the feed). */
  | { kind: 'publish' }
  /** The D1 index, through the outbox so it lands even after a failure or a restart. */
  | { kind: 'index' }
  /** The webhook events the commit owed (webhook-outbox.ts) go out from the alarm: arm it. */
  | { kind: 'webhooks' }
  /** Opened (or reopened): escalation starts from level 1. */
  | { kind: 'escalation'; change: 'started' | 'restarted' }
  /** Acknowledged or resolved: escalation stops at once. */
  | { kind: 'escalation'; change: 'stopped'; status: 'acknowledged' | 'resolved' };

/** Every committed change is told to the room, the lists, the webhook subscribers and the index. */
export const ANNOUNCE: readonly IncidentEffect[] = [
  { kind: 'broadcast' },
  { kind: 'publish' },
  { kind: 'webhooks' },
  { kind: 'index' },
];

/** One decision, ready to commit in one transaction. */
export interface Change {
  /** The incident to save; its lastSeq is advanced when the entries are numbered. */
  incident: Incident;
  /** When it happened: the time stamped on the new entries. */
  at: number;
  /** New timeline entries, appended after the incident's last one. */
  entries: EntryDraft[];
  /** Alerts that changed and must be saved. */
  alerts: IncidentAlert[];
  /** Over-cap alerts whose state changed (see ingest.ts). */
  overflow: ReadonlyMap<string, OverflowState>;
  /** A person resolved it: its firing alerts, listed or past the cap, end with it. */
  closeAlerts: boolean;
  /** The running duplicates entry, counted on in place (it is the incident's last entry). */
  rewrite: TimelineEntry | null;
  effects: IncidentEffect[];
}

/** What applying monitor events needs to know beyond the incident. */
export interface IngestFacts {
  /** The alerts the incident lists, by alert key. */
  known: ReadonlyMap<string, IncidentAlert>;
  /** Its over-cap alerts, as far as this batch needs them (IncidentStore.overflow). */
  overflow: Overflow;
  /** The incident's last timeline entry (at lastSeq), if it has one. */
  last: TimelineEntry | null;
}

/** A change with nothing but `incident`, `entries` and effects. */
export function change(
  incident: Incident,
  entries: EntryDraft[],
  at: number,
  effects: IncidentEffect[] = [...ANNOUNCE],
): Change {
  return {
    incident,
    at,
    entries,
    alerts: [],
    overflow: new Map(),
    closeAlerts: false,
    rewrite: null,
    effects,
  };
}

/** Acknowledging or resolving stops escalation at once; reopening starts it again from level 1. */
export function escalationEffects(before: Incident, after: Incident): IncidentEffect[] {
  if (before.status === 'triggered' && after.status !== 'triggered')
    return [{ kind: 'escalation', change: 'stopped', status: after.status }];
  if (before.status === 'resolved' && after.status === 'triggered')
    return [{ kind: 'escalation', change: 'restarted' }];
  return [];
}

/**
 * Monitor events on an incident that is not resolved (see applyAlertEvents). Repeats of a firing alert are
 * counted in one running entry while nothing else has happened since: it is counted on in place while it is
 * the last entry, and a new one starts once anything else was written after it.
 */
export function decideIngest(
  incident: Incident,
  events: readonly AlertEvent[],
  actor: Actor,
  now: number,
  facts: IngestFacts,
): Change {
  const outcome = applyAlertEvents(
    incident,
    facts.known,
    events,
    actor,
    now,
    LIMITS.alertsPerIncident,
    facts.overflow,
  );
  const entries = [...outcome.entries];
  let rewrite: TimelineEntry | null = null;
  if (outcome.duplicates) {
    const { last } = facts;
    if (!entries.length && last?.kind === 'duplicate_suppressed' && last.seq === incident.lastSeq) {
      const total = Number(last.data?.count ?? 0) + outcome.duplicates;
      rewrite = { ...last, ...duplicatesEntry(total, now) };
    } else entries.push(duplicatesEntry(outcome.duplicates, now));
  }
  return {
    incident: outcome.incident,
    at: now,
    entries,
    alerts: outcome.alerts,
    overflow: outcome.overflow,
    closeAlerts: false,
    rewrite,
    effects: [...ANNOUNCE, ...escalationEffects(incident, outcome.incident)],
  };
}

export type CommandDecision =
  /** `change` is null when the command had already taken effect: nothing to commit. */
  { ok: true; change: Change | null } | { ok: false; status: 400 | 409; detail: string };

/** A responder command (see applyCommand), with what it sets off: resolving closes the alerts. */
export function decideCommand(
  incident: Incident,
  command: IncidentCommand,
  actor: Actor,
  now: number,
  ctx: CommandContext,
): CommandDecision {
  const outcome = applyCommand(incident, command, actor, now, ctx);
  if (!outcome.ok) return outcome;
  if (!outcome.entries.length) return { ok: true, change: null };
  const closing = outcome.incident.status === 'resolved' && incident.status !== 'resolved';
  return {
    ok: true,
    change: {
      ...change(outcome.incident, outcome.entries, now, [
        ...ANNOUNCE,
        ...escalationEffects(incident, outcome.incident),
      ]),
      closeAlerts: closing,
    },
  };
}

/** The running entry counting `count` suppressed duplicates, the last of them at `at`. */
export function duplicatesEntry(count: number, at: number): EntryDraft {
  return {
    kind: 'duplicate_suppressed',
    text: count === 1 ? '1 duplicate alert suppressed' : `${count} duplicate alerts suppressed`,
    data: { count, lastAt: at },
  };
}

/** The entry for a page the service worker showed on a device, at the time it landed. */
export function deliveredEntry(
  input: { userId: string; subscriptionId: string; deviceLabel?: string; at: number },
  who: string,
): EntryDraft {
  const device = input.deviceLabel ? `${who}'s ${input.deviceLabel}` : `a device of ${who}`;
  const clock = new Date(input.at).toISOString().slice(11, 19);
  return {
    kind: 'notification_delivered',
    text: `Delivered to ${device} at ${clock} UTC`,
    data: { userId: input.userId, subscriptionId: input.subscriptionId, at: input.at },
  };
}
