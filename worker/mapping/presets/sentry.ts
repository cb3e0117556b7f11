/**
 * Sentry issue alerts, in either of the two webhook shapes an alert rule can send: the legacy WebHooks plugin
 * (src/sentry/plugins/sentry_webhooks/plugin.py: the id, level, url and the event) and an internal
 * integration's `event_alert` (`{action: "triggered", data: {event, triggered_rule}}`). Neither ever says an issue
 * was resolved, so these incidents are resolved in Firebell.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';

export const sentry: MappingPreset = {
  id: 'sentry',
  name: 'Sentry (issue alerts)',
  setup:
    "In Sentry, open the project's Settings → Legacy Integrations → WebHooks, enable it and add this integration's " +
    'URL as a callback URL; then add the action "Send a notification via WebHooks" to the issue alert rules that ' +
    'should page. (An internal integration with "Alert Rule Action" enabled works too.) Sentry never sends a ' +
    'resolve for issue alerts: resolve the incident in Firebell; a new alert for the same issue while it is open ' +
    'joins it.',
  docs: 'https://docs.sentry.io/organization/integrations/integration-platform/webhooks/issue-alerts/',
  mapping: {
    summary:
      '{{ $exists(data.event) ? data.event.title : (event.title ? event.title : (event.metadata.title ? event.metadata.title : (message ? message : culprit))) }}',
    // Sentry levels: fatal, error, warning, info, debug.
    severity: {
      value: '$exists(data.event) ? data.event.level : level',
      map: { fatal: 'critical', error: 'error', warning: 'warning', info: 'info', debug: 'info' },
      default: 'error',
    },
    action: { value: '"triggered"', map: { triggered: 'trigger' }, default: 'trigger' },
    // One incident per Sentry issue, however many events and rules fire for it.
    dedup_key: 'sentry/{{ $exists(data.event) ? data.event.issue_id : id }}',
    // The legacy shape names the project; the integration shape only in its API URL (…/projects/<org>/<project>/…).
    source:
      '{{ $exists(data.event) ? $match(data.event.url, /\\/projects\\/([^\\/]+\\/[^\\/]+)\\//).groups[0] : project_name }}',
    occurred_at:
      '$exists(data.event) ? data.event.datetime : (event.datetime ? event.datetime : event.received)',
    links:
      '$exists(data.event) ? [{"href": data.event.web_url, "text": "Sentry event"}] : [{"href": url, "text": "Sentry issue"}]',
  },
};
