/**
 * Netdata Cloud's Webhook notification integration: alert notifications (severity critical, warning or clear) and
 * node reachability notifications (status.reachable true or false). Alert notifications name the space, chart and
 * alert but not the node, so two nodes raising the same alert on the same chart share one incident.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';

/** Reachability notifications carry status.reachable; alert notifications carry severity. */
const STATE =
  '$exists(status.reachable) ? (status.reachable ? "reachable" : "unreachable") : severity';

export const netdata: MappingPreset = {
  id: 'netdata',
  name: 'Netdata',
  setup:
    'In Netdata Cloud, open Space settings → Alerts & Notifications → Add configuration → Webhook, with this ' +
    "integration's URL as the Webhook URL and the Rooms and notification types that should page. Press Test, " +
    "copy the token from the test payload shown under this integration's recent payloads in Firebell, and paste " +
    "it into Netdata's Verification field. Critical and warning open an incident per alert and chart; clear " +
    'resolves it. An unreachable node opens one; reachable again resolves it.',
  docs: 'https://learn.netdata.cloud/docs/alerts-&-notifications/notifications/centralized-cloud-notifications/webhook',
  mapping: {
    summary: '{{ message ? message : alert }}',
    severity: {
      value: STATE,
      map: {
        critical: 'critical',
        warning: 'warning',
        clear: 'info',
        unreachable: 'critical',
        reachable: 'info',
      },
      default: 'warning',
    },
    action: {
      value: STATE,
      map: {
        critical: 'trigger',
        warning: 'trigger',
        clear: 'resolve',
        unreachable: 'trigger',
        reachable: 'resolve',
      },
      default: 'trigger',
    },
    dedup_key:
      '{{ $exists(status.reachable) ? "netdata/reachability/" & host : "netdata/" & space & "/" & chart & "/" & alert }}',
    source: '{{ $exists(host) ? host : (space ? space : "Netdata") }}',
    occurred_at: 'date',
    links:
      '[alert_url ? {"href": alert_url, "text": "Netdata alert"}, url ? {"href": url, "text": "Netdata node"}]',
  },
};
