/**
 * Ready-to-paste configuration for each kind of monitor. The key exists only in the answer to creating or
 * rotating an integration, so with no key the snippets carry a placeholder the admin replaces.
 */
import type { Integration } from './types';

export interface Snippet {
  title: string;
  /** What to do with it, in one line. */
  hint: string;
  text: string;
  /** True when it is complete as shown (carries the key, or needs none). */
  ready: boolean;
}

export const KEY_PLACEHOLDER = '<INTEGRATION_KEY>';

const ORIGIN = /^(https?:\/\/[^/]+)/;

/** Single-quoted YAML scalar. */
const yaml = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** Single-quoted shell word. */
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The snippets for one integration; `key` only right after it was created or rotated. */
export function snippetsFor(
  integration: Pick<Integration, 'type' | 'endpoint' | 'name'>,
  key: string | null,
): Snippet[] {
  const k = key ?? KEY_PLACEHOLDER;
  const ready = key !== null;
  const url = integration.endpoint.replace('{key}', k);
  const origin = ORIGIN.exec(integration.endpoint)?.[1] ?? integration.endpoint;
  const receiver = 'firebell';

  switch (integration.type) {
    case 'alertmanager':
      return [
        {
          title: 'Alertmanager (alertmanager.yml)',
          hint: 'A complete minimal config; to add Firebell to yours, copy the receiver and route alerts to it.',
          ready,
          text: `route:
  receiver: ${receiver}
receivers:
  - name: ${receiver}
    webhook_configs:
      - url: ${yaml(url)}
        send_resolved: true
`,
        },
        curlAlertmanager(url, ready),
      ];
    case 'grafana':
      return [
        {
          title: 'Grafana contact point: webhook URL',
          hint: 'Alerting → Contact points → New → Webhook; paste as the URL (method POST).',
          ready,
          text: url,
        },
        {
          title: 'Grafana provisioning (contact point YAML)',
          hint: 'For provisioning/alerting/*.yaml instead of the UI.',
          ready,
          text: `apiVersion: 1
contactPoints:
  - orgId: 1
    name: Firebell
    receivers:
      - uid: firebell
        type: webhook
        settings:
          url: ${yaml(url)}
          httpMethod: POST
`,
        },
      ];
    case 'pagerduty':
      return [
        {
          title: 'PagerDuty-compatible events URL',
          hint: 'Use instead of https://events.pagerduty.com/v2/enqueue.',
          ready: true,
          text: integration.endpoint,
        },
        {
          title: 'Routing key (integration key)',
          hint: 'Goes in the event body as routing_key.',
          ready,
          text: k,
        },
        {
          title: 'Alertmanager pagerduty_configs',
          hint: 'A receiver for alertmanager.yml that speaks PagerDuty Events v2 to Firebell.',
          ready,
          text: `receivers:
  - name: ${receiver}
    pagerduty_configs:
      - url: ${yaml(integration.endpoint)}
        routing_key: ${yaml(k)}
        send_resolved: true
`,
        },
        {
          title: 'Test with curl',
          hint: 'Sends one PagerDuty-style trigger.',
          ready,
          text: `curl -sS -X POST ${sh(integration.endpoint)} -H 'content-type: application/json' \\
  -d ${sh(JSON.stringify({ routing_key: k, event_action: 'trigger', dedup_key: 'firebell-test', payload: { summary: 'Test from curl', source: 'curl', severity: 'warning' } }))}`,
        },
      ];
    case 'opsgenie':
      return [
        {
          title: 'Opsgenie API URL (api_url)',
          hint: 'Clients append /v2/alerts to it.',
          ready: true,
          text: integration.endpoint,
        },
        {
          title: 'API key (GenieKey)',
          hint: 'Sent as Authorization: GenieKey <key>.',
          ready,
          text: k,
        },
        {
          title: 'Alertmanager opsgenie_configs',
          hint: 'A receiver for alertmanager.yml that speaks the Opsgenie Alert API to Firebell.',
          ready,
          text: `receivers:
  - name: ${receiver}
    opsgenie_configs:
      - api_url: ${yaml(`${origin}/`)}
        api_key: ${yaml(k)}
        send_resolved: true
`,
        },
        {
          title: 'Test with curl',
          hint: 'Creates one alert the way Opsgenie clients do.',
          ready,
          text: `curl -sS -X POST ${sh(`${origin}/v2/alerts`)} -H ${sh(`authorization: GenieKey ${k}`)} -H 'content-type: application/json' \\
  -d '{"message":"Test from curl","alias":"firebell-test","priority":"P3"}'`,
        },
      ];
    case 'generic':
      return [
        { title: 'Webhook URL', hint: 'POST JSON here from anything.', ready, text: url },
        {
          title: 'curl',
          hint: 'Trigger; send the same dedup_key with "action":"resolve" to resolve.',
          ready,
          text: `curl -sS -X POST ${sh(url)} -H 'content-type: application/json' \\
  -d '{"summary":"Disk full on web-1","severity":"critical","dedup_key":"disk-web-1"}'`,
        },
      ];
    case 'custom':
      return [
        {
          title: 'Webhook URL',
          hint: "Point the monitor's webhook here: its own JSON (or form) body is read as this integration's mapping says.",
          ready,
          text: url,
        },
        {
          title: 'Test with curl',
          hint: 'Posts a small body; then open Edit mapping to see what it maps to.',
          ready,
          text: `curl -sS -X POST ${sh(url)} -H 'content-type: application/json' \\
  -d '{"title":"Disk full on web-1","host":"web-1","level":"critical"}'`,
        },
      ];
  }
}

function curlAlertmanager(url: string, ready: boolean): Snippet {
  const body = {
    version: '4',
    status: 'firing',
    receiver: 'firebell',
    groupKey: 'firebell-test',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'FirebellTest', severity: 'warning' },
        annotations: { summary: 'Test from curl' },
        startsAt: '2026-01-01T00:00:00Z',
        fingerprint: 'firebelltest',
      },
    ],
  };
  return {
    title: 'Test with curl',
    hint: 'Posts one firing alert the way Alertmanager does.',
    ready,
    text: `curl -sS -X POST ${sh(url)} -H 'content-type: application/json' \\
  -d ${sh(JSON.stringify(body))}`,
  };
}
