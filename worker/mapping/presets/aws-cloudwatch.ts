/**
 * AWS CloudWatch alarms, delivered by an Amazon SNS topic subscribed to the integration's URL over HTTPS.
 * The custom route checks each delivery's SNS signature and confirms the subscription itself
 * (worker/mapping/sns.ts); this mapping reads the alarm the notification carries.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';

/** The region code and partition are only in the alarm's ARN: `Region` is a display name ("US East (N. Virginia)"). */
const CONSOLE_LINK = `AlarmArn ? (
  $parts := $split(AlarmArn, ':');
  $console := $parts[1] = 'aws-cn' ? 'https://console.amazonaws.cn' : 'https://console.aws.amazon.com';
  [{
    "href": $console & '/cloudwatch/home?region=' & $parts[3] & '#alarmsV2:alarm/' & $encodeUrlComponent(AlarmName),
    "text": 'CloudWatch alarm'
  }]
)`;

export const awsCloudwatch: MappingPreset = {
  id: 'aws-cloudwatch',
  name: 'AWS CloudWatch (through SNS)',
  setup:
    'In Amazon SNS, subscribe this integration’s URL (protocol HTTPS) to the topic your alarms notify; Firebell confirms the subscription and checks every message’s SNS signature. Add the topic to each alarm’s OK actions as well as its ALARM actions, so recovery resolves the incident.',
  docs: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html',
  mapping: {
    summary: '{{ AlarmName }}: {{ NewStateReason }}',
    // INSUFFICIENT_DATA reaches Firebell only when the alarm sends that state too: a warning, not a recovery.
    severity: {
      value: 'NewStateValue',
      map: { ALARM: 'error', INSUFFICIENT_DATA: 'warning', OK: 'info' },
      default: 'error',
    },
    action: {
      value: 'NewStateValue',
      map: { ALARM: 'trigger', INSUFFICIENT_DATA: 'trigger', OK: 'resolve' },
      default: 'trigger',
    },
    // The ARN names one alarm in one account and region; an old message without it falls back to account and name.
    dedup_key: "{{ AlarmArn ? AlarmArn : AWSAccountId & ':' & AlarmName }}",
    source: '{{ Region }}',
    occurred_at: 'StateChangeTime',
    links: CONSOLE_LINK,
  },
};
