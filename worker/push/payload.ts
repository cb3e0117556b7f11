/**
 * The page as the phone's service worker receives it: everything a responder needs on a lock
 * screen, nothing more. It travels encrypted, but it is still cut to size so it stays well under
 * the 4 KB a push service must accept (@block65 pads every body to 4096 bytes: 3993 usable).
 */
import type { PagedIncident, PagePayload } from '../../schema/push';

export type { PagedIncident, PagePayload } from '../../schema/push';

/** Incident id used in test pages: the receipt route accepts it, the ack route refuses it. */
export const TEST_INCIDENT_ID = 'test';

/** A drill page's incident id is `drill:<drill id>`: its receipt settles the drill's check, ack refuses it. */
const DRILL_PREFIX = 'drill:';
export const drillPageId = (drillId: string) => `${DRILL_PREFIX}${drillId}`;
/** The drill a page's incident id names, or null when it is not a drill page. */
export const drillOf = (incidentId: string): string | null =>
  incidentId.startsWith(DRILL_PREFIX) ? incidentId.slice(DRILL_PREFIX.length) || null : null;
/** Test pages and drills name no incident: nothing to acknowledge. */
export const isTestPage = (incidentId: string) =>
  incidentId === TEST_INCIDENT_ID || drillOf(incidentId) !== null;

/** Ceiling we hold ourselves to, far below the library's 3993: a page is a few hundred bytes. */
export const MAX_PAGE_BYTES = 3 * 1024;

const LIMITS = { title: 160, service: 80 };

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Build the payload for an incident page, or for a device test page when kind is 'test'. */
export function buildPagePayload(input: {
  kind?: 'page' | 'test';
  incident: PagedIncident;
  actionToken: string;
  sentAt: number;
}): PagePayload {
  const { incident, actionToken, sentAt } = input;
  const kind = input.kind ?? 'page';
  const service = clip(incident.serviceName ?? 'no service', LIMITS.service);
  const alerts = incident.alertCount === 1 ? '1 alert' : `${incident.alertCount} alerts`;
  return {
    kind,
    incidentId: incident.id,
    number: incident.number,
    title: clip(incident.title, LIMITS.title),
    body:
      kind === 'test'
        ? 'Test page: this device will ring when Firebell pages you.'
        : `#${incident.number} · ${incident.severity} · ${service} · ${alerts}`,
    service,
    severity: incident.severity,
    alertCount: incident.alertCount,
    url: kind === 'test' ? '/settings' : `/incidents/${encodeURIComponent(incident.id)}`,
    actionToken,
    sentAt,
  };
}

/** The stand-in incident a test page describes. */
export function testIncident(): PagedIncident {
  return {
    id: TEST_INCIDENT_ID,
    number: 0,
    title: 'Firebell test page',
    serviceName: 'Firebell',
    severity: 'info',
    alertCount: 0,
  };
}
