/**
 * Nagios 4 (and Nagios-compatible cores): a notification command posts the notification's macros as form fields
 * with curl. Captured from Nagios Core 4.4.6 (Debian 12): test/fixtures/monitors/nagios/.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';

/** The command_line, exactly as test/e2e/monitors/objects.cfg runs it; INTEGRATION_URL is this integration's URL. */
export const NAGIOS_COMMAND_LINE =
  '/usr/bin/curl -fsS -m 10 -o /dev/null --data-urlencode "type=$NOTIFICATIONTYPE$" --data-urlencode "host=$HOSTNAME$" --data-urlencode "service=$SERVICEDESC$" --data-urlencode "state=$SERVICESTATE$" --data-urlencode "output=$SERVICEOUTPUT$" --data-urlencode "changed=$LASTSERVICESTATECHANGE$" INTEGRATION_URL';

export const nagios: MappingPreset = {
  id: 'nagios',
  name: 'Nagios',
  setup: [
    'Define a notification command that posts to Firebell (replace INTEGRATION_URL with this integration’s URL):',
    '',
    '  define command {',
    '    command_name notify-service-firebell',
    `    command_line ${NAGIOS_COMMAND_LINE}`,
    '  }',
    '',
    'and give a contact `service_notification_commands notify-service-firebell` with',
    '`service_notification_options w,u,c,r`. A PROBLEM opens one incident per host and service, an',
    'ACKNOWLEDGEMENT acknowledges it and a RECOVERY resolves it. Keep illegal_macro_output_chars as',
    'nagios.cfg ships it (`~$&|\'"<>), so plugin output cannot break the command line.',
  ].join('\n'),
  docs: 'https://assets.nagios.com/downloads/nagioscore/docs/nagioscore/4/en/macrolist.html',
  mapping: {
    summary: '{{ host }}/{{ service }} is {{ state }}: {{ output }}',
    severity: {
      value: 'state',
      map: { CRITICAL: 'critical', WARNING: 'warning', UNKNOWN: 'error', OK: 'info' },
      default: 'error',
    },
    action: {
      value: 'type',
      map: { PROBLEM: 'trigger', RECOVERY: 'resolve', ACKNOWLEDGEMENT: 'acknowledge' },
      default: 'trigger',
    },
    dedup_key: '{{ host }}/{{ service }}',
    source: '{{ host }}',
    occurred_at: '$number(changed)',
  },
};
