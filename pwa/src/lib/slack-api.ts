/** Slack: my link code (Settings) and the workspace, channels and errors (Admin). Types only from schema/. */
import type {
  SlackChannel,
  SlackError,
  SlackLink,
  SlackLinkCode,
  SlackWorkspace,
} from '../../../schema/slack-schemas';
import { del, get, post, put, type RequestOptions } from './api';

export type { SlackChannel, SlackError, SlackLink, SlackLinkCode, SlackWorkspace };

/** A one-time code to send in Slack as `/firebell link CODE` (valid 15 minutes). */
export const newSlackLinkCode = () => post<SlackLinkCode>('/api/slack/link-code', {});
export const mySlackLinks = (opts?: RequestOptions) =>
  get<{ links: SlackLink[] }>('/api/slack/links', opts);

export const listSlackWorkspaces = (opts?: RequestOptions) =>
  get<{ workspaces: SlackWorkspace[] }>('/api/slack/workspaces', opts);
export const installSlackWorkspace = (body: {
  teamId: string;
  name: string;
  botToken: string;
  signingSecret: string;
}) => post<{ workspace: SlackWorkspace }>('/api/slack/workspaces', body);
export const listSlackChannels = (opts?: RequestOptions) =>
  get<{ channels: SlackChannel[] }>('/api/slack/channels', opts);
export const mapSlackChannel = (serviceId: string, teamId: string, channelId: string) =>
  put<{ channel: SlackChannel }>(`/api/slack/channels/${encodeURIComponent(serviceId)}`, {
    teamId,
    channelId,
  });
export const unmapSlackChannel = (serviceId: string) =>
  del(`/api/slack/channels/${encodeURIComponent(serviceId)}`);
export const listSlackErrors = (opts?: RequestOptions) =>
  get<{ errors: SlackError[] }>('/api/slack/errors', opts);
