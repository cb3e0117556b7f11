/**
 * Zabbix through a webhook media type. Zabbix posts whatever the media type's script sends, so Firebell ships the
 * script (ZABBIX_MEDIA_SCRIPT) and its parameters: the script posts the parameters as one JSON object. A problem
 * arrives with event_value 1, its recovery with event_value 0 and the same event_id (in recovery operations
 * {EVENT.ID} is still the problem's), and an acknowledgement as an update with event_ack "Yes".
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';

/** The media type's parameters: name → Zabbix macro. `firebell_url` is the user media's "Send to". */
export const ZABBIX_MEDIA_PARAMETERS: Readonly<Record<string, string>> = {
  firebell_url: '{ALERT.SENDTO}',
  event_id: '{EVENT.ID}',
  event_value: '{EVENT.VALUE}',
  event_update_status: '{EVENT.UPDATE.STATUS}',
  event_ack: '{EVENT.ACK.STATUS}',
  event_source: '{EVENT.SOURCE}',
  event_name: '{EVENT.NAME}',
  event_severity: '{EVENT.SEVERITY}',
  event_nseverity: '{EVENT.NSEVERITY}',
  event_date: '{EVENT.DATE}',
  event_time: '{EVENT.TIME}',
  event_opdata: '{EVENT.OPDATA}',
  event_tags: '{EVENT.TAGSJSON}',
  host_name: '{HOST.NAME}',
  host_ip: '{HOST.IP}',
  trigger_id: '{TRIGGER.ID}',
  trigger_description: '{TRIGGER.DESCRIPTION}',
  zabbix_url: '{$ZABBIX.URL}',
  alert_subject: '{ALERT.SUBJECT}',
  alert_message: '{ALERT.MESSAGE}',
};

/** The media type's script (Zabbix runs it in Duktape, so ES5: var, no arrows, no template strings). */
export const ZABBIX_MEDIA_SCRIPT = `var params = JSON.parse(value);
var url = params.firebell_url;
delete params.firebell_url;
if (!/^https?:\\/\\//.test(url || '')) {
    throw 'Set this user media\\'s "Send to" to the Firebell integration URL (got "' + url + '")';
}
try {
    params.event_tags = JSON.parse(params.event_tags);
} catch (error) {
    // Not JSON (no {EVENT.TAGSJSON} before Zabbix 5.0): keep the text as it came.
}
var request = new HttpRequest();
request.addHeader('Content-Type: application/json');
var response = request.post(url, JSON.stringify(params));
var status = request.getStatus();
Zabbix.log(4, '[Firebell webhook] ' + status + ' ' + response);
if (status < 200 || status >= 300) {
    throw 'Firebell answered ' + status + ': ' + response;
}
return 'OK';`;

const parameterLines = Object.entries(ZABBIX_MEDIA_PARAMETERS)
  .map(([name, macro]) => `${name} = ${macro}`)
  .join('\n');

export const zabbix: MappingPreset = {
  id: 'zabbix',
  name: 'Zabbix',
  setup:
    'In Zabbix, create a media type of type Webhook with the parameters and script below (set the global macro ' +
    "{$ZABBIX.URL} to your frontend's URL for links). Give the user Zabbix notifies a media of that type whose " +
    '"Send to" is this integration\'s URL, and send problem, recovery and update operations to it. A problem opens ' +
    'an incident, its recovery resolves it, and acknowledging it in Zabbix acknowledges it here.\n\n' +
    `Parameters:\n${parameterLines}\n\nScript:\n${ZABBIX_MEDIA_SCRIPT}`,
  docs: 'https://www.zabbix.com/documentation/current/en/manual/config/notifications/media/webhook',
  mapping: {
    summary: '{{ event_name & (host_name ? " on " & host_name : "") }}',
    // {EVENT.NSEVERITY}: 0 not classified, 1 information, 2 warning, 3 average, 4 high, 5 disaster.
    severity: {
      value: 'event_nseverity',
      map: {
        '0': 'info',
        '1': 'info',
        '2': 'warning',
        '3': 'warning',
        '4': 'error',
        '5': 'critical',
      },
      default: 'error',
    },
    action: {
      value:
        'event_value = "0" ? "recovery" : (event_update_status = "1" ? (event_ack = "Yes" ? "acknowledged" : "update") : "problem")',
      map: {
        problem: 'trigger',
        update: 'trigger',
        acknowledged: 'acknowledge',
        recovery: 'resolve',
      },
      default: 'trigger',
    },
    dedup_key: 'zabbix/{{ event_id }}',
    source: '{{ host_name ? host_name : "Zabbix" }}',
    // The problem's page, when {$ZABBIX.URL} is set (unset, Zabbix sends the macro's own text).
    links:
      '$match(zabbix_url, /^https?:\\/\\//) ? [{"href": $replace(zabbix_url, /\\/$/, "") & "/tr_events.php?triggerid=" & trigger_id & "&eventid=" & event_id, "text": "Zabbix problem"}] : []',
  },
};
