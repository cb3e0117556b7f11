/**
 * The incident as a Slack Block Kit message, pure: severity, title, service, who is paged, alert count and a
 * link, with Acknowledge / Resolve / Open buttons while they make sense. Slack's limits (section text ≤ 3000
 * characters, button text ≤ 75, ≤ 50 blocks) are kept here, in one place.
 */
import type { Incident } from '../../schema/incident';

/** What the message shows besides the incident itself. */
export interface MessageContext {
  serviceName: string | null;
  /** Display names of the people paged. */
  paged: string[];
  url: string;
}

export const SECTION_TEXT_MAX = 3000;
export const BUTTON_TEXT_MAX = 75;

/** The button action ids the interactivity endpoint understands. */
export const ACK_ACTION = 'firebell_ack';
export const RESOLVE_ACTION = 'firebell_resolve';
export const OPEN_ACTION = 'firebell_open';

const SEVERITY_ICON: Record<Incident['severity'], string> = {
  critical: ':red_circle:',
  error: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  info: ':large_blue_circle:',
};

const STATUS_ICON: Record<Incident['status'], string> = {
  triggered: ':rotating_light: Triggered',
  acknowledged: ':eyes: Acknowledged',
  resolved: ':white_check_mark: Resolved',
};

/** Cut `text` to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn treats &, < and > as markup. */
export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The one-line summary Slack shows in notifications and where blocks cannot be drawn. */
export function fallbackText(incident: Incident): string {
  return clip(
    `[${incident.severity.toUpperCase()}] #${incident.number} ${incident.title} (${incident.status})`,
    SECTION_TEXT_MAX,
  );
}

const button = (text: string, actionId: string, value: string, style?: 'primary' | 'danger') => ({
  type: 'button',
  text: { type: 'plain_text', text: clip(text, BUTTON_TEXT_MAX), emoji: true },
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});

/** The blocks of the incident's message, as it is now. */
export function incidentBlocks(incident: Incident, ctx: MessageContext): unknown[] {
  const title = `${SEVERITY_ICON[incident.severity]} *<${ctx.url}|#${incident.number} ${escapeMrkdwn(clip(incident.title, 500))}>*`;
  const paged = ctx.paged.length ? ctx.paged.map(escapeMrkdwn).join(', ') : 'nobody yet';
  const fields = [
    `*Severity*\n${incident.severity}`,
    `*Status*\n${STATUS_ICON[incident.status]}`,
    `*Service*\n${escapeMrkdwn(ctx.serviceName ?? 'none')}`,
    `*Alerts*\n${incident.alertCount} (${incident.firingCount} firing)`,
    `*Paged*\n${clip(paged, 1900)}`,
  ];
  const who =
    incident.status === 'resolved' && incident.resolvedBy
      ? `Resolved by ${incident.resolvedBy.name}`
      : incident.status === 'acknowledged' && incident.acknowledgedBy
        ? `Acknowledged by ${incident.acknowledgedBy.name}`
        : null;
  const buttons = [
    ...(incident.status === 'triggered'
      ? [button('Acknowledge', ACK_ACTION, incident.id, 'primary')]
      : []),
    ...(incident.status !== 'resolved'
      ? [button('Resolve', RESOLVE_ACTION, incident.id, 'danger')]
      : []),
    { ...button('Open', OPEN_ACTION, incident.id), url: ctx.url },
  ];
  return [
    { type: 'section', text: { type: 'mrkdwn', text: clip(title, SECTION_TEXT_MAX) } },
    {
      type: 'section',
      // Slack allows ten fields of at most 2000 characters each.
      fields: fields.map((text) => ({ type: 'mrkdwn', text: clip(text, 2000) })),
    },
    ...(who ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(who) }] }] : []),
    { type: 'actions', block_id: 'firebell_actions', elements: buttons },
  ];
}

/** A timeline entry as a reply in the message's thread. */
export function threadText(entry: { text: string }, actor: { name?: string }): string {
  const by = actor.name ? `*${escapeMrkdwn(actor.name)}*: ` : '';
  return clip(`${by}${escapeMrkdwn(entry.text)}`, SECTION_TEXT_MAX);
}
