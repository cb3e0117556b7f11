/**
 * An incident opened during a maintenance window pages no one until the window ends. The end is a scheduler
 * task (so it survives restarts); when it runs with the incident still triggered, paging starts from level 1.
 * The service's router moves or ends the hold when someone edits the window or ends it early.
 */
import type { Actor, Incident } from '../../schema/incident';
import type { EntryDraft } from './reducer';
import type { Paging } from './paging';
import type { Scheduler } from './scheduler';

export const MAINTENANCE_TASK = 'maintenance-end';

export interface HoldHost {
  scheduler: Scheduler;
  paging: Paging;
  incident(): Incident | null;
  record(
    drafts: EntryDraft[],
    actor: Actor,
    patch?: Partial<Incident> | ((current: Incident) => Partial<Incident>),
  ): Promise<void>;
  actor: Actor;
}

export class MaintenanceHoldRunner {
  constructor(private readonly host: HoldHost) {}

  /** Arm the window's end for a newly opened incident in maintenance. */
  async arm(until: number): Promise<void> {
    await this.host.scheduler.schedule(MAINTENANCE_TASK, MAINTENANCE_TASK, until);
  }

  /** The window ended (its task is due, or it was ended early): start paging if the incident still waits. */
  async end(now: number, why = 'ended'): Promise<void> {
    const incident = this.host.incident();
    const hold = incident?.maintenance;
    if (!incident || !hold) return;
    if (incident.status === 'resolved') {
      // Resolved inside the window: nobody was ever paged, and the badge stays as the record of why.
      await this.host.scheduler.cancel(MAINTENANCE_TASK);
      return;
    }
    const triggered = incident.status === 'triggered';
    const text = triggered
      ? `Maintenance ${hold.name} ${why}: paging starts from level 1`
      : `Maintenance ${hold.name} ${why}: acknowledged already, so no one is paged`;
    await this.host.record(
      [{ kind: 'maintenance', text, data: { windowId: hold.windowId, ended: now } }],
      this.host.actor,
      { maintenance: null },
    );
    await this.host.scheduler.cancel(MAINTENANCE_TASK);
    if (triggered) await this.host.paging.opened(now);
  }

  /** The router says the window now ends at `until` (edited, or ended early when `until` ≤ now). */
  async moved(windowId: string, until: number, now: number): Promise<void> {
    const hold = this.host.incident()?.maintenance;
    if (!hold || hold.windowId !== windowId || hold.until === until) return;
    if (until <= now) return this.end(now, 'ended early');
    await this.host.record(
      [
        {
          kind: 'maintenance',
          text: `Maintenance ${hold.name} now ends at ${new Date(until).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
          data: { windowId, until },
        },
      ],
      this.host.actor,
      { maintenance: { ...hold, until } },
    );
    await this.arm(until);
  }
}
