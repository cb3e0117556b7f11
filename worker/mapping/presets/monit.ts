/**
 * Monit: each check's `exec` action posts Monit's event as form fields with curl. Monit runs `exec` without a
 * shell and passes no double quotes through, so the command goes through `sh -c` with `set -f; IFS=`, which keeps
 * each variable one field (spaces, quotes and `*` included) without quoting. Captured from Monit 5.33 (Debian 12):
 * test/fixtures/monitors/monit/.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';

/** The exec command, exactly as test/e2e/monitors/monitrc runs it; INTEGRATION_URL is this integration's URL. */
export const MONIT_EXEC =
  "/bin/sh -c 'set -f; IFS=; curl -fsS -m 10 -o /dev/null --data-urlencode service=$MONIT_SERVICE --data-urlencode event=$MONIT_EVENT --data-urlencode description=$MONIT_DESCRIPTION --data-urlencode host=$MONIT_HOST --data-urlencode date=$MONIT_DATE INTEGRATION_URL'";

export const monit: MappingPreset = {
  id: 'monit',
  name: 'Monit',
  setup: [
    'In monitrc, give each check an exec action on failure and on recovery that runs this command',
    '(replace INTEGRATION_URL with this integration’s URL):',
    '',
    `  ${MONIT_EXEC}`,
    '',
    'For example:',
    '',
    '  check program disk-probe with path "/usr/local/bin/check-disk"',
    '    if status != 0 then exec "COMMAND"',
    '      else if succeeded then exec "COMMAND"',
    '',
    'with the command above in place of COMMAND. Monit runs exec once per state change, so a failure opens one',
    'incident (per host and check) and the matching success event ("Exists", "Status succeeded", …) resolves it.',
  ].join('\n'),
  docs: 'https://mmonit.com/monit/documentation/monit.html#ACTION',
  mapping: {
    summary: '{{ service }} on {{ host }}: {{ description }}',
    // Monit has no severity: a missing file or a refused connection is critical, a resource limit a warning.
    severity: {
      value:
        'event in ["Does not exist", "Connection failed"] ? "critical" : event = "Resource limit matched" ? "warning" : "error"',
    },
    // Monit's event table names each recovery "… succeeded" or "… ok", besides these three.
    action: {
      value:
        '(event in ["Exists", "Link up", "Timeout recovery"] or $contains(event, /( succeeded| ok)$/)) ? "resolve" : "trigger"',
    },
    dedup_key: '{{ host }}/{{ service }}',
    source: '{{ host }}',
  },
};
