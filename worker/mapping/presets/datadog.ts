/**
 * Datadog's Webhooks integration. Its default payload (body, last_updated, event_type, title, date, org, id) says
 * whether a monitor triggered or recovered only in the title ("[P1] [Recovered on {host:a}] Host is Down"), so the
 * setup asks for four more of Datadog's documented variables; without them this mapping reads the title instead.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';

/** The monitor's name: the title without its leading [P1] [Triggered on {…}] tags. */
const NAME = '$replace(title, /^(\\[[^\\]]*\\]\\s*)*/, "")';
/** The group that alerted (host:a, …): $ALERT_SCOPE, else the "on {…}" of the title. */
const SCOPE =
  '(alert_scope ? alert_scope : $match(title, /\\[[A-Za-z -]+ on \\{([^\\}]*)\\}\\]/).groups[0])';
/** $ALERT_TRANSITION, else the transition word in the title. */
const TRANSITION =
  '(alert_transition ? alert_transition : $match(title, /\\[((Re-)?(Triggered|Recovered|Warn|No Data)|Renotify)/).groups[0])';

export const datadog: MappingPreset = {
  id: 'datadog',
  name: 'Datadog',
  setup:
    "In Datadog, open Integrations → Webhooks, add a webhook with this integration's URL and keep the default " +
    'payload, adding these lines to it: "alert_id": "$ALERT_ID", "alert_transition": "$ALERT_TRANSITION", ' +
    '"alert_type": "$ALERT_TYPE", "alert_priority": "$ALERT_PRIORITY", "alert_scope": "$ALERT_SCOPE", ' +
    '"hostname": "$HOSTNAME", "link": "$LINK". Then mention @webhook-<name> in each monitor\'s message. ' +
    'Triggered, Warn and No Data open an incident per monitor and group; Recovered resolves it.',
  docs: 'https://docs.datadoghq.com/integrations/webhooks/',
  mapping: {
    summary: `{{ ($s := ${SCOPE}; ${NAME} & ($s ? " on " & $s : "")) }}`,
    // $ALERT_TYPE is error, warning, info or success; a P1 error pages as critical.
    severity: {
      value:
        'alert_type ? (alert_type = "error" and alert_priority = "P1" ? "critical" : alert_type) : ' +
        `(${TRANSITION} ~> $contains(/Warn/) ? "warning" : "error")`,
      map: {
        critical: 'critical',
        error: 'error',
        warning: 'warning',
        info: 'info',
        success: 'info',
      },
      default: 'error',
    },
    action: {
      value: TRANSITION,
      map: {
        Triggered: 'trigger',
        'Re-Triggered': 'trigger',
        Warn: 'trigger',
        'Re-Warn': 'trigger',
        'No Data': 'trigger',
        'Re-No Data': 'trigger',
        Renotify: 'trigger',
        Recovered: 'resolve',
      },
      default: 'trigger',
    },
    // Monitor and group, so a recovery of one host resolves that host's incident only.
    dedup_key: `{{ "datadog/" & (alert_id ? alert_id : ${NAME}) & "/" & ${SCOPE} }}`,
    source: '{{ hostname ? hostname : org.name }}',
    occurred_at: '$number(date)',
    links:
      '[link ? {"href": link, "text": "Datadog event"}, ' +
      '$match(body, /\\[Monitor Status\\]\\((https?:[^\\)\\s]+)\\)/).groups[0].{"href": $, "text": "Monitor status"}]',
  },
};
