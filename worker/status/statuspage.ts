/**
 * Atlassian Statuspage's public API (v2) over the snapshot, with its documented field names and types, so
 * widgets, monitors and aggregators that read Statuspage pages read this one.
 */
import type { ComponentState } from '../../schema/status-page-schemas';
import type { PublicComponent, PublicPublication, Snapshot } from './snapshot';
import { impactOf, pageStatus, worst } from './state';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const PAGE_ID = 'firebell';

export function page(s: Snapshot) {
  return {
    id: PAGE_ID,
    name: s.name,
    url: s.url,
    time_zone: s.zone,
    updated_at: iso(s.updatedAt || s.now)!,
  };
}

const groupId = (name: string) =>
  `grp_${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;

function componentJson(c: PublicComponent) {
  return {
    id: c.id,
    name: c.name,
    status: c.state,
    created_at: iso(c.createdAt)!,
    updated_at: iso(c.updatedAt)!,
    position: c.position,
    description: c.description || null,
    showcase: true,
    start_date: iso(c.createdAt)!.slice(0, 10),
    group_id: c.group ? groupId(c.group) : null,
    page_id: PAGE_ID,
    group: false,
    only_show_if_degraded: false,
  };
}

/** Components, with each group as a component of its own (`group: true`, `components`: its members' ids). */
export function components(s: Snapshot) {
  const out: (ReturnType<typeof componentJson> & { components?: string[] })[] = [];
  const groups = new Map<string, PublicComponent[]>();
  for (const c of s.components) {
    out.push(componentJson(c));
    if (c.group) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  }
  for (const [name, members] of groups) {
    out.push({
      id: groupId(name),
      name,
      status: worst(members.map((m) => m.state)),
      created_at: iso(Math.min(...members.map((m) => m.createdAt)))!,
      updated_at: iso(Math.max(...members.map((m) => m.updatedAt)))!,
      position: Math.min(...members.map((m) => m.position)),
      description: null,
      showcase: false,
      start_date: null as unknown as string,
      group_id: null,
      page_id: PAGE_ID,
      group: true,
      only_show_if_degraded: false,
      components: members.map((m) => m.id),
    });
  }
  return out;
}

function incident(s: Snapshot, p: PublicPublication) {
  const byId = new Map(s.components.map((c) => [c.id, c]));
  const monitoring = p.updates.find((u) => u.status === 'monitoring');
  return {
    id: p.id,
    name: p.title,
    status: p.status,
    created_at: iso(p.createdAt)!,
    updated_at: iso(p.updatedAt)!,
    monitoring_at: iso(monitoring?.createdAt ?? null),
    resolved_at: iso(p.resolvedAt),
    impact: impactOf(
      p.kind,
      p.components.map((c) => c.state as ComponentState),
    ),
    shortlink: `${s.url}#${p.id}`,
    started_at: iso(p.scheduledFor ?? p.createdAt)!,
    page_id: PAGE_ID,
    incident_updates: [...p.updates].reverse().map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      incident_id: p.id,
      created_at: iso(u.createdAt)!,
      updated_at: iso(u.createdAt)!,
      display_at: iso(u.createdAt)!,
      affected_components: u.components.map((c) => ({
        code: c.id,
        name: c.name,
        old_status: c.old,
        new_status: c.new,
      })),
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    })),
    components: p.components.flatMap((c) => {
      const full = byId.get(c.id);
      return full ? [componentJson(full)] : [];
    }),
  };
}

function maintenance(s: Snapshot, p: PublicPublication) {
  return {
    ...incident(s, p),
    scheduled_for: iso(p.scheduledFor ?? p.createdAt)!,
    scheduled_until: iso(p.scheduledUntil),
  };
}

const incidentsOf = (s: Snapshot) => s.publications.filter((p) => p.kind !== 'maintenance');
const maintenancesOf = (s: Snapshot) => s.publications.filter((p) => p.kind === 'maintenance');

export function status(s: Snapshot) {
  const open = incidentsOf(s).filter((p) => p.resolvedAt === null).length;
  return {
    page: page(s),
    status: pageStatus(
      s.components.map((c) => c.state),
      open,
    ),
  };
}

export function summary(s: Snapshot) {
  return {
    page: page(s),
    components: components(s),
    incidents: incidentsOf(s)
      .filter((p) => p.resolvedAt === null)
      .map((p) => incident(s, p)),
    scheduled_maintenances: maintenancesOf(s)
      .filter((p) => p.resolvedAt === null)
      .map((p) => maintenance(s, p)),
    status: status(s).status,
  };
}

/** The Statuspage v2 documents by file name. */
export const DOCUMENTS: Record<string, (s: Snapshot) => unknown> = {
  'summary.json': summary,
  'status.json': status,
  'components.json': (s) => ({ page: page(s), components: components(s) }),
  'incidents.json': (s) => ({
    page: page(s),
    incidents: incidentsOf(s).map((p) => incident(s, p)),
  }),
  'incidents/unresolved.json': (s) => ({
    page: page(s),
    incidents: incidentsOf(s)
      .filter((p) => p.resolvedAt === null)
      .map((p) => incident(s, p)),
  }),
  'scheduled-maintenances.json': (s) => ({
    page: page(s),
    scheduled_maintenances: maintenancesOf(s).map((p) => maintenance(s, p)),
  }),
  'scheduled-maintenances/upcoming.json': (s) => ({
    page: page(s),
    scheduled_maintenances: maintenancesOf(s)
      .filter((p) => p.status === 'scheduled')
      .map((p) => maintenance(s, p)),
  }),
  'scheduled-maintenances/active.json': (s) => ({
    page: page(s),
    scheduled_maintenances: maintenancesOf(s)
      .filter((p) => p.status === 'in_progress' || p.status === 'verifying')
      .map((p) => maintenance(s, p)),
  }),
};
