/**
 * Incident events as Mattermost and Microsoft Teams messages, pure. Incoming webhooks cannot edit what they
 * posted, so each event is its own message: the new incident in full, later events as one line with the status.
 */
import type { Incident } from '../../schema/incident';
import { clip, type MessageContext } from './slack-message';

export interface HookEvent {
  type: string;
  text: string;
  actorName?: string;
}

const SEVERITY_ICON: Record<Incident['severity'], string> = {
  critical: ':red_circle:',
  error: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  info: ':large_blue_circle:',
};

/** Mattermost (its Slack-compatible incoming webhook): Markdown text. */
export function mattermostBody(incident: Incident, ctx: MessageContext, event: HookEvent) {
  const head = `${SEVERITY_ICON[incident.severity]} **[#${incident.number} ${clip(incident.title, 300)}](${ctx.url})**`;
  if (event.type === 'incident.triggered') {
    const paged = ctx.paged.length ? ctx.paged.join(', ') : 'nobody yet';
    return {
      username: 'Firebell',
      text: clip(
        `${head}\n| Severity | Status | Service | Alerts | Paged |\n|---|---|---|---|---|\n| ${incident.severity} | ${incident.status} | ${ctx.serviceName ?? 'none'} | ${incident.alertCount} | ${paged} |\n\nAcknowledge with \`/firebell ack ${incident.number}\`.`,
        16_000,
      ),
    };
  }
  const by = event.actorName ? `${event.actorName}: ` : '';
  return {
    username: 'Firebell',
    text: clip(`${head} · *${incident.status}* · ${by}${event.text}`, 16_000),
  };
}

/** Teams (a Workflows "post to a channel when a webhook request is received"): one Adaptive Card. */
export function teamsBody(incident: Incident, ctx: MessageContext, event: HookEvent) {
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      {
        type: 'TextBlock',
        size: 'Medium',
        weight: 'Bolder',
        wrap: true,
        color:
          incident.severity === 'critical' || incident.severity === 'error'
            ? 'Attention'
            : 'Default',
        text: clip(`#${incident.number} ${incident.title}`, 500),
      },
      {
        type: 'TextBlock',
        wrap: true,
        text: clip(`${event.actorName ? `${event.actorName}: ` : ''}${event.text}`, 2000),
      },
      {
        type: 'FactSet',
        facts: [
          { title: 'Status', value: incident.status },
          { title: 'Severity', value: incident.severity },
          { title: 'Service', value: ctx.serviceName ?? 'none' },
          { title: 'Alerts', value: String(incident.alertCount) },
          { title: 'Paged', value: clip(ctx.paged.join(', ') || 'nobody yet', 500) },
        ],
      },
    ],
    actions: [{ type: 'Action.OpenUrl', title: 'Open in Firebell', url: ctx.url }],
  };
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}
