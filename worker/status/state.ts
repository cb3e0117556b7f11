/** Component state and page indicators, as pure functions of what is published. */
import { COMPONENT_STATES, type ComponentState } from '../../schema/status-page-schemas';

const RANK = new Map<ComponentState, number>(COMPONENT_STATES.map((s, i) => [s, i]));

/** The worse of states (major_outage > partial > degraded > maintenance > operational). */
export function worst(states: Iterable<ComponentState>): ComponentState {
  let out: ComponentState = 'operational';
  for (const s of states) if ((RANK.get(s) ?? 0) > (RANK.get(out) ?? 0)) out = s;
  return out;
}

/**
 * What a component shows: the state an admin published by hand wins; otherwise the worst state any open
 * publication puts it in; otherwise operational.
 */
export function componentState(
  override: ComponentState | null,
  fromOpenPublications: readonly ComponentState[],
): ComponentState {
  return override ?? worst(fromOpenPublications);
}

/** Statuspage's incident impact for the worst state it puts a component in. */
export function impactOf(
  kind: 'incident' | 'notice' | 'maintenance',
  states: readonly ComponentState[],
): 'none' | 'minor' | 'major' | 'critical' | 'maintenance' {
  if (kind === 'maintenance') return 'maintenance';
  switch (worst(states)) {
    case 'major_outage':
      return 'critical';
    case 'partial_outage':
      return 'major';
    case 'degraded_performance':
      return 'minor';
    default:
      return 'none';
  }
}

export type Indicator = 'none' | 'minor' | 'major' | 'critical';

/** The page's overall indicator and sentence (Statuspage's status.json). */
export function pageStatus(
  states: readonly ComponentState[],
  openIncidents: number,
): { indicator: Indicator; description: string } {
  switch (worst(states)) {
    case 'major_outage':
      return { indicator: 'critical', description: 'Major System Outage' };
    case 'partial_outage':
      return { indicator: 'major', description: 'Partial System Outage' };
    case 'degraded_performance':
      return { indicator: 'minor', description: 'Minor Service Outage' };
    case 'under_maintenance':
      return { indicator: 'none', description: 'Service Under Maintenance' };
    default:
      return openIncidents > 0
        ? { indicator: 'minor', description: 'Minor Service Outage' }
        : { indicator: 'none', description: 'All Systems Operational' };
  }
}

/** Human words for a state. */
export const STATE_LABEL: Record<ComponentState, string> = {
  operational: 'Operational',
  under_maintenance: 'Under maintenance',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};
