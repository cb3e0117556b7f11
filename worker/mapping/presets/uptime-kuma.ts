/**
 * Uptime Kuma's Webhook notification (server/notification-providers/webhook.js): `{heartbeat, monitor, msg}`,
 * heartbeat.status 0 when a monitor goes down and 1 when it comes back up. The "Test" button sends the same
 * shape with heartbeat and monitor null, so every field here still reads without them.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';

export const uptimeKuma: MappingPreset = {
  id: 'uptime-kuma',
  name: 'Uptime Kuma',
  setup:
    'In Uptime Kuma, add a notification of type "Webhook": Post URL = this integration\'s URL, Request Body = ' +
    '"Preset - application/json". Enable it on each monitor that should page. A monitor going down opens an ' +
    'incident; the same monitor coming back up resolves it.',
  docs: 'https://github.com/louislam/uptime-kuma/wiki/Notification-Methods',
  mapping: {
    summary:
      '{{ monitor ? monitor.name & (heartbeat.status = 1 ? " is up" : " is down") & ": " & heartbeat.msg : msg }}',
    // Uptime Kuma has no severity of its own: down pages as critical, a pending retry as a warning.
    severity: {
      value: '$exists(heartbeat.status) ? heartbeat.status : "test"',
      map: { '0': 'critical', '1': 'info', '2': 'warning', '3': 'info', test: 'info' },
      default: 'critical',
    },
    action: {
      value: '$exists(heartbeat.status) ? heartbeat.status : "test"',
      map: { '0': 'trigger', '1': 'resolve', '2': 'trigger', test: 'trigger' },
      default: 'trigger',
    },
    dedup_key: 'uptime-kuma/{{ monitor ? monitor.id : "test" }}',
    source: '{{ monitor ? monitor.name : "Uptime Kuma" }}',
    // heartbeat.time is UTC without a zone ("2026-11-30 21:14:05.118").
    occurred_at: '$exists(heartbeat.time) ? $toMillis($replace(heartbeat.time, " ", "T") & "Z")',
    // The checked address; Uptime Kuma does not send its own dashboard URL.
    links:
      '[$filter([monitor.url], function($u) { $type($u) = "string" and $contains($u, /^https?:\\/\\/[^\\/]+/) }).{"href": $, "text": "Checked URL"}]',
  },
};
