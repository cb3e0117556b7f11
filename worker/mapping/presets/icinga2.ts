/**
 * Icinga 2: a NotificationCommand posts the notification's runtime macros as form fields with curl, the same
 * fields the Nagios command sends, so both read with one mapping. Icinga 2 runs the command as an argument array,
 * without a shell, so plugin output needs no escaping. Captured from Icinga 2 r2.13.6 (Debian 12):
 * test/fixtures/monitors/icinga2/.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';
import { nagios } from './nagios';

/** The command array, exactly as test/e2e/monitors/icinga2.conf runs it; INTEGRATION_URL is this integration's URL. */
export const ICINGA2_COMMAND =
  'command = [ "/usr/bin/curl", "-fsS", "-m", "10", "-o", "/dev/null", "--data-urlencode", "type=$notification.type$", "--data-urlencode", "host=$host.name$", "--data-urlencode", "service=$service.name$", "--data-urlencode", "state=$service.state$", "--data-urlencode", "output=$service.output$", "--data-urlencode", "changed=$service.last_state_change$", "INTEGRATION_URL" ]';

export const icinga2: MappingPreset = {
  id: 'icinga2',
  name: 'Icinga 2',
  setup: [
    'Define a notification command that posts to Firebell (replace INTEGRATION_URL with this integration’s URL):',
    '',
    '  object NotificationCommand "notify-firebell" {',
    `    ${ICINGA2_COMMAND}`,
    '  }',
    '',
    'and apply a Notification with `command = "notify-firebell"` to your services, with',
    '`types = [ Problem, Acknowledgement, Recovery ]` and `states = [ OK, Warning, Critical, Unknown ]`.',
    'A Problem opens one incident per host and service, an Acknowledgement acknowledges it and a Recovery',
    'resolves it.',
  ].join('\n'),
  docs: 'https://icinga.com/docs/icinga-2/latest/doc/03-monitoring-basics/#notification-commands',
  mapping: nagios.mapping,
};
